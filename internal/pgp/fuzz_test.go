// SPDX-License-Identifier: AGPL-3.0-or-later

package pgp

import (
	"errors"
	"testing"
)

// FuzzDecrypt feeds hostile messages to Decrypt: it must never panic, and
// must fail only with the package's errors.
func FuzzDecrypt(f *testing.F) {
	k := mustGenerate(f, "Fuzz Security")
	f.Add(encryptRaw(f, k, []byte("report"), true, true))
	f.Add(encryptRaw(f, k, []byte("report"), false, false))
	f.Add(encryptRaw(f, k, make([]byte, 4096), true, false))
	f.Add([]byte("-----BEGIN PGP MESSAGE-----\n\nwcBMA0\n=abcd\n-----END PGP MESSAGE-----\n"))
	f.Add([]byte{0xc1, 0x5e, 0x03})
	f.Fuzz(func(t *testing.T, data []byte) {
		plain, err := k.Decrypt(data, testNow)
		if err == nil {
			if len(plain) > MaxPlaintextSize {
				t.Fatalf("Decrypt returned %d bytes, over the cap", len(plain))
			}
			return
		}
		for _, known := range []error{ErrNotForThisKey, ErrMalformed, ErrTooLarge, ErrInputTooLarge, ErrNotEncrypted} {
			if errors.Is(err, known) {
				return
			}
		}
		t.Fatalf("Decrypt returned an unexpected error: %v", err)
	})
}

// FuzzImport feeds hostile armored keys to Import: it must never panic and
// must refuse with a *KeyError or return a usable key.
func FuzzImport(f *testing.F) {
	k := mustGenerate(f, "Fuzz Security")
	f.Add(mustArmorPrivate(f, k.entity))
	pub, _ := k.ArmoredPublic()
	f.Add([]byte(pub))
	f.Add([]byte("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nxVgE\n-----END PGP PRIVATE KEY BLOCK-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Import(data, testNow)
		if err != nil {
			var ke *KeyError
			if !errors.As(err, &ke) {
				t.Fatalf("Import returned %T %v, want a *KeyError", err, err)
			}
			return
		}
		if _, err := got.ArmoredPublic(); err != nil {
			t.Fatalf("imported key cannot be exported: %v", err)
		}
	})
}
