// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"net/http"
	"strings"
	"testing"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestLookalikeAccounts checks that POST /users refuses an email that is
// alice's in disguise (another case or width, an invisible character, a
// letter from another script) with a message that says which account it
// resembles, and that every face finds alice by any form of her email.
func TestLookalikeAccounts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		newUser := func(email string) map[string]any {
			return map[string]any{"email": email, "name": "Alice", "password": password}
		}
		h.must(http.StatusCreated, "POST", "/api/v1/users", h.admin, newUser("alice@example.test"))

		tests := []struct {
			name, email string
			status      int
			message     string
		}{
			{"upper case", "ALICE@Example.Test", http.StatusConflict, "an account with email alice@example.test already exists"},
			{"fullwidth", "ａｌｉｃｅ@example.test", http.StatusConflict, "an account with email alice@example.test already exists"},
			{"zero-width space", "ali\u200Bce@example.test", http.StatusUnprocessableEntity, "invisible or control characters (U+200B at position 4)"},
			{"word joiner", "alice\u2060@example.test", http.StatusUnprocessableEntity, "invisible or control characters (U+2060"},
			{"cyrillic a", "\u0430lice@example.test", http.StatusUnprocessableEntity, "looks like the existing account alice@example.test"},
			{"greek iota and cyrillic e", "al\u03B9c\u0435@example.test", http.StatusUnprocessableEntity, "looks like the existing account alice@example.test"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := h.do("POST", "/api/v1/users", h.admin, newUser(tt.email))
				if res.status != tt.status || !strings.Contains(string(res.body), tt.message) {
					t.Errorf("POST /users %q: %d %s\nwant %d with %q", tt.email, res.status, res.body, tt.status, tt.message)
				}
			})
		}
		users := h.must(http.StatusOK, "GET", "/api/v1/users", h.admin, nil).list("users")
		if len(users) != 2 {
			t.Errorf("%d accounts, want admin and alice only:\n%v", len(users), users)
		}

		// Invitations: a lookalike is refused (the account masked), and
		// alice's own address in another form is alice's.
		h.project("acme")
		res := h.do("POST", "/api/v1/projects/acme/invitations", h.admin, map[string]any{"email": "\u0430lice@example.test", "role": "viewer"})
		if code, field := res.errorCode(); res.status != http.StatusUnprocessableEntity || code != "invalid" || field != "email" ||
			!strings.Contains(string(res.body), "a**@example.test") || strings.Contains(string(res.body), "alice@") {
			t.Errorf("inviting a lookalike: %d %s", res.status, res.body)
		}
		inv := h.must(http.StatusCreated, "POST", "/api/v1/projects/acme/invitations", h.admin,
			map[string]any{"email": "ＡＬＩＣＥ@example.test", "role": "viewer"}).object()
		if inv["email"] != "alice@example.test" {
			t.Errorf("invitation stored for %v, want alice@example.test", inv["email"])
		}
		h.must(http.StatusOK, "PUT", "/api/v1/projects/acme/members", h.admin, map[string]any{"email": "ａｌｉｃｅ@EXAMPLE.test", "role": "viewer"})
	})
}
