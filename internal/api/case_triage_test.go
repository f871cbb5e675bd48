// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestCaseTriage reads and replaces a case's triage record through
// GET/PUT /cases/{key}/triage and checks the priority on the case.
func TestCaseTriage(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		_, viewer := h.user("vic@example.test", false)
		h.member("acme", "vic@example.test", "viewer")
		key := h.newCase("acme", h.admin, map[string]any{"title": "RCE", "severity": "critical"})
		path := "/api/v1/cases/" + key + "/triage"

		got := h.must(http.StatusOK, "GET", path, viewer, nil).object()
		if got["reproduction"].(map[string]any)["status"] != "not-tried" || got["confirmation"].(map[string]any)["decision"] != "pending" {
			t.Errorf("defaults: %v", got)
		}
		c := h.must(http.StatusOK, "GET", "/api/v1/cases/"+key, viewer, nil).object()
		if c["priority"] != "P2" || c["priority_source"] != "derived" {
			t.Errorf("case priority %v (%v), want P2 derived", c["priority"], c["priority_source"])
		}

		affected := `[{"package":{"ecosystem":"Go","name":"example.com/m","purl":"pkg:golang/example.com/m"},
			"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.3"}]}]}]`
		body := `{"reproduction":{"status":"reproduced","environment":"Go 1.26, Linux","steps":"1. run"},
			"confirmation":{"decision":"confirmed"},
			"impact":{"gain":"code execution","preconditions":"none","configurations":"all"},
			"affected":` + affected + `,"notes":"n","exploitation":"public-poc",
			"plan":{"target_release":"1.2.3","fix_references":[{"type":"commit","url":"https://git.example/m/commit/1"}]}}`
		h.must(http.StatusForbidden, "PUT", path, viewer, body)
		got = h.must(http.StatusOK, "PUT", path, h.admin, body).object()
		var wantAffected any
		if err := json.Unmarshal([]byte(affected), &wantAffected); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(wantAffected, got["affected"]); diff != "" {
			t.Errorf("affected (-want +got):\n%s", diff)
		}
		// Critical, confirmed on 2026-01-02: due 7 days later.
		plan := got["plan"].(map[string]any)
		if plan["due_date"] != "2026-01-09" || plan["due_date_source"] != "policy" {
			t.Errorf("plan: %v", plan)
		}
		if p := got["priority"].(map[string]any); p["value"] != "P1" || p["source"] != "derived" {
			t.Errorf("priority: %v", p)
		}
		c = h.must(http.StatusOK, "GET", "/api/v1/cases/"+key, viewer, nil).object()
		if c["priority"] != "P1" {
			t.Errorf("case priority %v after triage, want P1", c["priority"])
		}

		override := `{"confirmation":{"decision":"confirmed"},"priority_override":{"priority":"P3","reason":"internal only"}}`
		got = h.must(http.StatusOK, "PUT", path, h.admin, override).object()
		if p := got["priority"].(map[string]any); p["value"] != "P3" || p["source"] != "override" || p["override"] == nil {
			t.Errorf("override: %v", p)
		}
		list := h.must(http.StatusOK, "GET", "/api/v1/projects/acme/cases", viewer, nil).list("cases")
		if lc := list[0].(map[string]any); lc["priority"] != "P3" || lc["priority_source"] != "override" {
			t.Errorf("listed priority %v (%v)", lc["priority"], lc["priority_source"])
		}
	})
}

// TestCaseTriageRefusals checks that each broken rule answers 422 naming
// the field path, and that nothing changes.
func TestCaseTriageRefusals(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		key := h.newCase("acme", h.admin, map[string]any{"title": "RCE"})
		path := "/api/v1/cases/" + key + "/triage"
		before := h.must(http.StatusOK, "GET", path, h.admin, nil).body
		rng := func(events string) string {
			return `{"affected":[{"package":{"ecosystem":"npm","name":"x"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]},{"type":"SEMVER","events":` + events + `}]}]}`
		}
		tests := []struct{ name, body, field, message string }{
			{"not semver", rng(`[{"introduced":"1.0.0"},{"introduced":"1.1.0"},{"fixed":"1.2"}]`), "affected[0].ranges[1].events[2].fixed",
				`affected[0].ranges[1].events[2].fixed: "1.2" is not a valid semantic version`},
			{"reversed", rng(`[{"introduced":"2.0.0"},{"fixed":"1.0.0"}]`), "affected[0].ranges[1].events[1].fixed", ""},
			{"fixed and last_affected", rng(`[{"introduced":"0"},{"fixed":"1.0.0"},{"last_affected":"1.0.0"}]`), "affected[0].ranges[1].events", ""},
			{"no introduced", rng(`[{"fixed":"1.0.0"}]`), "affected[0].ranges[1].events", ""},
			{"unknown ecosystem", `{"affected":[{"package":{"ecosystem":"go","name":"x"},"versions":["1"]}]}`, "affected[0].package.ecosystem", ""},
			{"bad fix url", `{"plan":{"fix_references":[{"type":"commit","url":"ftp://x"}]}}`, "plan.fix_references[0].url", ""},
			{"due in the past", `{"plan":{"due_date":"2025-12-31"}}`, "plan.due_date", ""},
			{"override without reason", `{"priority_override":{"priority":"P1","reason":""}}`, "priority_override.reason", ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				res := h.must(http.StatusUnprocessableEntity, "PUT", path, h.admin, tc.body)
				if code, field := res.errorCode(); code != "invalid" || field != tc.field {
					t.Errorf("error %s on %q, want invalid on %q", code, field, tc.field)
				}
				if tc.message != "" {
					if msg := res.object()["error"].(map[string]any)["message"]; msg != tc.message {
						t.Errorf("message %q, want %q", msg, tc.message)
					}
				}
			})
		}
		h.must(http.StatusBadRequest, "PUT", path, h.admin, `{"affected":[{"package":{"ecosystem":"Go","name":"x"},"ranges":[],"severity":[]}]}`)
		if after := h.must(http.StatusOK, "GET", path, h.admin, nil).body; string(after) != string(before) {
			t.Errorf("refused requests changed the record:\n%s\n%s", before, after)
		}
	})
}
