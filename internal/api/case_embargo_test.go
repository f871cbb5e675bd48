// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"net/http"
	"strings"
	"testing"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// The harness's clock starts on 2026-01-02 03:04:05 UTC and the default
// policy allows 90 days: the maximum end is 2026-04-02 03:04:05 UTC.
func TestEmbargoAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		_, resp := h.user("resp@example.test", false)
		h.member("acme", "resp@example.test", "responder")
		_, viewer := h.user("viewer@example.test", false)
		h.member("acme", "viewer@example.test", "viewer")
		key := h.newCase("acme", h.admin, map[string]any{"title": "Overflow"})
		path := "/api/v1/cases/" + key

		e := h.must(http.StatusOK, "GET", path, viewer, nil).object()["embargo"].(map[string]any)
		if e["until"] != "2026-04-02T03:04:05.000Z" || e["max_until"] != "2026-04-02T03:04:05.000Z" || e["set_by_hand"] != false ||
			e["days_left"] != float64(90) || e["broken"] != nil {
			t.Errorf("default embargo %v", e)
		}

		refused := []struct {
			name, token, body, field, in string
		}{
			{"past", resp, `{"embargo_until":"2025-12-01T00:00:00Z"}`, "embargo_until", "in the past"},
			{"beyond the maximum", resp, `{"embargo_until":"2026-05-01T00:00:00Z"}`, "embargo_until", "2 Apr 2026 03:04 UTC"},
			{"override by a responder", resp, `{"embargo_until":"2026-05-01T00:00:00Z","embargo_override_reason":"distros"}`, "embargo_override_reason", "project admin"},
			{"not a date", resp, `{"embargo_until":"next week"}`, "embargo_until", "RFC 3339"},
			{"override alone", resp, `{"embargo_override_reason":"x"}`, "embargo_override_reason", "embargo_until"},
		}
		for _, tt := range refused {
			res := h.must(http.StatusUnprocessableEntity, "PATCH", path, tt.token, tt.body)
			if code, field := res.errorCode(); code != "invalid" || field != tt.field || !strings.Contains(string(res.body), tt.in) {
				t.Errorf("%s: %s", tt.name, res.body)
			}
		}
		h.must(http.StatusForbidden, "PATCH", path, viewer, `{"embargo_until":"2026-03-01T00:00:00Z"}`)

		c := h.must(http.StatusOK, "PATCH", path, resp, `{"embargo_until":"2026-03-01T12:00:00Z"}`).object()
		if e := c["embargo"].(map[string]any); e["until"] != "2026-03-01T12:00:00.000Z" || e["set_by_hand"] != true {
			t.Errorf("after PATCH: %v", e)
		}
		c = h.must(http.StatusOK, "PATCH", path, h.admin, `{"embargo_until":"2026-05-01T00:00:00Z","embargo_override_reason":"distros need a point release"}`).object()
		if e := c["embargo"].(map[string]any); e["until"] != "2026-05-01T00:00:00.000Z" {
			t.Errorf("after override: %v", e)
		}

		ext := "/api/v1/cases/" + key + "/embargo/extensions"
		h.must(http.StatusUnprocessableEntity, "POST", ext, resp, `{"embargo_until":"2026-05-10T00:00:00Z","asked_by":"reporter","reason":"","reporter_agreed":"yes"}`)
		h.must(http.StatusUnprocessableEntity, "POST", ext, resp, `{"embargo_until":"2026-05-10T00:00:00Z","asked_by":"reporter","reason":"r","reporter_agreed":"yes"}`)
		h.must(http.StatusBadRequest, "POST", ext, resp, `{"embargo_until":"2026-05-10T00:00:00Z","who":"reporter"}`)
		c = h.must(http.StatusCreated, "POST", ext, h.admin, `{"embargo_until":"2026-05-10T00:00:00Z","asked_by":"Debian","reason":"backports",`+
			`"reporter_agreed":"not-asked","embargo_override_reason":"still beyond the maximum"}`).object()
		e = c["embargo"].(map[string]any)
		xs := e["extensions"].([]any)
		if len(xs) != 1 {
			t.Fatalf("extensions %v", xs)
		}
		if x := xs[0].(map[string]any); x["from"] != "2026-05-01T00:00:00.000Z" || x["to"] != "2026-05-10T00:00:00.000Z" ||
			x["asked_by"] != "Debian" || x["reporter_agreed"] != "not-asked" || x["override_reason"] != "still beyond the maximum" {
			t.Errorf("extension %v", x)
		}

		brk := "/api/v1/cases/" + key + "/embargo/broken"
		h.must(http.StatusForbidden, "POST", brk, viewer, `{"where":"https://x.example","reaction":"r"}`)
		h.must(http.StatusUnprocessableEntity, "POST", brk, resp, `{"where":"","reaction":"r"}`)
		c = h.must(http.StatusOK, "POST", brk, resp, `{"where":"https://forum.example/t/1","reaction":"advisory moved up"}`).object()
		if b := c["embargo"].(map[string]any)["broken"].(map[string]any); b["where"] != "https://forum.example/t/1" || b["reaction"] != "advisory moved up" {
			t.Errorf("broken %v", b)
		}

		evs := h.must(http.StatusOK, "GET", "/api/v1/cases/"+key+"/events", h.admin, nil).list("events")
		seen := map[string]int{}
		for _, ev := range evs {
			seen[ev.(map[string]any)["action"].(string)]++
		}
		if seen["case.embargo.refused"] < 3 || seen["case.embargo.set"] != 2 || seen["case.embargo.extend"] != 1 || seen["case.embargo.broken"] != 1 {
			t.Errorf("events %v", seen)
		}
	})
}
