// SPDX-License-Identifier: AGPL-3.0-or-later

package authz

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
)

func TestNewSecret(t *testing.T) {
	tests := []struct {
		name, prefix string
	}{
		{"session", ""},
		{"api token", APITokenPrefix},
		{"custom", "setup_"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSecret(tt.prefix)
			if err != nil {
				t.Fatalf("NewSecret: %v", err)
			}
			body, ok := strings.CutPrefix(s, tt.prefix)
			if !ok {
				t.Fatalf("NewSecret(%q) = %q, missing prefix", tt.prefix, s)
			}
			if len(body) != 43 {
				t.Errorf("body %q is %d characters, want 43", body, len(body))
			}
			raw, err := base64.RawURLEncoding.DecodeString(body)
			if err != nil {
				t.Fatalf("body %q is not unpadded base64url: %v", body, err)
			}
			if len(raw) != 32 {
				t.Errorf("body decodes to %d bytes, want 32", len(raw))
			}
		})
	}
}

func TestNewSecretUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		s, err := NewSecret("")
		if err != nil {
			t.Fatal(err)
		}
		if seen[s] {
			t.Fatalf("NewSecret repeated %q", s)
		}
		seen[s] = true
	}
}

func TestHashSecret(t *testing.T) {
	tests := []struct {
		name, plain, want string
	}{
		// Known answers pin the storage format: changing it would
		// invalidate every stored session and token.
		{"empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HashSecret(tt.plain); got != tt.want {
				t.Errorf("HashSecret(%q) = %q, want %q", tt.plain, got, tt.want)
			}
		})
	}

	s, err := NewSecret(APITokenPrefix)
	if err != nil {
		t.Fatal(err)
	}
	h := HashSecret(s)
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(h) {
		t.Errorf("HashSecret() = %q, want 64 lower-case hex digits", h)
	}
	if HashSecret(strings.TrimPrefix(s, APITokenPrefix)) == h {
		t.Error("the prefix does not take part in the hash")
	}
}
