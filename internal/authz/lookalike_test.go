// SPDX-License-Identifier: AGPL-3.0-or-later

package authz_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/authz"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestLookalikes checks the report of accounts made before lookalikes were
// refused: rows written past the account checks, as old versions did.
func TestLookalikes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		err := s.Write(ctx, func(tx *store.Tx) error {
			for _, email := range []string{"alice@example.test", "bob@example.test", "\u0430lice@example.test", "carol@example.test", "b\u03BFb@example.test", "al\u0131ce@example.test"} {
				if err := tx.CreateUser(ctx, &store.User{Email: email, Name: "x"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := authz.Lookalikes(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		want := []authz.Lookalike{
			{Emails: []string{"alice@example.test", "\u0430lice@example.test", "al\u0131ce@example.test"}},
			{Emails: []string{"bob@example.test", "b\u03BFb@example.test"}},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Lookalikes mismatch (-want +got):\n%s", diff)
		}
	})
}
