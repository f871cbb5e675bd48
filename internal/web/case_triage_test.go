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

// triageForm is a Triage card post: the record's fields and three
// affected-product rows.
func triageForm() url.Values {
	return url.Values{
		"repro_status": {"reproduced"}, "repro_environment": {"Debian 12"}, "repro_steps": {"1. upload\n2. crash"},
		"decision": {"confirmed"}, "decision_reason": {""}, "impact_gain": {"remote code execution"},
		"impact_preconditions": {"an account"}, "impact_configurations": {"default"}, "notes": {"see the PoC"},
		"exploitation": {"public-poc"}, "override_priority": {""}, "override_reason": {""},
		"target_release": {"2.4.2"}, "owner_id": {""}, "due_date": {""},
		"fix_refs":       {"pull_request https://git.example/acme/pull/7"},
		"affected_json":  {""},
		"aff_ecosystem":  {"npm", "product", "Go"},
		"aff_name":       {"acme-server", "Acme Appliance", ""},
		"aff_type":       {"SEMVER", "ECOSYSTEM", "SEMVER"},
		"aff_introduced": {"2.0.0", "7.1", ""},
		"aff_bound_kind": {"fixed", "last_affected", "fixed"},
		"aff_bound":      {"2.4.2", "7.3", ""},
	}
}

// TestCaseTriageCard fills in the Triage card, sees the record, priority
// and due date shown, and sees a broken range refused naming its path.
func TestCaseTriageCard(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).redirectsTo("/projects/acme")
		admin.post("/projects/acme/cases/new", url.Values{"title": {"Upload RCE"}, "severity": {"high"}}).redirectsTo("/cases/ACME-1")

		admin.get("/cases/ACME-1").want(http.StatusOK).contains(`id="triage-form"`, `name="aff_name"`, "None recorded.")

		admin.post("/cases/ACME-1/triage", triageForm()).redirectsTo("/cases/ACME-1?notice=case-saved#triage")
		doc := admin.get("/cases/ACME-1").want(http.StatusOK).doc()
		tests := []struct{ id, want string }{
			// high + public PoC = P2; high's fix target is 30 days from 2026-05-04.
			{"triage-priority", "P2 (from high severity, exploitation public-poc)"},
			{"triage-due", "2026-06-03 (project policy for high, from the confirmation)"},
			{"triage-affected", "npm acme-server: SEMVER introduced 2.0.0, fixed 2.4.2 product Acme Appliance: ECOSYSTEM introduced 7.1, last affected 7.3"},
			{"triage-fixes", "pull_request: https://git.example/acme/pull/7"},
		}
		for _, tt := range tests {
			if got := strings.Join(strings.Fields(text(byID(doc, tt.id))), " "); got != tt.want {
				t.Errorf("#%s = %q, want %q", tt.id, got, tt.want)
			}
		}
		if got := text(byID(doc, "triage-repro")); !strings.HasPrefix(got, "reproduced on Debian 12") {
			t.Errorf("#triage-repro = %q", got)
		}
		var history []string
		for _, li := range findAll(byID(doc, "history"), tag("li")) {
			history = append(history, strings.Join(strings.Fields(text(li)), " "))
		}
		if len(history) < 2 || !strings.Contains(history[0], "changed the remediation plan") ||
			!strings.Contains(history[1], "the reproduction from not-tried → reproduced") {
			t.Errorf("history = %q", history)
		}

		// An override with its reason wins over the derived priority.
		f := triageForm()
		f.Set("override_priority", "P1")
		f.Set("override_reason", "customers exposed")
		admin.post("/cases/ACME-1/triage", f).redirectsTo("/cases/ACME-1?notice=case-saved#triage")
		doc = admin.get("/cases/ACME-1").want(http.StatusOK).doc()
		if got := strings.Join(strings.Fields(text(byID(doc, "triage-priority"))), " "); got != "P1 (override; derived P2)" {
			t.Errorf("#triage-priority = %q", got)
		}

		refusals := []struct {
			name string
			edit func(url.Values)
			want string
		}{
			{"short semver", func(f url.Values) { f["aff_bound"] = []string{"2.4", "7.3", ""} },
				`Affected[0].ranges[0].events[1].fixed: "2.4" is not a valid semantic version.`},
			{"reversed", func(f url.Values) { f["aff_bound"] = []string{"1.0.0", "7.3", ""} },
				`Affected[0].ranges[0].events[1].fixed: "1.0.0" must be after the version it was introduced in ("2.0.0").`},
			{"missing introduced", func(f url.Values) { f["aff_introduced"] = []string{"", "7.1", ""} },
				`Affected[0].ranges[0].events[0]: each event holds exactly one of introduced, fixed, last_affected or limit.`},
			{"unknown ecosystem", func(f url.Values) { f["aff_ecosystem"] = []string{"golang", "product", "Go"} },
				`Affected[0].package.ecosystem: "golang" is not a known OSV ecosystem (use "product" for software outside the OSV ecosystems).`},
			{"due date in the past", func(f url.Values) { f.Set("due_date", "2026-05-03") },
				`Plan.due_date: "2026-05-03" is in the past.`},
			{"bad JSON", func(f url.Values) { f.Set("affected_json", `[{"package":{}},`) },
				`Affected: the JSON field is not a list of OSV affected packages (package, ranges, versions).`},
		}
		for _, tt := range refusals {
			t.Run(tt.name, func(t *testing.T) {
				f := triageForm()
				tt.edit(f)
				doc := admin.post("/cases/ACME-1/triage", f).want(http.StatusUnprocessableEntity).doc()
				if got := text(byID(doc, "triage-error")); got != tt.want {
					t.Errorf("#triage-error = %q, want %q", got, tt.want)
				}
			})
		}
		// Nothing refused was stored.
		doc = admin.get("/cases/ACME-1").want(http.StatusOK).doc()
		if got := strings.Join(strings.Fields(text(byID(doc, "triage-priority"))), " "); got != "P1 (override; derived P2)" {
			t.Errorf("#triage-priority after refusals = %q", got)
		}
	})
}
