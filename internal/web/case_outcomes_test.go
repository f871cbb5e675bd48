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

// submitReport sends a report through the public form and returns the
// reporter's portal path.
func submitReport(t *testing.T, e *env, title string) string {
	t.Helper()
	res := e.browser().post("/p/acme/report", url.Values{"title": {title}, "description": {"Steps."},
		"contact_email": {"rita@example.net"}, "credit_name": {"Rita"}}).want(http.StatusCreated)
	m := reporterLink.FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatalf("no reporter link on the receipt:\n%s", res.Body)
	}
	return m[1]
}

// TestReporterOutcomesFromTheCasePage asks the reporter a question, sees
// their answer resume the case, then closes another report as not a
// security issue with the public tracker link.
func TestReporterOutcomesFromTheCasePage(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).want(http.StatusSeeOther)
		portal := submitReport(t, e, "Overflow")

		page := admin.get("/cases/ACME-1").want(http.StatusOK)
		if byID(page.doc(), "request-info") == nil {
			t.Fatalf("no Ask the reporter form on a new report:\n%s", page.Body)
		}
		admin.post("/cases/ACME-1/request-info", url.Values{"question": {" "}}).want(http.StatusUnprocessableEntity).
			contains("Question is required.")
		admin.post("/cases/ACME-1/request-info", url.Values{"question": {"Which version?"}}).
			redirectsTo("/cases/ACME-1?notice=info-requested#reporter")
		admin.get("/cases/ACME-1").want(http.StatusOK).contains(`id="waiting-until"`, "needs-info", "Which version?")

		reporter := e.browser()
		reporter.get(portal).want(http.StatusOK).contains("Waiting for your answer", "Which version?")
		reporter.post(portal+"/messages", url.Values{"body": {"2.4.1"}}).want(http.StatusSeeOther)
		admin.get("/cases/ACME-1").want(http.StatusOK).lacks(`id="waiting-until"`).contains(`class="badge state-triage"`)

		// Not a security issue, with the project's public tracker.
		admin.post("/projects/acme/settings", policyForm(func(f url.Values) {
			f.Set("public_bug_url", "https://github.com/acme/widget/issues")
			f.Set("credit_duplicates", "1")
		})).
			want(http.StatusSeeOther)
		submitReport(t, e, "Typo on the about page")
		draft := text(byID(admin.get("/cases/ACME-2").want(http.StatusOK).doc(), "not-security-message"))
		if !strings.Contains(draft, "https://github.com/acme/widget/issues") {
			t.Errorf("the canned message does not name the tracker: %q", draft)
		}
		admin.post("/cases/ACME-2/not-security", url.Values{"message": {"A typo, not a vulnerability."}}).
			redirectsTo("/cases/ACME-2?notice=not-security#reporter")
		page = admin.get("/cases/ACME-2").want(http.StatusOK).contains("not-security", "A typo, not a vulnerability.")
		bug := byID(page.doc(), "public-bug")
		if bug == nil || !strings.Contains(page.Body, "https://github.com/acme/widget/issues/new?body=Steps.&amp;title=Typo&#43;on&#43;the&#43;about&#43;page") {
			t.Errorf("no public bug link:\n%s", page.Body)
		}
	})
}

// TestDuplicatesLinksAndSplit marks a duplicate, links and unlinks a
// related case, and splits a report, from the case page.
func TestDuplicatesLinksAndSplit(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).want(http.StatusSeeOther)
		admin.post("/projects/new", url.Values{"slug": {"other"}, "name": {"Other"}}).want(http.StatusSeeOther)
		submitReport(t, e, "Overflow")                                                                       // ACME-1
		submitReport(t, e, "Overflow again")                                                                 // ACME-2
		admin.post("/projects/acme/cases/new", url.Values{"title": {"Hardening"}}).want(http.StatusSeeOther) // ACME-3

		admin.post("/cases/ACME-2/duplicate", url.Values{"original": {"ACME-9"}}).want(http.StatusNotFound)
		admin.post("/cases/ACME-2/duplicate", url.Values{"original": {"ACME-1"}, "message": {"Known already, thanks!"}}).
			redirectsTo("/cases/ACME-2?notice=duplicate#links")
		admin.get("/cases/ACME-2").want(http.StatusOK).contains("Duplicate of", `href="/cases/ACME-1"`, "Known already, thanks!")
		admin.get("/cases/ACME-1").want(http.StatusOK).contains("Duplicated by", `href="/cases/ACME-2"`,
			"reporter credited here", `id="credits"`, "independent report ACME-2")

		admin.post("/cases/ACME-1/links", url.Values{"case": {"acme-3"}}).redirectsTo("/cases/ACME-1?notice=linked#links")
		admin.post("/cases/ACME-1/links", url.Values{"case": {"ACME-3"}}).want(http.StatusConflict).contains("linked already")
		admin.post("/cases/ACME-1/links", url.Values{"case": {"ACME-1"}}).want(http.StatusUnprocessableEntity).
			contains("cannot be linked to itself")
		doc := admin.get("/cases/ACME-3").want(http.StatusOK).doc()
		var linkID string
		for _, in := range findAll(byID(doc, "case-links"), tag("input")) {
			if attr(in, "name") == "id" {
				linkID = attr(in, "value")
			}
		}
		if linkID == "" {
			t.Fatal("the related link cannot be removed from the other case")
		}
		admin.post("/cases/ACME-3/links/remove", url.Values{"id": {linkID}}).redirectsTo("/cases/ACME-3?notice=unlinked#links")
		admin.get("/cases/ACME-1").want(http.StatusOK).lacks(`href="/cases/ACME-3"`)

		admin.post("/cases/ACME-1/split", url.Values{"title": {"Second bug"}, "description": {"The other one."}}).
			redirectsTo("/cases/ACME-4?notice=split")
		admin.get("/cases/ACME-4").want(http.StatusOK).contains("Split from", `href="/cases/ACME-1"`, "reported in ACME-1")
	})
}
