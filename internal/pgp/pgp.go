// SPDX-License-Identifier: AGPL-3.0-or-later

// Package pgp handles Embargo's OpenPGP keys: each project's key, which
// reporters encrypt to and which decrypts their reports, and the instance
// key that signs security.txt. This file holds the key operations on their
// own; keys.go stores keys, sealed, and records every change.
//
// Keys are v4 Ed25519 (signing, certification) with a Curve25519 ECDH
// encryption subkey, the combination every OpenPGP implementation in use
// (GnuPG 2.2 included) reads. Everything a reporter sends is hostile: inputs
// are size-limited, decompression is capped, and parse failures come back
// as the package's errors, never as panics.
package pgp

import (
	"bytes"
	"crypto"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Limits on what the package accepts.
const (
	// MaxKeySize is the largest armored key Import and Encrypt accept.
	MaxKeySize = 64 << 10
	// MaxMessageSize is the largest message, armored or binary, Decrypt
	// accepts: 10 MiB of ciphertext with armor's overhead.
	MaxMessageSize = 14 << 20
	// MaxPlaintextSize is the most Decrypt returns, after decompression.
	MaxPlaintextSize = 10 << 20
)

// Errors Decrypt and Import return, with messages fit to show the person
// who sent the input.
var (
	ErrNotForThisKey = errors.New("pgp: not encrypted to this project's key")
	ErrMalformed     = errors.New("pgp: malformed OpenPGP message")
	ErrTooLarge      = errors.New("pgp: message too large after decompression")
	ErrInputTooLarge = errors.New("pgp: message too large")
	ErrNotEncrypted  = errors.New("pgp: the message is not encrypted")
)

// KeyError describes why an imported or given key was refused.
type KeyError struct{ Reason string }

func (e *KeyError) Error() string { return "pgp: " + e.Reason }

// armorMessage is the first line of an ASCII-armored OpenPGP message.
const armorMessage = "-----BEGIN PGP MESSAGE-----"

// IsArmoredMessage reports whether text holds an ASCII-armored OpenPGP
// message: a line starting with "-----BEGIN PGP MESSAGE-----", possibly
// after other text (a mail's quoted preamble, say).
func IsArmoredMessage(text []byte) bool {
	for len(text) > 0 {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		if bytes.HasPrefix(bytes.TrimLeft(line, " \t"), []byte(armorMessage)) {
			return true
		}
	}
	return false
}

// Key is an OpenPGP key with its private parts.
type Key struct {
	entity *openpgp.Entity
}

// config returns the settings for every operation: modern defaults, a
// clock, and the decompression cap.
func config(now time.Time) *packet.Config {
	// The library's cap sits a little above MaxPlaintextSize: Decrypt stops
	// reading at MaxPlaintextSize+1 and reports ErrTooLarge itself, because
	// the library hides its own too-large error behind a generic one once
	// decryption has begun.
	maxSize := int64(MaxPlaintextSize + 64<<10)
	return &packet.Config{
		Algorithm:                  packet.PubKeyAlgoEdDSA,
		Curve:                      packet.Curve25519,
		DefaultHash:                crypto.SHA256,
		DefaultCipher:              packet.CipherAES256,
		DefaultCompressionAlgo:     packet.CompressionNone,
		Time:                       func() time.Time { return now },
		MaxDecompressedMessageSize: &maxSize,
	}
}

// userIDReplacer removes the characters OpenPGP user IDs cannot hold.
var userIDReplacer = strings.NewReplacer("(", "", ")", "", "<", "", ">", "", "\x00", "", "\n", " ", "\r", " ")

// Generate makes a new key for the user ID "name <email>" (or just name
// when email is ""), created at now.
func Generate(name, email string, now time.Time) (*Key, error) {
	name = strings.TrimSpace(userIDReplacer.Replace(name))
	email = strings.TrimSpace(userIDReplacer.Replace(email))
	if name == "" && email == "" {
		return nil, &KeyError{Reason: "a key needs a name or an email address"}
	}
	cfg := config(now)
	// Advertise ZLIB besides "none": Decrypt handles compressed messages
	// within its cap, and senders' tools compress by default.
	cfg.DefaultCompressionAlgo = packet.CompressionZLIB
	e, err := openpgp.NewEntity(name, "", email, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgp: generate key: %w", err)
	}
	return &Key{entity: e}, nil
}

// Import reads one ASCII-armored private key (public and secret parts, as
// `gpg --export-secret-keys --armor` writes it). It refuses public keys,
// passphrase-protected keys, keys with several primary keys, keys that
// cannot encrypt now, and input over MaxKeySize.
func Import(armored []byte, now time.Time) (k *Key, err error) {
	defer func() {
		if r := recover(); r != nil {
			k, err = nil, &KeyError{Reason: "the key could not be read"}
		}
	}()
	if len(armored) > MaxKeySize {
		return nil, &KeyError{Reason: fmt.Sprintf("the key is larger than %d KiB", MaxKeySize>>10)}
	}
	block, err := armor.Decode(bytes.NewReader(armored))
	if err != nil {
		return nil, &KeyError{Reason: "not an ASCII-armored OpenPGP key"}
	}
	switch block.Type {
	case openpgp.PrivateKeyType:
	case openpgp.PublicKeyType:
		return nil, &KeyError{Reason: "this is a public key; import needs the private key (gpg --export-secret-keys --armor)"}
	default:
		return nil, &KeyError{Reason: fmt.Sprintf("expected a PGP PRIVATE KEY BLOCK, got %q", block.Type)}
	}
	raw, err := io.ReadAll(io.LimitReader(block.Body, MaxKeySize))
	if err != nil {
		return nil, &KeyError{Reason: "not an ASCII-armored OpenPGP key"}
	}
	if err := checkKeyPackets(raw); err != nil {
		var ke *KeyError
		if errors.As(err, &ke) {
			return nil, ke
		}
		return nil, &KeyError{Reason: "the key could not be read: malformed packets"}
	}
	list, err := openpgp.ReadKeyRing(bytes.NewReader(raw))
	if err != nil {
		return nil, &KeyError{Reason: "the key could not be read: " + cleanErr(err)}
	}
	if len(list) != 1 {
		return nil, &KeyError{Reason: fmt.Sprintf("expected one key, found %d", len(list))}
	}
	return checkPrivate(list[0], now)
}

// checkPrivate refuses entities Embargo cannot use as a project key.
func checkPrivate(e *openpgp.Entity, now time.Time) (*Key, error) {
	if e.PrivateKey == nil {
		return nil, &KeyError{Reason: "the key holds no private part"}
	}
	if e.PrivateKey.Encrypted {
		return nil, &KeyError{Reason: "the private key is protected by a passphrase; export it without one"}
	}
	if e.Revoked(now) {
		return nil, &KeyError{Reason: "the key is revoked"}
	}
	enc, ok := e.EncryptionKey(now)
	if !ok {
		return nil, &KeyError{Reason: "the key has no valid encryption subkey"}
	}
	if enc.PrivateKey == nil || enc.PrivateKey.Dummy() {
		return nil, &KeyError{Reason: "the encryption subkey's private part is missing"}
	}
	if enc.PrivateKey.Encrypted {
		return nil, &KeyError{Reason: "the encryption subkey is protected by a passphrase; export it without one"}
	}
	return &Key{entity: e}, nil
}

// cleanErr shortens go-crypto's error texts for people.
func cleanErr(err error) string {
	return strings.TrimPrefix(err.Error(), "openpgp: ")
}

// Fingerprint returns the primary key's fingerprint in upper-case hex (40
// digits for a v4 key).
func (k *Key) Fingerprint() string {
	return strings.ToUpper(hex.EncodeToString(k.entity.PrimaryKey.Fingerprint))
}

// CreatedAt returns the primary key's creation time.
func (k *Key) CreatedAt() time.Time { return k.entity.PrimaryKey.CreationTime }

// ArmoredPublic returns the ASCII-armored public key.
func (k *Key) ArmoredPublic() (string, error) {
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		return "", fmt.Errorf("pgp: export public key: %w", err)
	}
	if err := k.entity.Serialize(w); err != nil {
		return "", fmt.Errorf("pgp: export public key: %w", err)
	}
	if err := w.Close(); err != nil {
		return "", fmt.Errorf("pgp: export public key: %w", err)
	}
	buf.WriteByte('\n')
	return buf.String(), nil
}

// ArmoredPrivate returns the whole key, private parts unprotected, in the
// ASCII-armored form Import reads (and `gpg --import` too). Callers must
// treat the result as the secret it is.
func (k *Key) ArmoredPrivate() ([]byte, error) {
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PrivateKeyType, nil)
	if err != nil {
		return nil, fmt.Errorf("pgp: export private key: %w", err)
	}
	if err := k.entity.SerializePrivateWithoutSigning(w, nil); err != nil {
		return nil, fmt.Errorf("pgp: export private key: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("pgp: export private key: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// MarshalPrivate returns the whole key, private parts included, as binary
// OpenPGP packets, for sealing. ParsePrivate reads it back.
func (k *Key) MarshalPrivate() ([]byte, error) {
	var buf bytes.Buffer
	if err := k.entity.SerializePrivateWithoutSigning(&buf, nil); err != nil {
		return nil, fmt.Errorf("pgp: serialize private key: %w", err)
	}
	return buf.Bytes(), nil
}

// ParsePrivate reads a key written by MarshalPrivate.
func ParsePrivate(b []byte) (*Key, error) {
	e, err := openpgp.ReadEntity(packet.NewReader(bytes.NewReader(b)))
	if err != nil {
		return nil, fmt.Errorf("pgp: read stored private key: %w", err)
	}
	if e.PrivateKey == nil {
		return nil, errors.New("pgp: stored key has no private part")
	}
	return &Key{entity: e}, nil
}

// Decrypt decrypts an ASCII-armored or binary OpenPGP message encrypted to
// k. Signatures inside are not checked. It returns ErrNotForThisKey,
// ErrMalformed, ErrTooLarge (over MaxPlaintextSize once decompressed),
// ErrInputTooLarge (over MaxMessageSize) or ErrNotEncrypted.
//
// It unwraps the encryption itself and checks the packets inside (no key
// packets, compression nested at most maxNesting deep) before go-crypto
// parses them: go-crypto validates a parsed secret key, which for ElGamal
// or DSA parameters of a sender's choosing costs seconds of CPU per packet.
func (k *Key) Decrypt(data []byte, now time.Time) (plain []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			plain, err = nil, ErrMalformed
		}
	}()
	if len(data) > MaxMessageSize {
		return nil, ErrInputTooLarge
	}
	raw := data
	if bytes.Contains(data, []byte("-----BEGIN PGP ")) {
		block, err := armor.Decode(bytes.NewReader(data))
		if err != nil || block.Type != "PGP MESSAGE" {
			return nil, ErrMalformed
		}
		if raw, err = io.ReadAll(io.LimitReader(block.Body, MaxMessageSize)); err != nil {
			return nil, ErrMalformed
		}
	}
	if err := checkMessagePackets(raw); err != nil {
		return nil, ErrMalformed
	}
	inner, err := k.decryptPayload(raw, now)
	if err != nil {
		return nil, err
	}
	if err := checkInner(inner, 0); err != nil {
		if errors.Is(err, ErrTooLarge) {
			return nil, ErrTooLarge
		}
		return nil, ErrMalformed
	}
	// The decrypted packets hold no keys: go-crypto may parse them now.
	md, err := openpgp.ReadMessage(bytes.NewReader(inner), nil, nil, config(now))
	if err != nil {
		return nil, mapReadError(err)
	}
	plain, err = io.ReadAll(io.LimitReader(md.UnverifiedBody, MaxPlaintextSize+1))
	if err != nil {
		return nil, mapReadError(err)
	}
	if len(plain) > MaxPlaintextSize {
		return nil, ErrTooLarge
	}
	return plain, nil
}

// mapReadError turns go-crypto's errors into the package's.
func mapReadError(err error) error {
	var keyErr pgperrors.KeyInvalidError
	switch {
	case errors.Is(err, pgperrors.ErrMessageTooLarge):
		return ErrTooLarge
	case errors.Is(err, pgperrors.ErrKeyIncorrect), errors.As(err, &keyErr):
		return ErrNotForThisKey
	default:
		return ErrMalformed
	}
}

// ClearSign returns text wrapped in an OpenPGP cleartext signature made
// with k's signing key, as security.txt (RFC 9116) wants.
func (k *Key) ClearSign(text []byte, now time.Time) ([]byte, error) {
	signer, ok := k.entity.SigningKey(now)
	if !ok || signer.PrivateKey == nil {
		return nil, &KeyError{Reason: "the key cannot sign"}
	}
	var buf bytes.Buffer
	w, err := clearsign.Encode(&buf, signer.PrivateKey, config(now))
	if err != nil {
		return nil, fmt.Errorf("pgp: clear-sign: %w", err)
	}
	if _, err := w.Write(text); err != nil {
		return nil, fmt.Errorf("pgp: clear-sign: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("pgp: clear-sign: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// Encrypt encrypts plaintext to the recipient's ASCII-armored public key
// and returns an ASCII-armored message. It refuses keys over MaxKeySize,
// several keys, and keys that cannot encrypt now.
func Encrypt(recipientArmored, plaintext []byte, now time.Time) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, &KeyError{Reason: "the recipient's key could not be read"}
		}
	}()
	if len(recipientArmored) > MaxKeySize {
		return nil, &KeyError{Reason: fmt.Sprintf("the recipient's key is larger than %d KiB", MaxKeySize>>10)}
	}
	list, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(recipientArmored))
	if err != nil {
		return nil, &KeyError{Reason: "the recipient's key could not be read: " + cleanErr(err)}
	}
	if len(list) != 1 {
		return nil, &KeyError{Reason: fmt.Sprintf("expected one recipient key, found %d", len(list))}
	}
	if _, ok := list[0].EncryptionKey(now); !ok {
		return nil, &KeyError{Reason: "the recipient's key has no valid encryption subkey"}
	}
	var buf bytes.Buffer
	aw, err := armor.Encode(&buf, "PGP MESSAGE", nil)
	if err != nil {
		return nil, fmt.Errorf("pgp: encrypt: %w", err)
	}
	pw, err := openpgp.Encrypt(aw, list, nil, &openpgp.FileHints{IsBinary: true}, config(now))
	if err != nil {
		return nil, fmt.Errorf("pgp: encrypt: %w", err)
	}
	if _, err := pw.Write(plaintext); err != nil {
		return nil, fmt.Errorf("pgp: encrypt: %w", err)
	}
	if err := pw.Close(); err != nil {
		return nil, fmt.Errorf("pgp: encrypt: %w", err)
	}
	if err := aw.Close(); err != nil {
		return nil, fmt.Errorf("pgp: encrypt: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
