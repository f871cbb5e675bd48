// SPDX-License-Identifier: AGPL-3.0-or-later

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBrowserTriageFromQueue triages a case from the project's queue to
// "fixing" in a real browser: it filters the list, opens the case, moves
// it through acknowledgement and triage with a confirmed decision, builds
// a CVSS v4.0 vector by clicking the calculator's metrics and saves it
// (the server scores it), moves the case on to fixing, then runs a bulk
// label and a bulk transition from the list, one of whose cases is
// refused.
func TestBrowserTriageFromQueue(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	base, setupLink := startServer(t, t.TempDir())
	if setupLink == "" {
		t.Fatal("the server printed no setup link on its first start")
	}
	b.open(setupLink)
	b.fill(`input[name="email"]`, "tess@example.com")
	b.fill(`input[name="name"]`, "Tess Triage")
	b.fill(`input[name="password"]`, "correct horse battery staple")
	b.submit(`form:has(input[name="password"]) button[type="submit"]`)

	b.open(base + "/projects/new")
	b.fill(`input[name="slug"]`, "acme")
	b.fill(`input[name="name"]`, "Acme")
	b.submit(`form:has(input[name="slug"]) button[type="submit"]`)
	for _, c := range []struct{ title, component string }{
		{"Heap overflow in the TIFF parser", "parser"},
		{"Open redirect after sign-in", "web"},
	} {
		b.open(base + "/projects/acme/cases/new")
		b.fill(`input[name="title"], textarea[name="title"]`, c.title)
		b.fill(`input[name="component"]`, c.component)
		b.submit(`form:has([name="title"]) button[type="submit"]`)
	}

	// The team's home queue: nobody handles either case yet.
	b.open(base + "/")
	if got := b.texts("#queue tbody td.key"); len(got) != 2 {
		b.fatalf("the home queue lists %q, want both unassigned cases", got)
	}
	b.click(`a.queue-tab[data-view="unassigned"]`)
	if got := b.texts("#queue tbody td.key"); len(got) != 2 {
		b.fatalf("the unassigned view lists %q, want both cases", got)
	}

	// The project's case list, filtered to the parser.
	b.open(base + "/projects/acme")
	if got := b.texts("tbody td.key"); len(got) != 2 {
		b.fatalf("the queue lists %q, want both cases", got)
	}
	b.fill(`#component`, "parser")
	p := b.submit(`#apply-filters`)
	if got := b.texts("tbody td.key"); len(got) != 1 || !strings.Contains(got[0], "ACME-1") {
		b.fatalf("filtered to the parser, the queue lists %q, want ACME-1 only (%s)", got, p.URL)
	}

	p = b.click(`td.key a[href="/cases/ACME-1"]`)
	if urlPath(t, p.URL) != "/cases/ACME-1" {
		b.fatalf("the queue's link should open /cases/ACME-1, got %s", p.URL)
	}
	for _, to := range []string{"acknowledged", "triage"} {
		b.submit(`form.transition[data-to="` + to + `"] button[type="submit"]`)
		if got := b.text("#case-state"); !strings.Contains(got, to) {
			b.fatalf("#case-state = %q after moving to %s", got, to)
		}
	}

	// The triage decision.
	b.press(`details:has(#triage-form) > summary`)
	b.fill(`#decision`, "confirmed")
	b.fill(`#decision-reason`, "Reproduced with the sample file.")
	// Work on a fix starts only once the affected products are known.
	row := `#affected-rows tbody tr:first-child `
	b.fill(row+`select[name="aff_ecosystem"]`, "npm")
	b.fill(row+`input[name="aff_name"]`, "acme-parser")
	b.fill(row+`input[name="aff_introduced"]`, "1.0.0")
	b.fill(row+`input[name="aff_bound"]`, "1.2.4")
	b.submit(`form#triage-form button[type="submit"]`)

	// A CVSS v4.0 vector from the calculator, scored by the server.
	b.waitVisible(`#cvss-calculator`)
	b.press(`#cvss-version-40`)
	for _, m := range []string{"AV-N", "AC-L", "AT-N", "PR-N", "UI-N", "VC-H", "VI-H", "VA-H", "SC-N", "SI-N", "SA-N"} {
		b.press(`#cvss-` + m)
	}
	shots := os.Getenv("EMBARGO_E2E_SCREENSHOTS")
	if shots != "" {
		b.screenshot(filepath.Join(shots, "cvss-calculator.png"))
	}
	const vector = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
	if got := b.value(`#cvss-vector-input`); got != vector {
		b.fatalf("the calculator wrote %q, want %q", got, vector)
	}
	b.submit(`#cvss-save`)
	if got := b.text("#cvss-score"); !strings.Contains(got, "9.3") || !strings.Contains(got, "Critical") {
		b.fatalf("#cvss-score = %q, want 9.3 (Critical)", got)
	}
	if got := b.text("#cvss-vector"); got != vector {
		t.Errorf("#cvss-vector = %q, want %q", got, vector)
	}

	for _, to := range []string{"accepted", "fixing"} {
		b.submit(`form.transition[data-to="` + to + `"] button[type="submit"]`)
		if got := b.text("#case-state"); !strings.Contains(got, to) {
			b.fatalf("#case-state = %q after moving to %s", got, to)
		}
	}

	// The severity now filters the queue too.
	b.open(base + "/projects/acme?severity=critical&state=fixing")
	if got := b.texts("tbody td.key"); len(got) != 1 || !strings.Contains(got[0], "ACME-1") {
		b.fatalf("critical cases in fixing: %q, want ACME-1", got)
	}

	// Bulk actions from the whole list.
	b.open(base + "/projects/acme")
	b.press(`#select-all`) // both cases on the page
	b.choose(`#bulk-action`, "label")
	b.waitVisible(`#bulk-label`)
	if b.visible(`#bulk-to`) {
		t.Errorf("the state select shows while adding a label")
	}
	b.fill(`#bulk-label`, "needs-backport")
	b.submit(`#bulk-apply`)
	if got := b.text("#bulk-results-heading"); !strings.Contains(got, "2 done, 0 refused") {
		b.fatalf("bulk label: %q", got)
	}
	b.press(`#select-ACME-1`)
	b.press(`#select-ACME-2`)
	b.choose(`#bulk-action`, "transition")
	b.fill(`#bulk-to`, "triage")
	b.submit(`#bulk-apply`)
	if got := b.text("#bulk-results-heading"); !strings.Contains(got, "1 done, 1 refused") {
		b.fatalf("bulk transition: %q", got)
	}
	if shots != "" {
		b.screenshot(filepath.Join(shots, "queue-bulk.png"))
	}
	if got := b.text("#bulk-refused"); !strings.Contains(got, "ACME-1") || !strings.Contains(got, "from fixing to triage") {
		t.Errorf("#bulk-refused = %q, want ACME-1 refused (fixing cannot go back to triage)", got)
	}
	b.open(base + "/projects/acme?label=needs-backport&state=triage")
	if got := b.texts("tbody td.key"); len(got) != 1 || !strings.Contains(got[0], "ACME-2") {
		b.fatalf("labelled cases in triage: %q, want ACME-2", got)
	}

	for _, m := range b.consoleMessages() {
		if strings.Contains(m, "Content Security Policy") {
			t.Errorf("the browser reported a CSP violation: %s", m)
		}
	}
}
