// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestMyReportsJSON: reports sent with a token are listed for the
// token's account, newest first and paged; a report sent without one is
// nobody's, and another account sees none of them.
func TestMyReportsJSON(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		h.project("beta")
		_, sam := h.user("sam@example.test", false)
		_, eve := h.user("eve@example.test", false)

		send := func(slug, token, title string) string {
			t.Helper()
			h.clk.Advance(time.Minute)
			res := h.must(http.StatusCreated, "POST", "/api/v1/projects/"+slug+"/reports", token,
				map[string]any{"title": title, "description": "details"})
			return res.object()["reference"].(string)
		}
		refAcme := send("acme", sam, "Sam's overflow")  // ACME-1
		refAnon := send("acme", "", "Someone's xss")    // ACME-2
		refBeta := send("beta", sam, "Sam's injection") // BETA-1

		list := h.must(http.StatusOK, "GET", "/api/v1/me/reports", sam, nil).object()
		reports, _ := list["reports"].([]any)
		at := func(minutes int) string {
			return start.Add(time.Duration(minutes) * time.Minute).UTC().Format("2006-01-02T15:04:05.000Z")
		}
		want := []any{
			map[string]any{"reference": refBeta, "project": "beta", "case": "BETA-1", "title": "Sam's injection",
				"state": "new", "submitted_at": at(3), "updated_at": at(3)},
			map[string]any{"reference": refAcme, "project": "acme", "case": "ACME-1", "title": "Sam's overflow",
				"state": "new", "submitted_at": at(1), "updated_at": at(1)},
		}
		if diff := cmp.Diff(want, reports); diff != "" {
			t.Errorf("GET /me/reports (-want +got):\n%s", diff)
		}
		if list["has_more"] != false || list["next_offset"] != nil {
			t.Errorf("paging of a short list: %v", list)
		}
		if strings.Contains(string(h.must(http.StatusOK, "GET", "/api/v1/me/reports", sam, nil).body), refAnon) {
			t.Errorf("a report sent without a token is listed")
		}

		// A reply in the thread is activity.
		h.clk.Advance(time.Hour)
		h.must(http.StatusCreated, "POST", "/api/v1/cases/ACME-1/messages", h.admin, map[string]any{"body": "Thanks"})
		page := h.must(http.StatusOK, "GET", "/api/v1/me/reports?limit=1&offset=1", sam, nil).object()
		if rs := page["reports"].([]any); len(rs) != 1 || rs[0].(map[string]any)["case"] != "ACME-1" ||
			rs[0].(map[string]any)["updated_at"] != at(63) {
			t.Errorf("second page: %v", page)
		}
		first := h.must(http.StatusOK, "GET", "/api/v1/me/reports?limit=1", sam, nil).object()
		if first["has_more"] != true || first["next_offset"] != float64(1) || len(first["reports"].([]any)) != 1 {
			t.Errorf("first page: %v", first)
		}

		if rs := h.must(http.StatusOK, "GET", "/api/v1/me/reports", eve, nil).list("reports"); len(rs) != 0 {
			t.Errorf("another account sees %v", rs)
		}
		if rs := h.must(http.StatusOK, "GET", "/api/v1/me/reports", h.admin, nil).list("reports"); len(rs) != 0 {
			t.Errorf("the instance admin sees %v", rs)
		}
		h.must(http.StatusUnauthorized, "GET", "/api/v1/me/reports", "", nil)
		if code, field := h.must(http.StatusBadRequest, "GET", "/api/v1/me/reports?user=1", sam, nil).errorCode(); field != "user" {
			t.Errorf("unknown parameter: %s %s", code, field)
		}
		h.must(http.StatusBadRequest, "GET", "/api/v1/me/reports?limit=0", sam, nil)
	})
}
