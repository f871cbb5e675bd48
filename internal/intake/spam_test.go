// SPDX-License-Identifier: AGPL-3.0-or-later

package intake_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/intake"
	"embargo/internal/pgp"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
	"embargo/internal/validation"
)

// TestSpamBlocksAndUnblock blocks a spam report's address and key and
// checks which later reports are refused, then lifts the blocks.
func TestSpamBlocksAndUnblock(t *testing.T) {
	t.Parallel()
	var armored [2]string
	for i := range armored {
		k, err := pgp.Generate("Sender", "sender@example.org", time.Date(2026, 5, 8, 12, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if armored[i], err = k.ArmoredPublic(); err != nil {
			t.Fatal(err)
		}
	}
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		submit := func(address, key string) error {
			_, err := f.svc.Submit(ctx, f.p, intake.Report{Title: "Spam", Description: "Buy now.",
				ClientAddress: address, ReporterKey: key})
			return err
		}
		if err := submit("192.0.2.7", armored[0]); err != nil { // ACME-1
			t.Fatal(err)
		}
		c, err := f.svc.MarkSpam(ctx, f.lead, "ACME-1", intake.Spam{BlockAddress: true, BlockKey: true})
		if err != nil {
			t.Fatal(err)
		}
		if c.State != "rejected" || c.Resolution != "spam" {
			t.Errorf("after MarkSpam: %s/%s, want rejected/spam", c.State, c.Resolution)
		}
		tests := []struct {
			name, address, key string
			blocked            bool
		}{
			{"same address", "192.0.2.7", "", true},
			{"same key, other address", "198.51.100.1", armored[0], true},
			{"other address, other key", "198.51.100.2", armored[1], false},
			{"other address, no key", "198.51.100.3", "", false},
			{"no address at all", "", "", false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := rows(t, s)
				err := submit(tt.address, tt.key)
				if got := errors.Is(err, intake.ErrBlocked); got != tt.blocked {
					t.Fatalf("Submit() = %v, want blocked %v", err, tt.blocked)
				}
				if tt.blocked && rows(t, s) != before {
					t.Error("a blocked report stored rows")
				}
			})
		}

		blocks, err := f.svc.Blocks(ctx, f.p)
		if err != nil {
			t.Fatal(err)
		}
		fp, _ := pgp.PublicKeyFingerprint(armored[0])
		type row struct{ Kind, Value, CaseKey string }
		var got []row
		for _, b := range blocks {
			got = append(got, row{b.Kind, b.Value, b.CaseKey})
		}
		if diff := cmp.Diff([]row{{"key", fp, "ACME-1"}, {"address", "192.0.2.7", "ACME-1"}}, got); diff != "" {
			t.Errorf("Blocks (-want +got):\n%s", diff)
		}
		var nf *validation.NotFound
		if err := f.svc.Unblock(ctx, f.lead, f.p, 999); !errors.As(err, &nf) {
			t.Errorf("Unblock(unknown) = %v, want not found", err)
		}
		for _, b := range blocks {
			if err := f.svc.Unblock(ctx, f.lead, f.p, b.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := submit("192.0.2.7", armored[0]); err != nil {
			t.Errorf("after unblocking: %v", err)
		}
	})
}

// TestMarkSpamRefusals checks what MarkSpam refuses, and that a refusal
// leaves the case as it was.
func TestMarkSpamRefusals(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		if _, err := f.svc.Submit(ctx, f.p, intake.Report{Title: "No address", Description: "d"}); err != nil { // ACME-1
			t.Fatal(err)
		}
		if _, err := f.svc.Submit(ctx, f.p, intake.Report{Title: "Spam", Description: "d", ClientAddress: "192.0.2.9"}); err != nil { // ACME-2
			t.Fatal(err)
		}
		if _, err := f.svc.MarkSpam(ctx, f.lead, "ACME-2", intake.Spam{}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name  string
			key   string
			spam  intake.Spam
			check func(error) bool
		}{
			{"no recorded address", "ACME-1", intake.Spam{BlockAddress: true}, isValidation("block_address")},
			{"no key", "ACME-1", intake.Spam{BlockKey: true}, isValidation("block_key")},
			{"already rejected", "ACME-2", intake.Spam{}, func(err error) bool { var c *validation.Conflict; return errors.As(err, &c) }},
			{"no such case", "ACME-9", intake.Spam{}, func(err error) bool { var n *validation.NotFound; return errors.As(err, &n) }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := rows(t, s)
				_, err := f.svc.MarkSpam(ctx, f.lead, tt.key, tt.spam)
				if !tt.check(err) {
					t.Errorf("MarkSpam() = %v", err)
				}
				if rows(t, s) != before {
					t.Error("a refused MarkSpam changed rows")
				}
			})
		}
	})
}

func isValidation(field string) func(error) bool {
	return func(err error) bool {
		var v *validation.Error
		return errors.As(err, &v) && v.Field == field
	}
}
