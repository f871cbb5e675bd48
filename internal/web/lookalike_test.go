// SPDX-License-Identifier: AGPL-3.0-or-later

package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestLookalikeAccounts checks the admin page refuses an account whose
// email only looks like an existing one, and that sign-in finds an
// account from any form of its email with the same canonical form.
func TestLookalikeAccounts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")
		create := func(email string) *response {
			return admin.post("/admin/users", url.Values{"email": {email}, "name": {"Alice"}, "password": {testPassword}})
		}
		create("alice@example.org").redirectsTo("/admin/users?notice=user-created")

		tests := []struct {
			name, email string
			status      int
			message     string
		}{
			{"fullwidth", "ａｌｉｃｅ@example.org", http.StatusConflict, "an account with email alice@example.org already exists"},
			{"zero-width space", "ali\u200Bce@example.org", http.StatusUnprocessableEntity, "invisible or control characters"},
			{"cyrillic a", "\u0430lice@example.org", http.StatusUnprocessableEntity, "the existing account alice@example.org (they differ only in characters that print alike)"},
		}
		for _, tt := range tests { // the browser's helpers fail the parent test, so no subtests
			t.Log(tt.name)
			create(tt.email).want(tt.status).contains(tt.message)
		}
		admin.get("/admin/users").want(http.StatusOK).lacks("\u0430lice", "ali\u200Bce")

		for _, email := range []string{"alice@example.org", "Alice@Example.ORG", "ａｌｉｃｅ@example.org"} {
			e.login(email).get("/account").want(http.StatusOK).contains("alice@example.org")
		}
	})
}
