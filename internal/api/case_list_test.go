// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// keys returns the case keys of a list response, in order.
func keys(res *response) []string {
	var out []string
	for _, c := range res.list("cases") {
		out = append(out, c.(map[string]any)["key"].(string))
	}
	return out
}

// TestCaseListFilters checks each filter alone and combined, on a project
// with cases in several states, severities and hands.
func TestCaseListFilters(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		resp, respToken := h.user("responder@example.test", false)
		h.project("acme")
		h.project("other")
		h.member("acme", "responder@example.test", "responder")
		rid := strconv.FormatInt(resp.ID, 10)

		mk := func(title, severity string, moves ...map[string]any) string {
			key := h.newCase("acme", h.admin, map[string]any{"title": title, "severity": severity})
			for _, m := range moves {
				if m["resolution"] == "spam" {
					h.must(http.StatusOK, "POST", "/api/v1/cases/"+key+"/spam", h.admin, map[string]any{})
					continue
				}
				h.must(http.StatusOK, "POST", "/api/v1/cases/"+key+"/transitions", h.admin, m)
			}
			return key
		}
		ack := map[string]any{"to": "acknowledged"}
		triage := map[string]any{"to": "triage"}
		reject := map[string]any{"to": "rejected", "resolution": "spam", "reason": "advert"}
		mk("SQL injection in login", "high")                // ACME-1 new
		mk("XSS in profile page", "medium", ack)            // ACME-2 acknowledged
		mk("Buy cheap watches", "unknown", reject)          // ACME-3 rejected
		mk("Path traversal in upload", "critical", triage)  // ACME-4 triage
		mk("Login timing leak 50%_off", "low", ack, triage) // ACME-5 triage
		h.newCase("other", h.admin, map[string]any{"title": "Other project's SQL injection"})
		h.must(http.StatusOK, "PUT", "/api/v1/cases/ACME-2/assignment", h.admin, map[string]any{"assignee_ids": []int64{resp.ID}})
		h.must(http.StatusOK, "PUT", "/api/v1/cases/ACME-4/assignment", h.admin, map[string]any{"coordinator_id": resp.ID})

		tests := []struct {
			name, query, token string
			want               []string
		}{
			{"everything but spam, newest first", "", h.admin, []string{"ACME-5", "ACME-4", "ACME-2", "ACME-1"}},
			{"spam included", "include_spam=true", h.admin, []string{"ACME-5", "ACME-4", "ACME-3", "ACME-2", "ACME-1"}},
			{"spam not included", "include_spam=false", h.admin, []string{"ACME-5", "ACME-4", "ACME-2", "ACME-1"}},
			{"rejected shows spam", "state=rejected", h.admin, []string{"ACME-3"}},
			{"one state", "state=triage", h.admin, []string{"ACME-5", "ACME-4"}},
			{"comma list", "state=new,rejected", h.admin, []string{"ACME-3", "ACME-1"}},
			{"repeated", "state=new&state=acknowledged", h.admin, []string{"ACME-2", "ACME-1"}},
			{"open", "state=open", h.admin, []string{"ACME-5", "ACME-4", "ACME-2", "ACME-1"}},
			{"open and rejected", "state=open,rejected", h.admin, []string{"ACME-5", "ACME-4", "ACME-3", "ACME-2", "ACME-1"}},
			{"empty state means all but spam", "state=", h.admin, []string{"ACME-5", "ACME-4", "ACME-2", "ACME-1"}},
			{"no match", "state=closed", h.admin, nil},
			{"severity", "severity=critical", h.admin, []string{"ACME-4"}},
			{"assignee by id", "assignee=" + rid, h.admin, []string{"ACME-4", "ACME-2"}},
			{"assignee me", "assignee=me", respToken, []string{"ACME-4", "ACME-2"}},
			{"assignee me, nothing", "assignee=me", h.admin, nil},
			{"text in title, any case, shorter title first", "q=LOGIN", h.admin, []string{"ACME-1", "ACME-5"}},
			{"text in key", "q=acme-2", h.admin, []string{"ACME-2"}},
			{"text in a spam case's key", "q=acme-3", h.admin, nil},
			{"text in a spam case's key, spam included", "q=acme-3&include_spam=true", h.admin, []string{"ACME-3"}},
			{"LIKE wildcards are literal", "q=50%25_", h.admin, []string{"ACME-5"}},
			{"underscore is literal", "q=n_i", h.admin, nil},
			{"combined", "state=open&severity=high&q=sql", h.admin, []string{"ACME-1"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := h.must(http.StatusOK, "GET", "/api/v1/projects/acme/cases?"+tt.query, tt.token, nil)
				if diff := cmp.Diff(tt.want, keys(res)); diff != "" {
					t.Errorf("keys (-want +got):\n%s", diff)
				}
			})
		}

		t.Run("assignees are listed", func(t *testing.T) {
			res := h.must(http.StatusOK, "GET", "/api/v1/projects/acme/cases?q=xss", h.admin, nil)
			c := res.list("cases")[0].(map[string]any)
			if diff := cmp.Diff([]any{float64(resp.ID)}, c["assignee_ids"]); diff != "" {
				t.Errorf("assignee_ids:\n%s", diff)
			}
		})
	})
}

// TestCaseListPages walks the list page by page and checks the paging
// fields and that every case comes exactly once.
func TestCaseListPages(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		for i := range 7 {
			h.newCase("acme", h.admin, map[string]any{"title": "case " + strconv.Itoa(i+1)})
		}
		type page struct {
			Keys    []string
			Limit   float64
			Offset  float64
			HasMore bool
			Next    any
		}
		var got []page
		path := "/api/v1/projects/acme/cases?limit=3"
		for len(got) < 5 {
			res := h.must(http.StatusOK, "GET", path, h.admin, nil)
			o := res.object()
			got = append(got, page{keys(res), o["limit"].(float64), o["offset"].(float64), o["has_more"].(bool), o["next_offset"]})
			if o["next_offset"] == nil {
				break
			}
			path = "/api/v1/projects/acme/cases?limit=3&offset=" + strconv.Itoa(int(o["next_offset"].(float64)))
		}
		want := []page{
			{[]string{"ACME-7", "ACME-6", "ACME-5"}, 3, 0, true, 3.0},
			{[]string{"ACME-4", "ACME-3", "ACME-2"}, 3, 3, true, 6.0},
			{[]string{"ACME-1"}, 3, 6, false, nil},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("pages (-want +got):\n%s", diff)
		}

		res := h.must(http.StatusOK, "GET", "/api/v1/projects/acme/cases?offset=50", h.admin, nil)
		if o := res.object(); len(keys(res)) != 0 || o["has_more"] != false || o["limit"] != 50.0 {
			t.Errorf("past the end: %v", o)
		}
		if n := len(keys(h.must(http.StatusOK, "GET", "/api/v1/projects/acme/cases?limit=200", h.admin, nil))); n != 7 {
			t.Errorf("limit=200 gave %d cases", n)
		}
	})
}
