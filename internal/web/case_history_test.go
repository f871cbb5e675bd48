// SPDX-License-Identifier: AGPL-3.0-or-later

package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"golang.org/x/net/html"

	"embargo/internal/authz"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestCaseHistoryPages: a long history shows the latest events, with a
// link to older ones, and every event is reachable.
func TestCaseHistoryPages(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).redirectsTo("/projects/acme")
		admin.post("/projects/acme/cases/new", url.Values{"title": {"Busy case"}}).redirectsTo("/cases/ACME-1")
		act, err := e.app.Accounts.TokenActor(context.Background(), mustToken(t, e, "ada@example.org"))
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 59; i++ {
			if _, err := e.app.Cases.AddNote(context.Background(), act, "ACME-1", fmt.Sprintf("note %d", i)); err != nil {
				t.Fatal(err)
			}
		}
		// 60 events: the creation and 59 notes.
		items := func(doc *html.Node) int {
			return len(findAll(byID(doc, "history"), tag("li")))
		}
		first := admin.get("/cases/ACME-1").want(http.StatusOK)
		doc := first.doc()
		if n := items(doc); n != 50 {
			t.Fatalf("first page shows %d events, want 50", n)
		}
		older := byID(doc, "older-events")
		if older == nil {
			t.Fatal("no link to older events")
		}
		second := admin.get(attr(older, "href")).want(http.StatusOK)
		if n := items(second.doc()); n != 10 {
			t.Fatalf("second page shows %d events, want 10", n)
		}
		if byID(second.doc(), "older-events") != nil {
			t.Error("the last page links to older events")
		}
		second.contains("created the case")
	})
}

func mustToken(t *testing.T, e *env, email string) string {
	t.Helper()
	plain, _, err := e.app.Accounts.CreateToken(context.Background(), &authz.Actor{Via: "test"}, email, "test")
	if err != nil {
		t.Fatal(err)
	}
	return plain
}
