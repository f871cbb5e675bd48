// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

func queueCounts(r *response) map[string]float64 {
	out := map[string]float64{}
	for _, v := range r.list("views") {
		m := v.(map[string]any)
		out[m["view"].(string)] = m["count"].(float64)
	}
	return out
}

func keysOf(r *response) []string {
	var out []string
	for _, c := range r.list("cases") {
		out = append(out, c.(map[string]any)["key"].(string))
	}
	return out
}

func TestQueueAPI(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		h.project("other")
		_, outsider := h.user("outsider@example.test", false)
		h.member("other", "outsider@example.test", "responder")

		h.must(http.StatusCreated, "POST", "/api/v1/projects/acme/reports", "", map[string]any{"title": "Report", "description": "d"})
		mine := h.newCase("acme", h.admin, map[string]any{"title": "Mine"})
		me := h.must(http.StatusOK, "GET", "/api/v1/me", h.admin, nil).object()["user"].(map[string]any)["id"]
		h.must(http.StatusOK, "PUT", "/api/v1/cases/"+mine+"/assignment", h.admin, map[string]any{"coordinator_id": me})
		h.newCase("other", h.admin, map[string]any{"title": "Elsewhere"})

		q := h.must(http.StatusOK, "GET", "/api/v1/queue", h.admin, nil)
		counts := queueCounts(q)
		// The admin created both projects and so works on both. The report
		// must be acknowledged within three business days: this week.
		want := map[string]float64{"needs-acknowledgement": 1, "overdue": 0, "due-this-week": 1, "waiting-on-reporter": 0,
			"awaiting-verification": 0, "mine": 1, "unassigned": 2}
		if diff := cmp.Diff(want, counts); diff != "" {
			t.Errorf("admin's queue counts (-want +got):\n%s", diff)
		}
		if got := q.object()["view"]; got != "needs-acknowledgement" {
			t.Errorf("default view %v, want the first that holds cases", got)
		}
		if keys := keysOf(q); len(keys) != 1 || keys[0] != "ACME-1" {
			t.Errorf("needs-acknowledgement lists %v", keys)
		}
		if keys := keysOf(h.must(http.StatusOK, "GET", "/api/v1/queue?view=mine", h.admin, nil)); len(keys) != 1 || keys[0] != mine {
			t.Errorf("mine lists %v", keys)
		}

		// A member of another project sees only that project's cases.
		oq := h.must(http.StatusOK, "GET", "/api/v1/queue?view=unassigned", outsider, nil)
		if keys := keysOf(oq); len(keys) != 1 || keys[0] != "OTHER-1" {
			t.Errorf("outsider's queue lists %v", keys)
		}
		if c := queueCounts(oq); c["needs-acknowledgement"] != 0 || c["unassigned"] != 1 {
			t.Errorf("outsider's counts include another project's cases: %v", c)
		}
		// Two weeks on, the report's acknowledgement and the team cases'
		// first assessment (ten days) are overdue, the earliest first.
		h.clk.Advance(14 * 24 * time.Hour)
		if keys := keysOf(h.must(http.StatusOK, "GET", "/api/v1/queue?view=overdue", h.admin, nil)); len(keys) != 3 || keys[0] != "ACME-1" {
			t.Errorf("overdue lists %v", keys)
		}

		// Past 99 the queue stops counting and says so.
		for range 100 {
			h.newCase("other", h.admin, map[string]any{"title": "More"})
		}
		for _, v := range h.must(http.StatusOK, "GET", "/api/v1/queue", h.admin, nil).list("views") {
			if m := v.(map[string]any); m["view"] == "unassigned" && (m["count"] != 99.0 || m["more_than"] != true) {
				t.Errorf("unassigned with 102 cases: %v", m)
			}
		}
		h.must(http.StatusBadRequest, "GET", "/api/v1/queue?view=everything", h.admin, nil)
		h.must(http.StatusBadRequest, "GET", "/api/v1/queue?colour=red", h.admin, nil)
		h.must(http.StatusUnauthorized, "GET", "/api/v1/queue", "", nil)
	})
}

func TestDeadlinesAPI(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		h.must(http.StatusCreated, "POST", "/api/v1/projects/acme/reports", "", map[string]any{"title": "Report", "description": "d"})
		list := h.must(http.StatusOK, "GET", "/api/v1/cases/ACME-1/deadlines", h.admin, nil).list("deadlines")
		kinds := map[string]string{}
		for _, d := range list {
			m := d.(map[string]any)
			kinds[m["kind"].(string)] = m["state"].(string)
		}
		if len(kinds) != 2 || kinds["acknowledge"] != "open" || kinds["embargo"] != "open" {
			t.Fatalf("a new report's deadlines: %v", kinds)
		}
		h.must(http.StatusOK, "POST", "/api/v1/cases/ACME-1/acknowledge", h.admin, map[string]any{})
		list = h.must(http.StatusOK, "GET", "/api/v1/cases/ACME-1/deadlines", h.admin, nil).list("deadlines")
		kinds = map[string]string{}
		for _, d := range list {
			m := d.(map[string]any)
			kinds[m["kind"].(string)] = m["state"].(string)
		}
		if kinds["acknowledge"] != "met" || kinds["assessment"] != "open" {
			t.Fatalf("after acknowledging: %v", kinds)
		}
		_, stranger := h.user("stranger@example.test", false)
		h.must(http.StatusNotFound, "GET", "/api/v1/cases/ACME-1/deadlines", stranger, nil)
	})
}
