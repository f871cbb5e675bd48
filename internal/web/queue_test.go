// SPDX-License-Identifier: AGPL-3.0-or-later

package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

func TestHomeQueueAndCaseDeadlines(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("admin@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).want(http.StatusSeeOther)
		e.browser().post("/p/acme/report", url.Values{"title": {"Overflow in parser"}, "description": {"d"}}).want(http.StatusCreated)

		home := admin.get("/").want(http.StatusOK).contains(`id="queue"`, "Overflow in parser")
		tab := byID(home.doc(), "queue")
		if tab == nil || attr(tab, "aria-label") != "Needs acknowledgement" {
			t.Fatalf("the queue does not open on the report to acknowledge:\n%s", home.Body)
		}
		if !strings.Contains(home.Body, `data-view="needs-acknowledgement" aria-current="page">Needs acknowledgement <span class="count">1</span>`) {
			t.Errorf("the needs-acknowledgement tab does not count the report:\n%s", home.Body)
		}
		admin.get("/?view=unassigned").want(http.StatusOK).contains("Overflow in parser")
		admin.get("/?view=mine").want(http.StatusOK).lacks("Overflow in parser").contains("Nothing here")
		admin.get("/?view=bogus").want(http.StatusUnprocessableEntity)

		page := admin.get("/cases/ACME-1").want(http.StatusOK).contains(`id="deadlines"`)
		list := byID(page.doc(), "deadlines")
		got := text(list)
		for _, want := range []string{"Acknowledge the report", "open", "Embargo ends", "UTC"} {
			if !strings.Contains(got, want) {
				t.Errorf("deadlines card lacks %q: %s", want, got)
			}
		}
	})
}
