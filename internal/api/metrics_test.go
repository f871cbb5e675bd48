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

func TestMetricsAPI(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		_, viewer := h.user("viewer@example.test", false)
		h.member("acme", "viewer@example.test", "viewer")
		_, stranger := h.user("stranger@example.test", false)

		// Three reports acknowledged 1, 2 and 5 hours after they arrived
		// (a Friday morning), and one rejected as spam after 10 minutes.
		for range 4 {
			h.must(http.StatusCreated, "POST", "/api/v1/projects/acme/reports", "", map[string]any{"title": "r", "description": "d"})
		}
		h.clk.Advance(10 * time.Minute)
		h.must(http.StatusOK, "POST", "/api/v1/cases/ACME-4/spam", h.admin, map[string]any{})
		h.clk.Advance(50 * time.Minute)
		h.must(http.StatusOK, "POST", "/api/v1/cases/ACME-1/acknowledge", h.admin, map[string]any{})
		h.clk.Advance(time.Hour)
		h.must(http.StatusOK, "POST", "/api/v1/cases/ACME-2/acknowledge", h.admin, map[string]any{})
		h.clk.Advance(3 * time.Hour)
		h.must(http.StatusOK, "POST", "/api/v1/cases/ACME-3/acknowledge", h.admin, map[string]any{})
		// Eighteen days on: every acknowledgement was on time, and every
		// first assessment (ten days) is missed.
		h.clk.Advance(18 * 24 * time.Hour)

		m := h.must(http.StatusOK, "GET", "/api/v1/projects/acme/metrics?months=1", h.admin, nil).object()
		var ack map[string]any
		for _, x := range m["response_times"].([]any) {
			if x.(map[string]any)["metric"] == "acknowledge" {
				ack = x.(map[string]any)["overall"].(map[string]any)
			}
		}
		if diff := cmp.Diff(map[string]any{"count": 3.0, "median_seconds": 7200.0, "p90_seconds": 18000.0}, ack); diff != "" {
			t.Errorf("time to acknowledge (-want +got):\n%s", diff)
		}
		got := map[string][2]float64{}
		for _, x := range m["deadlines"].([]any) {
			d := x.(map[string]any)
			got[d["kind"].(string)] = [2]float64{d["met"].(float64), d["missed"].(float64)}
		}
		want := map[string][2]float64{"acknowledge": {3, 0}, "assessment": {0, 3}, "fix": {0, 0}, "embargo": {0, 0}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("deadlines met/missed (-want +got):\n%s", diff)
		}
		open := m["open_cases"].(map[string]any)
		if open["total"] != 3.0 {
			t.Errorf("open cases %v", open)
		}
		ages := open["by_severity"].([]any)[0].(map[string]any)["by_age"].(map[string]any)
		if ages["7_to_30_days"] != 3.0 || ages["under_7_days"] != 0.0 {
			t.Errorf("open cases by age %v", ages)
		}

		h.must(http.StatusOK, "GET", "/api/v1/projects/acme/metrics", viewer, nil)
		h.must(http.StatusNotFound, "GET", "/api/v1/projects/acme/metrics", stranger, nil)
		h.must(http.StatusBadRequest, "GET", "/api/v1/projects/acme/metrics?months=0", h.admin, nil)
		h.must(http.StatusBadRequest, "GET", "/api/v1/projects/acme/metrics?months=37", h.admin, nil)
		h.must(http.StatusBadRequest, "GET", "/api/v1/projects/acme/metrics?from=2020", h.admin, nil)
	})
}
