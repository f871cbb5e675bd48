// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/pgp"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestCaseSpam marks reports as spam through the API: the case is
// rejected and hidden, the asked-for blocks refuse later reports with a
// generic 403 that stores nothing, and whatever cannot be done is refused
// without a trace.
func TestCaseSpam(t *testing.T) {
	t.Parallel()
	key, err := pgp.Generate("Spammer", "spam@example.org", time.Date(2026, 5, 8, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	armored, err := key.ArmoredPublic()
	if err != nil {
		t.Fatal(err)
	}
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		_, viewer := h.user("viewer@example.test", false)
		h.member("acme", "viewer@example.test", "viewer")
		report := func(want int, withKey bool) *response {
			t.Helper()
			body := map[string]any{"title": "Cheap watches", "description": "Buy now."}
			if withKey {
				body["reporter_public_key"] = armored
			}
			return h.must(want, "POST", "/api/v1/projects/acme/reports", "", body)
		}
		spam := func(want int, caseKey, token string, body map[string]any) *response {
			t.Helper()
			return h.must(want, "POST", "/api/v1/cases/"+caseKey+"/spam", token, body)
		}

		report(http.StatusCreated, true)  // ACME-1
		report(http.StatusCreated, false) // ACME-2
		report(http.StatusCreated, false) // ACME-3

		// What cannot be done changes nothing, the case's state included.
		before := rowCount(t, s)
		spam(http.StatusForbidden, "ACME-1", viewer, map[string]any{})
		spam(http.StatusUnprocessableEntity, "ACME-2", h.admin, map[string]any{"block_key": true})
		spam(http.StatusBadRequest, "ACME-2", h.admin, map[string]any{"block_everything": true})
		if after := rowCount(t, s); after != before {
			t.Errorf("refused requests changed %d rows", after-before)
		}
		if st := h.must(http.StatusOK, "GET", "/api/v1/cases/ACME-2", h.admin, nil).object()["state"]; st != "new" {
			t.Errorf("ACME-2 after a refused spam marking is %v, want new", st)
		}

		// Spam without blocks: rejected, hidden, the sender not refused.
		c := spam(http.StatusOK, "ACME-2", h.admin, map[string]any{}).object()
		if c["state"] != "rejected" || c["resolution"] != "spam" {
			t.Errorf("ACME-2 after spam: state %v, resolution %v", c["state"], c["resolution"])
		}
		spam(http.StatusConflict, "ACME-2", h.admin, map[string]any{}) // rejected cannot move to rejected
		report(http.StatusCreated, false)                              // ACME-4

		// Blocking the key refuses reports with it, not those without.
		spam(http.StatusOK, "ACME-1", h.admin, map[string]any{"block_key": true})
		before = rowCount(t, s)
		res := report(http.StatusForbidden, true)
		if code, _ := res.errorCode(); code != "forbidden" {
			t.Errorf("blocked report answered code %q", code)
		}
		if after := rowCount(t, s); after != before {
			t.Errorf("a blocked report stored %d rows", after-before)
		}
		report(http.StatusCreated, false) // ACME-5

		// Blocking the address refuses every report from it.
		spam(http.StatusOK, "ACME-3", h.admin, map[string]any{"block_address": true})
		report(http.StatusForbidden, false)
		report(http.StatusForbidden, true)

		tests := []struct {
			query string
			want  []string
		}{
			{"", []string{"ACME-5", "ACME-4"}},
			{"?state=rejected", []string{"ACME-3", "ACME-2", "ACME-1"}},
			{"?include_spam=true", []string{"ACME-5", "ACME-4", "ACME-3", "ACME-2", "ACME-1"}},
		}
		for _, tt := range tests {
			if diff := cmp.Diff(tt.want, keys(h.must(http.StatusOK, "GET", "/api/v1/projects/acme/cases"+tt.query, h.admin, nil))); diff != "" {
				t.Errorf("list%s (-want +got):\n%s", tt.query, diff)
			}
		}
		h.must(http.StatusBadRequest, "GET", "/api/v1/projects/acme/cases?include_spam=yes", h.admin, nil)

		// Every block is in the audit log, without the address.
		var actions []string
		for _, e := range h.must(http.StatusOK, "GET", "/api/v1/cases/ACME-3/events", h.admin, nil).list("events") {
			actions = append(actions, e.(map[string]any)["action"].(string))
		}
		if diff := cmp.Diff([]string{"report.block", "case.transition", "report.create"}, actions); diff != "" {
			t.Errorf("ACME-3 events (-want +got):\n%s", diff)
		}
	})
}
