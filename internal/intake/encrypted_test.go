// SPDX-License-Identifier: AGPL-3.0-or-later

package intake_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/armor"

	"embargo/internal/intake"
	"embargo/internal/pgp"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
	"embargo/internal/validation"
)

// realKey decrypts with one real OpenPGP key, whatever the project.
type realKey struct{ k *pgp.Key }

func (r realKey) DecryptForProject(_ context.Context, _ int64, data []byte) ([]byte, error) {
	return r.k.Decrypt(data, time.Now())
}

// encryptTo returns plain encrypted to k, armored or binary.
func encryptTo(t *testing.T, k *pgp.Key, plain string, binary bool) []byte {
	t.Helper()
	pub, err := k.ArmoredPublic()
	if err != nil {
		t.Fatal(err)
	}
	msg, err := pgp.Encrypt([]byte(pub), []byte(plain), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !binary {
		return msg
	}
	block, err := armor.Decode(bytes.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(block.Body)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestSubmitEncryptedFieldsAndAttachments(t *testing.T) {
	t.Parallel()
	key, err := pgp.Generate("Acme security", "security@example.org", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	other, err := pgp.Generate("Someone else", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		f.svc.Decrypter = realKey{key}
		rc, err := f.svc.Submit(ctx, f.p, intake.Report{
			Title:       "Heap overflow",
			Description: string(encryptTo(t, key, "The parser overflows.", false)),
			Steps:       string(encryptTo(t, key, "1. Open poc.bin", false)),
			Impact:      string(encryptTo(t, key, "Remote code execution", false)),
			Attachments: []intake.File{
				{Name: "poc.bin.pgp", Data: encryptTo(t, key, "proof of concept", true)},
				{Name: "notes.txt.asc", Data: encryptTo(t, key, "armored notes", false)},
				{Name: "plain.txt", Data: []byte("not encrypted")},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		th, err := f.svc.Thread(ctx, f.p, rc.Case)
		if err != nil {
			t.Fatal(err)
		}
		if rc.Case.Description != "The parser overflows." || th.Report.Steps != "1. Open poc.bin" ||
			th.Report.Impact != "Remote code execution" || !th.Report.ArrivedEncrypted {
			t.Errorf("description %q, steps %q, impact %q, encrypted %v", rc.Case.Description, th.Report.Steps,
				th.Report.Impact, th.Report.ArrivedEncrypted)
		}
		var names []string
		for _, a := range th.Attachments {
			names = append(names, a.Filename+"="+a.SHA256[:8])
		}
		if want := []string{"poc.bin", "notes.txt", "plain.txt"}; len(th.Attachments) != 3 ||
			th.Attachments[0].Filename != want[0] || th.Attachments[1].Filename != want[1] || th.Attachments[2].Filename != want[2] ||
			th.Attachments[0].Size != int64(len("proof of concept")) {
			t.Errorf("attachments %v, want %v", names, want)
		}

		for _, tc := range []struct {
			name  string
			rep   intake.Report
			field string
		}{
			{"steps for another key", intake.Report{Title: "T", Description: "d",
				Steps: string(encryptTo(t, other, "x", false))}, "steps_to_reproduce"},
			{"impact malformed", intake.Report{Title: "T", Description: "d",
				Impact: "-----BEGIN PGP MESSAGE-----\n\nnot base64\n-----END PGP MESSAGE-----"}, "impact"},
			{"attachment for another key", intake.Report{Title: "T", Description: "d",
				Attachments: []intake.File{{Name: "poc.pgp", Data: encryptTo(t, other, "x", true)}}}, "attachment"},
			{"attachment over the limit once decrypted", intake.Report{Title: "T", Description: "d",
				Attachments: []intake.File{{Name: "empty.pgp", Data: encryptTo(t, key, "", true)}}}, "attachment"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.svc.Submit(ctx, f.p, tc.rep)
				var ve *validation.Error
				if !errors.As(err, &ve) || ve.Field != tc.field {
					t.Fatalf("err = %v, want an error on %s", err, tc.field)
				}
				if tc.field == "attachment" && !strings.Contains(ve.Error(), ".pgp") && !strings.Contains(ve.Error(), "empty") {
					t.Errorf("the error %q does not name the file", ve.Error())
				}
			})
		}
	})
}

func TestIsEncryptedFile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		file string
		data []byte
		want bool
	}{
		{"armored message, any name", "report.txt", []byte("\n-----BEGIN PGP MESSAGE-----\n..."), true},
		{"binary, old packet format", "poc.pgp", []byte{0x85, 0x01, 0x0c, 0x03}, true},
		{"binary, new packet format", "poc.GPG", []byte{0xc1, 0x5e, 0x03}, true},
		{"binary that only looks like it", "poc.bin", []byte{0x85, 0x01, 0x0c, 0x03}, false},
		{"public key", "key.asc", []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n"), false},
		{"signature", "file.sig.pgp", []byte{0x89, 0x01}, false},
		{"empty", "x.pgp", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := intake.IsEncryptedFile(tc.file, tc.data); got != tc.want {
				t.Errorf("IsEncryptedFile(%q, % x) = %v, want %v", tc.file, tc.data, got, tc.want)
			}
		})
	}
}
