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

// TestCaseClassification sets a CVSS vector and CWEs through the case
// page's forms, sees them shown with the severity following the rating,
// and sees refused input come back beside its field.
func TestCaseClassification(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).redirectsTo("/projects/acme")
		admin.post("/projects/acme/cases/new", url.Values{"title": {"Leak"}}).redirectsTo("/cases/ACME-1")

		page := admin.get("/cases/ACME-1").want(http.StatusOK).contains(`id="cvss-form"`, `id="cwe-form"`, "No CVSS score.", "Not classified.")
		if got := strings.TrimSpace(text(byID(page.doc(), "cvss-score"))); got != "none" {
			t.Errorf("#cvss-score = %q, want none", got)
		}

		const heartbleed = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
		admin.post("/cases/ACME-1/cvss", url.Values{"cvss_vector": {heartbleed}}).redirectsTo("/cases/ACME-1?notice=case-saved")
		admin.post("/cases/ACME-1/cwe", url.Values{"cwe_ids": {"cwe-787, 79"}}).redirectsTo("/cases/ACME-1?notice=case-saved")

		doc := admin.get("/cases/ACME-1").want(http.StatusOK).
			contains(`<span class="badge sev-high" title="Severity">high</span>`, "cwe.mitre.org/data/definitions/79.html").doc()
		tests := []struct{ id, want string }{
			{"cvss-score", "7.5 (High)"},
			{"cvss-vector", heartbleed},
			{"cwe-list", "CWE-79 Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting') " +
				"CWE-787 Out-of-bounds Write"},
		}
		for _, tt := range tests {
			if got := strings.Join(strings.Fields(text(byID(doc, tt.id))), " "); got != tt.want {
				t.Errorf("#%s = %q, want %q", tt.id, got, tt.want)
			}
		}
		var history []string
		for _, li := range findAll(byID(doc, "history"), tag("li")) {
			history = append(history, strings.Join(strings.Fields(text(li)), " "))
		}
		if len(history) < 2 || !strings.HasSuffix(history[0], "classified the case as CWE-79 and CWE-787") ||
			!strings.HasSuffix(history[1], "set the CVSS score to 7.5 (High): "+heartbleed) {
			t.Errorf("history = %q", history)
		}

		refusals := []struct {
			name, path string
			form       url.Values
			want       []string
		}{
			{"bad metric", "/cases/ACME-1/cvss", url.Values{"cvss_vector": {"CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}},
				[]string{`Metric &#34;AV&#34; has invalid value &#34;Q&#34;`, `value="CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"`}},
			{"unknown CWE", "/cases/ACME-1/cwe", url.Values{"cwe_ids": {"CWE-79, CWE-999999"}},
				[]string{"CWE-999999 is not in CWE 4.15", `value="CWE-79, CWE-999999"`}},
		}
		for _, tt := range refusals {
			t.Run(tt.name, func(t *testing.T) {
				admin.post(tt.path, tt.form).want(http.StatusUnprocessableEntity).contains(tt.want...)
			})
		}

		found := admin.get("/cases/ACME-1?cwe_q=" + url.QueryEscape("cross-site scripting")).want(http.StatusOK).doc()
		if got := text(byID(found, "cwe-found")); !strings.Contains(got, "CWE-79 Improper Neutralization") {
			t.Errorf("#cwe-found = %q, want CWE-79 first", got)
		}
		admin.get("/cases/ACME-1?cwe_q=zzzz").want(http.StatusOK).contains("No CWE entry matches.")

		admin.post("/cases/ACME-1/cvss", url.Values{"cvss_vector": {""}}).redirectsTo("/cases/ACME-1?notice=case-saved")
		admin.get("/cases/ACME-1").want(http.StatusOK).contains("No CVSS score.", `<span class="badge sev-high" title="Severity">high</span>`)
	})
}
