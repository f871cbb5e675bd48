// SPDX-License-Identifier: AGPL-3.0-or-later

package authz

import (
	"context"
	"slices"

	"embargo/internal/identity"
	"embargo/internal/store"
)

// Resembled returns the email of an existing account that is a different
// address from email but looks like it (the same UTS #39 skeleton), or ""
// when none does. A new account with such an email would show in member
// lists as a second "alice" that could be given alice's role.
func Resembled(ctx context.Context, tx *store.Tx, email string) (string, error) {
	emails, err := tx.UserEmails(ctx)
	if err != nil {
		return "", err
	}
	existing, _ := identity.Resembling(email, emails)
	return existing, nil
}

// Lookalike is a set of accounts, made before lookalikes were refused,
// whose emails look alike, or one account whose email is not stored in
// canonical form (identity.Canonical).
type Lookalike struct {
	Emails []string
	// NotCanonical holds, for an email stored in a form sign-up no longer
	// accepts, that email.
	NotCanonical string
}

// Lookalikes reports the accounts whose emails collide: each group of two
// or more with the same skeleton, and each email not in canonical form. It
// changes nothing; an operator decides which account is genuine.
func Lookalikes(ctx context.Context, s *store.Store) ([]Lookalike, error) {
	var emails []string
	err := s.Read(ctx, func(tx *store.Tx) error {
		var err error
		emails, err = tx.UserEmails(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []Lookalike
	groups := map[string][]string{}
	var order []string
	for _, e := range emails {
		if identity.Canonical(e) != e {
			out = append(out, Lookalike{Emails: []string{e}, NotCanonical: e})
		}
		sk := identity.Skeleton(e)
		if groups[sk] == nil {
			order = append(order, sk)
		}
		groups[sk] = append(groups[sk], e)
	}
	for _, sk := range order {
		if g := groups[sk]; len(g) > 1 {
			out = append(out, Lookalike{Emails: slices.Clone(g)})
		}
	}
	return out, nil
}
