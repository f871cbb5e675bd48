// SPDX-License-Identifier: AGPL-3.0-or-later

package pgp

import (
	"strings"
	"testing"
	"time"
)

func TestPublicKeyFingerprint(t *testing.T) {
	k, err := Generate("Ada", "ada@example.org", time.Date(2026, 5, 8, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := k.ArmoredPublic()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		armored string
		want    string
		wantErr bool
	}{
		{"a generated key", pub, k.Fingerprint(), false},
		{"surrounding space", "\n  " + pub + "\n", k.Fingerprint(), false},
		{"empty", "", "", true},
		{"armor without a key", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n-----END PGP PUBLIC KEY BLOCK-----", "", true},
		{"too large", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n" + strings.Repeat("A", MaxKeySize), "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PublicKeyFingerprint(tt.armored)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("PublicKeyFingerprint() = %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
