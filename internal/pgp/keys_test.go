// SPDX-License-Identifier: AGPL-3.0-or-later

package pgp_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/audit"
	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/pgp"
	"embargo/internal/secrets"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
	"embargo/internal/validation"
)

var start = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// setup returns a Keys service on s with one user and one project.
func setup(t *testing.T, s *store.Store) (*pgp.Keys, *authz.Actor, *store.Project) {
	t.Helper()
	ctx := context.Background()
	u := &store.User{Email: "lead@example.org", Name: "Lead", CreatedAt: start.UnixMilli(), UpdatedAt: start.UnixMilli()}
	p := &store.Project{Slug: "acme", Name: "Acme", Settings: "{}", CreatedAt: start.UnixMilli(), UpdatedAt: start.UnixMilli()}
	err := s.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return tx.CreateProject(ctx, p)
	})
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := secrets.FromSecret(strings.Repeat("t", 32))
	if err != nil {
		t.Fatal(err)
	}
	k := &pgp.Keys{Store: s, Clock: clock.NewFake(start), BaseURL: "https://embargo.example.org",
		Sealer: func() (*secrets.Sealer, error) { return sealer, nil }}
	actor := &authz.Actor{UserID: u.ID, Email: u.Email, Name: u.Name, Roles: map[int64]authz.Role{p.ID: authz.RoleAdmin}}
	return k, actor, p
}

func TestProjectKeys(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		keys, actor, p := setup(t, s)
		if _, err := keys.ProjectPublicKey(ctx, p.ID); !errors.Is(err, pgp.ErrNoKey) {
			t.Fatalf("ProjectPublicKey before any key = %v, want ErrNoKey", err)
		}
		if _, err := keys.DecryptForProject(ctx, p.ID, []byte("x")); !errors.Is(err, pgp.ErrNoKey) {
			t.Fatalf("DecryptForProject before any key = %v, want ErrNoKey", err)
		}
		gen, err := keys.GenerateProjectKey(ctx, actor, p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := keys.ProjectPublicKey(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(gen, got); diff != "" {
			t.Errorf("stored key differs (-generated +stored):\n%s", diff)
		}
		if !got.CreatedAt.Equal(start) || len(got.Fingerprint) != 40 {
			t.Errorf("key = %+v", got)
		}
		if !strings.Contains(got.Armored, "-----BEGIN PGP PUBLIC KEY BLOCK-----") {
			t.Errorf("not an armored public key: %q", got.Armored)
		}
		msg, err := pgp.Encrypt([]byte(got.Armored), []byte("the report"), start)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := keys.DecryptForProject(ctx, p.ID, msg)
		if err != nil || string(plain) != "the report" {
			t.Fatalf("DecryptForProject = %q, %v", plain, err)
		}

		// Importing replaces the key; refusals are validation errors.
		other, _ := pgp.Generate("Imported", "", start)
		tests := []struct {
			name    string
			armored string
			wantErr string
		}{
			{"public key", got.Armored, "armored: this is a public key"},
			{"nonsense", "hello", "armored: not an ASCII-armored OpenPGP key"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := keys.ImportProjectKey(ctx, actor, p, []byte(tt.armored))
				var ve *validation.Error
				if !errors.As(err, &ve) || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("ImportProjectKey = %v, want validation error %q", err, tt.wantErr)
				}
			})
		}
		armoredPrivate := armoredPrivate(t, other)
		imported, err := keys.ImportProjectKey(ctx, actor, p, armoredPrivate)
		if err != nil {
			t.Fatal(err)
		}
		if imported.Fingerprint != other.Fingerprint() {
			t.Errorf("imported fingerprint %s, want %s", imported.Fingerprint, other.Fingerprint())
		}
		if _, err := keys.DecryptForProject(ctx, p.ID, msg); !errors.Is(err, pgp.ErrNotForThisKey) {
			t.Errorf("old message after replacing the key = %v, want ErrNotForThisKey", err)
		}

		var events []string
		err = s.Read(ctx, func(tx *store.Tx) error {
			evs, err := tx.ProjectEvents(ctx, p.ID, 10)
			for _, e := range evs {
				events = append(events, e.Action+" "+string(e.Before)+" "+string(e.After))
				if bytes.Contains(e.After, []byte("PRIVATE")) || bytes.Contains(e.After, []byte("BEGIN PGP")) {
					t.Errorf("audit event holds key material: %s", e.After)
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			`pgp_key.import {"fingerprint":"` + gen.Fingerprint + `"} {"fingerprint":"` + other.Fingerprint() + `"}`,
			`pgp_key.generate  {"fingerprint":"` + gen.Fingerprint + `"}`,
		}
		if diff := cmp.Diff(want, events); diff != "" {
			t.Errorf("audit events (-want +got):\n%s", diff)
		}
	})
}

func TestInstanceKey(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		keys, _, _ := setup(t, s)
		signed, err := keys.ClearSignInstance(ctx, []byte("Contact: mailto:security@example.org\n"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(signed, []byte("-----BEGIN PGP SIGNED MESSAGE-----")) {
			t.Fatalf("not clear-signed: %s", signed)
		}
		pub, err := keys.InstancePublicKey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// A second service (another replica) finds the same key.
		again := &pgp.Keys{Store: s, Clock: keys.Clock, Sealer: keys.Sealer}
		pub2, err := again.InstancePublicKey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if pub.Fingerprint != pub2.Fingerprint {
			t.Errorf("instance key changed: %s then %s", pub.Fingerprint, pub2.Fingerprint)
		}
		// A sealing key other than the one it was sealed with cannot open it.
		wrong, _ := secrets.FromSecret(strings.Repeat("w", 32))
		stranger := &pgp.Keys{Store: s, Clock: keys.Clock, Sealer: func() (*secrets.Sealer, error) { return wrong, nil }}
		if _, err := stranger.ClearSignInstance(ctx, []byte("x")); err == nil || !strings.Contains(err.Error(), "EMBARGO_SECRET_KEY") {
			t.Errorf("ClearSignInstance with the wrong sealing key = %v, want an error naming EMBARGO_SECRET_KEY", err)
		}
		var n int
		err = s.Read(ctx, func(tx *store.Tx) error {
			return tx.WalkEvents(ctx, func(e *audit.Event) error {
				if e.Action == "instance_key.create" {
					n++
				}
				return nil
			})
		})
		if err != nil || n != 1 {
			t.Errorf("instance_key.create events = %d (%v), want 1", n, err)
		}
	})
}

func armoredPrivate(t *testing.T, k *pgp.Key) []byte {
	t.Helper()
	b, err := k.ArmoredPrivate()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
