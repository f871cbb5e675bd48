// SPDX-License-Identifier: AGPL-3.0-or-later

package secrets

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var quiet = slog.New(slog.DiscardHandler)

func TestSealOpen(t *testing.T) {
	s, err := FromSecret(strings.Repeat("k", 32))
	if err != nil {
		t.Fatal(err)
	}
	other, err := FromSecret(strings.Repeat("x", 32))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := s.Seal([]byte("private key"), []byte("project:1"))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := s.Seal([]byte("private key"), []byte("project:1"))
	if bytes.Equal(sealed, again) {
		t.Error("two seals of the same value are equal: nonce not random")
	}
	if sealed[0] != version1 {
		t.Errorf("version byte = %d, want %d", sealed[0], version1)
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	tests := []struct {
		name    string
		sealer  *Sealer
		sealed  []byte
		ad      string
		want    string
		wantErr bool
	}{
		{"same key and context", s, sealed, "project:1", "private key", false},
		{"other context", s, sealed, "project:2", "", true},
		{"other key", other, sealed, "project:1", "", true},
		{"tampered", s, tampered, "project:1", "", true},
		{"truncated", s, sealed[:10], "project:1", "", true},
		{"empty", s, nil, "project:1", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.sealer.Open(tt.sealed, []byte(tt.ad))
			if tt.wantErr {
				if !errors.Is(err, ErrOpen) {
					t.Fatalf("Open error = %v, want ErrOpen", err)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("Open = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	bad := bytes.Clone(sealed)
	bad[0] = 9
	if _, err := s.Open(bad, []byte("project:1")); err == nil || !strings.Contains(err.Error(), "version 9") {
		t.Errorf("Open of unknown version = %v, want a version error", err)
	}
}

func TestFromSecretRefusesShortSecrets(t *testing.T) {
	if _, err := FromSecret("short"); err == nil {
		t.Fatal("FromSecret accepted a 5-character secret")
	}
	if _, err := New(make([]byte, 16)); err == nil {
		t.Fatal("New accepted a 16-byte key")
	}
}

func TestLoad(t *testing.T) {
	t.Run("configured secret is stable and writes no file", func(t *testing.T) {
		dir := t.TempDir()
		a, src, err := Load(strings.Repeat("s", 40), dir, true, quiet)
		if err != nil || src != SourceConfig {
			t.Fatalf("Load = %v, %v", src, err)
		}
		b, _, _ := Load(strings.Repeat("s", 40), dir, true, quiet)
		sealed, _ := a.Seal([]byte("x"), nil)
		if got, err := b.Open(sealed, nil); err != nil || string(got) != "x" {
			t.Fatalf("second load cannot open the first one's seal: %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir, KeyFileName)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("key file written although a secret is configured: %v", err)
		}
	})
	t.Run("key file is created once with mode 0600 and reused", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "data")
		var logs bytes.Buffer
		a, src, err := Load("", dir, true, slog.New(slog.NewTextHandler(&logs, nil)))
		if err != nil || src != SourceFile {
			t.Fatalf("Load = %v, %v", src, err)
		}
		if !strings.Contains(logs.String(), "EMBARGO_SECRET_KEY") {
			t.Errorf("no warning naming EMBARGO_SECRET_KEY for PostgreSQL; logs: %s", logs.String())
		}
		fi, err := os.Stat(filepath.Join(dir, KeyFileName))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("key file mode = %v, want 0600", fi.Mode().Perm())
		}
		sealed, _ := a.Seal([]byte("x"), nil)
		b, _, err := Load("", dir, false, quiet)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := b.Open(sealed, nil); err != nil || string(got) != "x" {
			t.Fatalf("reloaded key cannot open: %v", err)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Errorf("data directory holds %d entries, want only the key file", len(entries))
		}
	})
	t.Run("damaged key file is an error", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, KeyFileName), []byte("not hex"), 0o600)
		if _, _, err := Load("", dir, false, quiet); err == nil {
			t.Fatal("Load accepted a damaged key file")
		}
	})
	t.Run("nothing configured gives an ephemeral key", func(t *testing.T) {
		if _, src, err := Load("", "", false, quiet); err != nil || src != SourceEphemeral {
			t.Fatalf("Load = %v, %v", src, err)
		}
	})
}

func TestLazyLoadsOnce(t *testing.T) {
	dir := t.TempDir()
	l := &Lazy{DataDir: dir}
	a, err := l.Sealer()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := l.Sealer()
	if a != b {
		t.Error("Lazy loaded twice")
	}
}
