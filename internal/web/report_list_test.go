// SPDX-License-Identifier: AGPL-3.0-or-later

package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

var receiptReference = regexp.MustCompile(`<code id="reference">(RPT-[A-Z0-9]+)</code>`)

// TestMyReports: a user who sends reports while signed in finds exactly
// those on "My reports" and follows each one there as its reporter, by
// their account instead of the link; nobody else can, team members of
// the project included.
func TestMyReports(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("admin@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).want(http.StatusSeeOther)
		admin.post("/projects/new", url.Values{"slug": {"beta"}, "name": {"Beta"}}).want(http.StatusSeeOther)
		for _, email := range []string{"sam@example.org", "eve@example.org", "rey@example.org"} {
			admin.post("/admin/users", url.Values{"email": {email}, "name": {strings.Split(email, "@")[0]}, "password": {testPassword}}).
				redirectsTo("/admin/users?notice=user-created")
		}
		admin.post("/projects/acme/members", url.Values{"email": {"rey@example.org"}, "role": {"responder"}}).
			redirectsTo("/projects/acme/members?notice=member-added")

		sam := e.login("sam@example.org")
		report := func(b *browser, slug, title string) string {
			t.Helper()
			res := b.post("/p/"+slug+"/report", url.Values{"title": {title}, "description": {"details of " + title}}).
				want(http.StatusCreated)
			m := receiptReference.FindStringSubmatch(res.Body)
			if m == nil {
				t.Fatalf("no reference on the receipt:\n%s", res.Body)
			}
			return m[1]
		}
		refAcme := report(sam, "acme", "Sam-acme-overflow")     // ACME-1
		refAnon := report(e.browser(), "acme", "Anon-acme-xss") // ACME-2, signed out
		refBeta := report(sam, "beta", "Sam-beta-injection")    // BETA-1

		list := sam.get("/reports").want(http.StatusOK).
			contains(`href="/reports"`, refAcme, refBeta, "Sam-acme-overflow", "Sam-beta-injection", "Acme", "Beta",
				`href="/reports/ACME-1"`, `href="/reports/BETA-1"`, "Received: the team has not looked at it yet.").
			lacks(refAnon, "Anon-acme-xss", "ACME-2")
		var rows []string
		for _, tr := range findAll(list.doc(), tag("tr")) {
			if ref := attr(tr, "data-reference"); ref != "" {
				rows = append(rows, ref)
			}
		}
		if want := []string{refBeta, refAcme}; strings.Join(rows, " ") != strings.Join(want, " ") {
			t.Errorf("My reports lists %v, want %v (newest first)", rows, want)
		}

		// The reporter view, by account: the report, its thread, a reply
		// and the credit preference, as through the link.
		sam.get("/reports/ACME-1").want(http.StatusOK).
			contains("Sam-acme-overflow", "details of Sam-acme-overflow", refAcme, `action="/reports/ACME-1/messages"`,
				`action="/reports/ACME-1/credit"`).
			lacks("Keep this page's address secret")
		sam.postMultipart("/reports/ACME-1/messages", map[string]string{"body": "Any news from Sam?"}, map[string]string{"poc.txt": "trace"}).
			redirectsTo("/reports/ACME-1?notice=message-sent#thread")
		sam.post("/reports/ACME-1/credit", url.Values{"credit_preference": {"anonymous"}}).
			redirectsTo("/reports/ACME-1?notice=credit-saved#credit")
		admin.get("/cases/ACME-1").want(http.StatusOK).contains("Any news from Sam?", "poc.txt")
		admin.post("/cases/ACME-1/messages", url.Values{"body": {"Looking into it, Sam."}}).
			redirectsTo("/cases/ACME-1?notice=message-sent#reporter")
		page := sam.get("/reports/ACME-1").want(http.StatusOK).contains("Any news from Sam?", "Looking into it, Sam.")
		file := regexp.MustCompile(`/reports/ACME-1/attachments/[0-9]+`).FindString(page.Body)
		if file == "" {
			t.Fatalf("no attachment link on the submitter's view:\n%s", page.Body)
		}
		if r := sam.get(file).want(http.StatusOK); r.Body != "trace" || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("attachment download: %q %q", r.Body, r.Header.Get("Content-Disposition"))
		}
		// The team sees a reporter's message, not the account behind it.
		admin.get("/cases/ACME-1").want(http.StatusOK).lacks("sam@example.org")

		// Only their own reports, and only as a reporter.
		sam.get("/reports/ACME-2").want(http.StatusNotFound).lacks("Anon-acme-xss")
		sam.get("/cases/ACME-1").want(http.StatusNotFound)
		sam.get("/projects/acme").want(http.StatusNotFound)

		// Another user: an empty list, and the report does not exist.
		eve := e.login("eve@example.org")
		eve.get("/reports").want(http.StatusOK).contains("You have not sent any report").lacks(refAcme, refBeta, "Sam-")
		for _, path := range []string{"/reports/ACME-1", "/reports/BETA-1"} {
			eve.get(path).want(http.StatusNotFound).lacks("Sam-")
		}
		eve.post("/reports/ACME-1/messages", url.Values{"body": {"hi"}}).want(http.StatusNotFound)
		eve.get(file).want(http.StatusNotFound).lacks("trace")
		eve.post("/reports/ACME-1/credit", url.Values{"credit_preference": {"none"}}).want(http.StatusNotFound)

		// A team member of the project reads the case, but not as its
		// reporter: the submitter's view is not theirs.
		rey := e.login("rey@example.org")
		rey.get("/cases/ACME-1").want(http.StatusOK)
		rey.get("/reports/ACME-1").want(http.StatusNotFound).lacks("Sam-")
		rey.post("/reports/ACME-1/messages", url.Values{"body": {"posing as the reporter"}}).want(http.StatusNotFound)
		admin.get("/reports/ACME-1").want(http.StatusNotFound)
		admin.get("/reports/ACME-2").want(http.StatusNotFound)

		// Signed out: sign in first, and learn nothing.
		anon := e.browser()
		for _, path := range []string{"/reports", "/reports/ACME-1", "/reports/NOPE-9"} {
			if r := anon.get(path); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
				t.Errorf("GET %s signed out: %d %s, want a redirect to sign in", path, r.Status, r.Header.Get("Location"))
			}
		}
	})
}
