// SPDX-License-Identifier: AGPL-3.0-or-later

package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"embargo/internal/authz"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestSearchPage searches from the top bar's page across the user's
// projects and from a project's case list; a bad query is explained, and
// another project's cases never show.
func TestSearchPage(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("admin@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).want(http.StatusSeeOther)
		admin.post("/projects/acme/cases/new", url.Values{"title": {"Wombat heap overflow"}, "severity": {"high"}}).want(http.StatusSeeOther)
		admin.post("/cases/ACME-1/notes", url.Values{"body": {"The marsupial team confirmed it."}}).want(http.StatusSeeOther)
		admin.post("/projects/acme/cases/new", url.Values{"title": {"Unrelated crash"}}).want(http.StatusSeeOther)

		// Another project the admin is not a member of.
		ctx := context.Background()
		u, err := e.app.Accounts.CreateUser(ctx, &authz.Actor{Via: "cli"}, authz.NewUser{Email: "other@example.org", Name: "Other", Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		other := e.login(u.Email)
		if err := s.Write(ctx, func(tx *store.Tx) error {
			p := &store.Project{Slug: "other", Name: "Other", Settings: "{}", CreatedAt: 1, UpdatedAt: 1}
			if err := tx.CreateProject(ctx, p); err != nil {
				return err
			}
			if err := tx.SetMember(ctx, &store.Member{ProjectID: p.ID, UserID: u.ID, Role: "admin", CreatedAt: 1}); err != nil {
				return err
			}
			c := &store.Case{ProjectID: p.ID, Number: 1, Key: "OTHER-1", Title: "Wombat secret of other", State: "new", Severity: "unknown", CreatedAt: 1, UpdatedAt: 1}
			return tx.CreateCase(ctx, c)
		}); err != nil {
			t.Fatal(err)
		}

		admin.get("/").want(http.StatusOK).contains(`href="/search"`)
		admin.get("/search").want(http.StatusOK).contains(`action="/search"`).lacks("No case you can read")
		admin.get("/search?q=wombat").want(http.StatusOK).contains("ACME-1", "Wombat heap overflow", "title").
			lacks("OTHER-1", "Wombat secret", "Unrelated")
		admin.get("/search?q=marsupial").want(http.StatusOK).contains("ACME-1", "note")
		admin.get("/search?q=nothinglikethis").want(http.StatusOK).contains("No case you can read matches")
		admin.get("/search?q=" + url.QueryEscape(`")(`)).want(http.StatusBadRequest).contains("no word to look for")
		admin.get("/search?q=" + url.QueryEscape(strings.Repeat("x", 300))).want(http.StatusBadRequest).contains("longer than")

		other.get("/search?q=wombat").want(http.StatusOK).contains("OTHER-1").lacks("ACME-1", "Wombat heap")

		// The project's own search box searches notes too, by relevance.
		admin.get("/projects/acme?q=marsupial").want(http.StatusOK).contains("ACME-1").lacks("Unrelated")
		e.browser().get("/search?q=wombat").lacks("Wombat")
	})
}
