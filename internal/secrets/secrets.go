// SPDX-License-Identifier: AGPL-3.0-or-later

// Package secrets holds the server's sealing key and seals secrets at rest
// (project private keys, the instance signing key) with AES-256-GCM.
//
// The key comes from the configured secret (EMBARGO_SECRET_KEY or its
// _FILE variant), stretched to 32 bytes with HKDF-SHA256, or, when none is
// configured, from DATA_DIR/secret.key, a random key created once on first
// use. Several PostgreSQL replicas must share a configured secret: each
// replica would otherwise create its own key file and be unable to open
// what the others sealed.
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// KeyFileName is the name of the auto-created key file in the data directory.
const KeyFileName = "secret.key"

// MinSecretLength is the shortest configured secret accepted, in characters.
const MinSecretLength = 32

// version1 marks a sealed value as AES-256-GCM under the current key with a
// 12-byte random nonce. A later rotation adds a version and keeps opening
// this one.
const version1 byte = 1

// hkdfInfo separates this key derivation from any other use of the secret.
const hkdfInfo = "embargo secrets v1: AES-256-GCM sealing key"

// ErrOpen is returned by Open when a sealed value is damaged, was sealed
// under another key, or with other associated data.
var ErrOpen = errors.New("secrets: unable to open sealed value (wrong key, wrong context or damaged)")

// Sealer seals and opens values with one 32-byte key. It is safe for
// concurrent use.
type Sealer struct {
	aead cipher.AEAD
}

// New returns a Sealer for a raw 32-byte key.
func New(key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("secrets: key is %d bytes, want 32", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	return &Sealer{aead: aead}, nil
}

// FromSecret derives the sealing key from a configured secret of at least
// MinSecretLength characters with HKDF-SHA256.
func FromSecret(secret string) (*Sealer, error) {
	if len(secret) < MinSecretLength {
		return nil, fmt.Errorf("secrets: secret key is %d characters, want at least %d", len(secret), MinSecretLength)
	}
	key, err := hkdf.Key(sha256.New, []byte(secret), nil, hkdfInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("secrets: derive key: %w", err)
	}
	return New(key)
}

// Seal encrypts plaintext, binding it to associatedData (say, "project-key:42"),
// which Open must be given unchanged. The result is a version byte, a random
// nonce and the ciphertext with its tag.
func (s *Sealer) Seal(plaintext, associatedData []byte) ([]byte, error) {
	out := make([]byte, 1+s.aead.NonceSize(), 1+s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	out[0] = version1
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("secrets: nonce: %w", err)
	}
	return s.aead.Seal(out, out[1:], plaintext, aad(version1, associatedData)), nil
}

// Open decrypts a value made by Seal with the same associatedData. It
// returns ErrOpen when the value is damaged or was sealed under another key
// or context.
func (s *Sealer) Open(sealed, associatedData []byte) ([]byte, error) {
	if len(sealed) < 1+s.aead.NonceSize()+s.aead.Overhead() {
		return nil, ErrOpen
	}
	if sealed[0] != version1 {
		return nil, fmt.Errorf("secrets: unknown sealed value version %d", sealed[0])
	}
	n := 1 + s.aead.NonceSize()
	plain, err := s.aead.Open(nil, sealed[1:n], sealed[n:], aad(version1, associatedData))
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// aad binds the version byte to the caller's associated data, so a value
// cannot be replayed under another version's rules.
func aad(version byte, associatedData []byte) []byte {
	return append([]byte{version}, associatedData...)
}

// Source names where a Sealer's key came from.
type Source string

const (
	// SourceConfig is a configured secret key.
	SourceConfig Source = "config"
	// SourceFile is the key file in the data directory.
	SourceFile Source = "file"
	// SourceEphemeral is a random key held only in memory, used when
	// neither a secret nor a data directory is configured (tests).
	SourceEphemeral Source = "ephemeral"
)

// Load returns the Sealer for a configuration: from secretKey when set,
// otherwise from DATA_DIR/secret.key, which it creates (mode 0600) when
// missing. With neither, it uses an in-memory random key and logs a
// warning: whatever it seals is lost at exit. With shared set (the
// PostgreSQL engine, where replicas may run) and no secretKey, it logs a
// warning that every replica needs the same EMBARGO_SECRET_KEY.
func Load(secretKey, dataDir string, shared bool, log *slog.Logger) (*Sealer, Source, error) {
	if secretKey != "" {
		s, err := FromSecret(secretKey)
		return s, SourceConfig, err
	}
	if dataDir == "" {
		key := make([]byte, 32)
		rand.Read(key)
		log.Warn("no secret key and no data directory: secrets sealed now will be unreadable after a restart")
		s, err := New(key)
		return s, SourceEphemeral, err
	}
	path := filepath.Join(dataDir, KeyFileName)
	key, created, err := loadOrCreateKeyFile(path)
	if err != nil {
		return nil, "", err
	}
	if created {
		log.Info("created the secret key file for secrets at rest; back it up with the database", "path", path)
	}
	if shared {
		log.Warn("using the auto-created key file with PostgreSQL: every replica needs the same key, set EMBARGO_SECRET_KEY (or EMBARGO_SECRET_KEY_FILE) before running more than one",
			"path", path)
	}
	s, err := New(key)
	return s, SourceFile, err
}

// loadOrCreateKeyFile reads the hex key at path, or creates it. Creation
// writes a temporary file and hard-links it into place, so two processes
// starting together agree on one key.
func loadOrCreateKeyFile(path string) (key []byte, created bool, err error) {
	if key, err := readKeyFile(path); err == nil {
		return key, false, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("secrets: create data directory: %w", err)
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, false, fmt.Errorf("secrets: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".secret.key.*")
	if err != nil {
		return nil, false, fmt.Errorf("secrets: create key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, false, fmt.Errorf("secrets: create key file: %w", err)
	}
	if _, err := tmp.WriteString(hex.EncodeToString(fresh) + "\n"); err != nil {
		tmp.Close()
		return nil, false, fmt.Errorf("secrets: write key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, false, fmt.Errorf("secrets: write key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, false, fmt.Errorf("secrets: write key file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			key, err := readKeyFile(path)
			return key, false, err
		}
		return nil, false, fmt.Errorf("secrets: create key file: %w", err)
	}
	return fresh, true, nil
}

// readKeyFile reads a key file holding 64 hex digits.
func readKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("secrets: read key file: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("secrets: key file %s does not hold 64 hex digits", path)
	}
	return key, nil
}

// Lazy loads a Sealer on first use, so commands and tests that never touch
// a secret do not create a key file. A failed load is retried on the next
// call. It is safe for concurrent use.
type Lazy struct {
	SecretKey string
	DataDir   string
	Shared    bool
	Log       *slog.Logger

	mu     sync.Mutex
	sealer *Sealer
}

// Sealer returns the loaded Sealer, loading it on first call.
func (l *Lazy) Sealer() (*Sealer, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sealer != nil {
		return l.sealer, nil
	}
	log := l.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s, _, err := Load(l.SecretKey, l.DataDir, l.Shared, log)
	if err != nil {
		return nil, err
	}
	l.sealer = s
	return s, nil
}
