// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// hits returns the keys and matched_in of a case list.
func hits(res *response) []string {
	var out []string
	for _, c := range res.list("cases") {
		m := c.(map[string]any)
		var parts []string
		for _, p := range m["matched_in"].([]any) {
			parts = append(parts, p.(string))
		}
		out = append(out, m["key"].(string)+" "+strings.Join(parts, ","))
	}
	return out
}

func TestSearch(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		_, viewer := h.user("viewer@example.test", false)
		_, otherResponder := h.user("responder@example.test", false)
		_, bystanderAdmin := h.user("root@example.test", true)
		_, outsider := h.user("outsider@example.test", false)
		h.project("acme")
		h.project("other")
		h.member("acme", "viewer@example.test", "viewer")
		h.member("other", "responder@example.test", "responder")
		h.newCase("acme", h.admin, map[string]any{"title": "Wombat heap overflow", "component": "decoder"})
		h.newCase("acme", h.admin, map[string]any{"title": "Unrelated", "description": "A wombat is mentioned here."})
		h.must(http.StatusCreated, "POST", "/api/v1/cases/ACME-1/notes", h.admin, map[string]any{"body": "Seen by the marsupial team."})
		h.newCase("other", h.admin, map[string]any{"title": "Wombat in another project"})

		search := func(path, token string) []string {
			t.Helper()
			return hits(h.must(http.StatusOK, "GET", path, token, nil))
		}
		q := func(text string) string { return url.QueryEscape(text) }

		t.Run("project search ranks and says where", func(t *testing.T) {
			got := search("/api/v1/projects/acme/cases?q=wombat", viewer)
			if diff := cmp.Diff([]string{"ACME-1 title", "ACME-2 description"}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			got = search("/api/v1/projects/acme/cases?q="+q(`marsupial "heap overflow" -unrelated`), viewer)
			if diff := cmp.Diff([]string{"ACME-1 title,note"}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			got = search("/api/v1/projects/acme/cases?q=wombat&state=new&limit=1", viewer)
			if len(got) != 1 {
				t.Errorf("limit 1 gave %v", got)
			}
		})

		t.Run("everywhere, only the caller's projects", func(t *testing.T) {
			for _, tc := range []struct {
				name, token string
				want        []string
			}{
				{"member of both", h.admin, []string{"OTHER-1 title", "ACME-1 title", "ACME-2 description"}},
				{"viewer of acme", viewer, []string{"ACME-1 title", "ACME-2 description"}},
				{"responder of other", otherResponder, []string{"OTHER-1 title"}},
				{"instance admin, no member", bystanderAdmin, nil},
				{"no member at all", outsider, nil},
			} {
				t.Run(tc.name, func(t *testing.T) {
					res := h.must(http.StatusOK, "GET", "/api/v1/search?q=wombat", tc.token, nil)
					got := hits(res)
					if diff := cmp.Diff(tc.want, got); diff != "" {
						t.Errorf("(-want +got):\n%s", diff)
					}
					if tc.want == nil && (strings.Contains(string(res.body), "Wombat") || res.object()["has_more"] != false) {
						t.Errorf("a refusal says something: %s", res.body)
					}
				})
			}
			if got := search("/api/v1/search?q=marsupial", viewer); !cmp.Equal(got, []string{"ACME-1 note"}) {
				t.Errorf("note search: %v", got)
			}
		})

		t.Run("another project's list stays closed", func(t *testing.T) {
			h.must(http.StatusNotFound, "GET", "/api/v1/projects/other/cases?q=wombat", viewer, nil)
			h.must(http.StatusUnauthorized, "GET", "/api/v1/search?q=wombat", "", nil)
		})

		t.Run("bad queries are 400, never 500", func(t *testing.T) {
			for _, bad := range []string{"", `"`, "*", ")(", "AND OR NOT", "-wombat", strings.Repeat("x", 10000),
				strings.Repeat("w ", 30), "wombat\x00", "wombat\xff"} {
				for _, path := range []string{"/api/v1/search?q=", "/api/v1/projects/acme/cases?include_spam=false&q="} {
					if bad == "" && strings.Contains(path, "/projects/") {
						continue // no q: the plain list
					}
					res := h.must(http.StatusBadRequest, "GET", path+q(bad), viewer, nil)
					if _, field := res.errorCode(); field != "q" {
						t.Errorf("%s%q: error names %q, want q", path, bad, field)
					}
				}
			}
			for _, odd := range []string{`wombat NEAR(x)`, `title:wombat`, `wombat'--`, "wom*", `"wombat heap"*`} {
				h.must(http.StatusOK, "GET", "/api/v1/search?q="+q(odd), viewer, nil)
				h.must(http.StatusOK, "GET", "/api/v1/projects/acme/cases?q="+q(odd), viewer, nil)
			}
			h.must(http.StatusBadRequest, "GET", "/api/v1/search?q=wombat&bogus=1", viewer, nil)
		})
	})
}
