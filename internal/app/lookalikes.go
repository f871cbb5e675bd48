// SPDX-License-Identifier: AGPL-3.0-or-later

package app

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"embargo/internal/authz"
	"embargo/internal/store"
)

// warnLookalikes reports the accounts whose emails look alike, or are not
// in the canonical form, that were made before such emails were refused.
// It changes nothing: which account is genuine is for an operator to
// decide (disable the impostor on the admin page). serve and migrate log
// the report at every run, so it cannot be missed.
func warnLookalikes(ctx context.Context, s *store.Store, log *slog.Logger) {
	found, err := authz.Lookalikes(ctx, s)
	if err != nil {
		log.Error("unable to check account emails for lookalikes", "err", err)
		return
	}
	for _, l := range found {
		var msg string
		if l.NotCanonical != "" {
			msg = "an account's email is not in canonical form (NFKC, case-folded): it may hide invisible or lookalike characters, and signing in with it may fail until an operator corrects it"
		} else {
			msg = "accounts whose emails look alike: check that each is genuine and disable impostors"
		}
		// Quoted with escapes, as the characters that matter here are
		// the ones a terminal shows alike or not at all.
		log.Warn(msg, "accounts", strings.Join(quoteAll(l.Emails), ", "))
	}
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%+q", s) // shows invisible and non-ASCII characters as escapes
	}
	return out
}
