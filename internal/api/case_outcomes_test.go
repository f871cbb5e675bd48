// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"net/http"
	"strings"
	"testing"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestOutcomesAndLinks drives the outcome and link endpoints: each answers
// in the documented shape (the harness checks every response against
// openapi.json), viewers are refused, and links to cases the caller may
// not see are neither made nor listed.
func TestOutcomesAndLinks(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		_, viewer := h.user("viewer@example.test", false)
		_, outsider := h.user("outsider@example.test", false)
		h.project("acme")
		h.project("other")
		h.member("acme", "viewer@example.test", "viewer")
		h.member("acme", "outsider@example.test", "responder")
		h.must(http.StatusOK, "PATCH", "/api/v1/projects/acme", h.admin,
			map[string]any{"settings": map[string]any{"public_bug_url": "https://gitlab.com/acme/widget/-/issues"}})
		for _, title := range []string{"Overflow", "Overflow again", "Typo"} {
			h.must(http.StatusCreated, "POST", "/api/v1/projects/acme/reports", "", map[string]any{
				"title": title, "description": "Steps.", "credit_name": "Rita"})
		}
		a, b, c := "ACME-1", "ACME-2", "ACME-3"
		hidden := h.newCase("other", h.admin, map[string]any{"title": "Elsewhere"})

		res := h.must(http.StatusUnprocessableEntity, "POST", "/api/v1/cases/"+a+"/transitions", h.admin, map[string]any{"to": "needs-info"})
		if _, field := res.errorCode(); field != "to" {
			t.Errorf("a plain move to needs-info: field %q", field)
		}
		h.must(http.StatusForbidden, "POST", "/api/v1/cases/"+a+"/request-info", viewer, map[string]any{"question": "?"})
		asked := h.must(http.StatusOK, "POST", "/api/v1/cases/"+a+"/request-info", h.admin, map[string]any{"question": "Which version?"}).object()
		if asked["state"] != "needs-info" {
			t.Errorf("after asking: %v", asked["state"])
		}

		ns := h.must(http.StatusOK, "POST", "/api/v1/cases/"+c+"/not-security", h.admin, map[string]any{}).object()
		link, _ := ns["public_bug_link"].(string)
		if ns["case"].(map[string]any)["resolution"] != "not-security" ||
			!strings.HasPrefix(link, "https://gitlab.com/acme/widget/-/issues/new?") || !strings.Contains(link, "issue%5Btitle%5D=Typo") {
			t.Errorf("not-security answer: %v", ns)
		}

		// The outsider, a responder of acme only, cannot mark a duplicate
		// of a case they cannot see: it is not found.
		h.must(http.StatusNotFound, "POST", "/api/v1/cases/"+b+"/duplicate", outsider, map[string]any{"original": hidden})
		dup := h.must(http.StatusOK, "POST", "/api/v1/cases/"+b+"/duplicate", h.admin, map[string]any{"original": a}).object()
		if dup["resolution"] != "duplicate" {
			t.Errorf("duplicate answer: %v", dup)
		}
		links := h.must(http.StatusOK, "GET", "/api/v1/cases/"+a+"/links", viewer, nil).list("links")
		if len(links) != 1 || links[0].(map[string]any)["relation"] != "has-duplicate" || links[0].(map[string]any)["credit_kept"] != true {
			t.Errorf("links of the original: %v", links)
		}

		split := h.must(http.StatusCreated, "POST", "/api/v1/cases/"+a+"/split", h.admin, map[string]any{"title": "Second bug"}).object()
		if split["key"] != "ACME-4" {
			t.Errorf("split answer: %v", split)
		}

		// A related link to the other project's case: the admin may (they
		// administer both); the viewer of acme then does not see it.
		h.must(http.StatusForbidden, "POST", "/api/v1/cases/"+a+"/links", viewer, map[string]any{"case": hidden})
		made := h.must(http.StatusCreated, "POST", "/api/v1/cases/"+a+"/links", h.admin, map[string]any{"case": hidden}).list("links")
		if len(made) != 3 {
			t.Fatalf("links after linking: %v", made)
		}
		for _, l := range h.must(http.StatusOK, "GET", "/api/v1/cases/"+a+"/links", viewer, nil).list("links") {
			if l.(map[string]any)["case"].(map[string]any)["key"] == hidden {
				t.Errorf("a viewer of acme sees the link to %s", hidden)
			}
		}
		var relatedID, dupID float64
		for _, l := range made {
			l := l.(map[string]any)
			switch l["relation"] {
			case "related":
				relatedID = l["id"].(float64)
			case "has-duplicate":
				dupID = l["id"].(float64)
			}
		}
		h.must(http.StatusConflict, "DELETE", "/api/v1/cases/"+a+"/links/"+itoa(int64(dupID)), h.admin, nil)
		h.must(http.StatusNoContent, "DELETE", "/api/v1/cases/"+a+"/links/"+itoa(int64(relatedID)), h.admin, nil)
		h.must(http.StatusNotFound, "DELETE", "/api/v1/cases/"+a+"/links/"+itoa(int64(relatedID)), h.admin, nil)
	})
}
