// SPDX-License-Identifier: AGPL-3.0-or-later

package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"embargo/internal/intake"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
	"embargo/internal/web"
)

const xss = `<script>alert(1)</script>`

var reporterLink = regexp.MustCompile(`http://example\.test(/r/rep_[A-Za-z0-9_-]{43})`)

// postMultipart sends a multipart form the way a same-origin browser does.
func (b *browser) postMultipart(path string, fields map[string]string, files map[string]string) *response {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, data := range files {
		fw, _ := mw.CreateFormFile("attachment", name)
		fw.Write([]byte(data))
	}
	mw.Close()
	req, err := http.NewRequest("POST", b.env.srv.URL+path, &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.env.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

func TestReportFormToPortal(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("admin@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).want(http.StatusSeeOther)

		anon := e.browser()
		anon.get("/p/acme/report").want(http.StatusOK).contains(`name="website"`, `enctype="multipart/form-data"`, "At most 5 files, 10 MiB each and 25 MiB together")
		// The honeypot refuses, and stores nothing.
		anon.post("/p/acme/report", url.Values{"title": {"spam"}, "description": {"x"}, "website": {"http://spam"}}).
			want(http.StatusBadRequest).lacks("rep_")
		// A bad field comes back on the form with the values kept.
		anon.post("/p/acme/report", url.Values{"title": {"t"}, "description": {"d"}, "contact_email": {"nope"}}).
			want(http.StatusUnprocessableEntity).contains("Contact email", `value="t"`)
		res := anon.postMultipart("/p/acme/report", map[string]string{"title": "Overflow " + xss, "description": "Desc " + xss,
			"steps_to_reproduce": xss, "credit_name": xss, "already_public": "1"},
			map[string]string{"../../x.html": xss}).want(http.StatusCreated)
		m := reporterLink.FindStringSubmatch(res.Body)
		if m == nil {
			t.Fatalf("no reporter link on the receipt:\n%s", res.Body)
		}
		portal := m[1]

		reporter := e.browser()
		page := reporter.get(portal).want(http.StatusOK).lacks(xss).
			contains("Overflow &lt;script&gt;", "Received: the team has not looked at it yet.", "x.html", "Acknowledgement due")
		_ = page
		reporter.postMultipart(portal+"/messages", map[string]string{"body": "Any news? " + xss}, map[string]string{"log.txt": "trace"}).
			redirectsTo(portal + "?notice=message-sent#thread")
		reporter.post(portal+"/credit", url.Values{"credit_preference": {"none"}}).redirectsTo(portal + "?notice=credit-saved#credit")

		// The team sees the reporter section, inert, and answers.
		admin.get("/cases/ACME-1").want(http.StatusOK).lacks(xss).
			contains(`id="reporter"`, "Any news?", "log.txt", "/cases/ACME-1/attachments/")
		admin.post("/cases/ACME-1/messages", url.Values{"body": {"We are on it."}}).
			redirectsTo("/cases/ACME-1?notice=message-sent#reporter")
		reporter.get(portal).want(http.StatusOK).contains("We are on it.")

		// The reporter link opens nothing of the team's.
		for _, path := range []string{"/cases/ACME-1", "/projects/acme", portal + "/../../cases/ACME-1"} {
			if r := reporter.get(path); r.Status == http.StatusOK {
				t.Errorf("reporter reached %s", path)
			}
		}

		// Reissue: the old link dies at once, the new one works.
		res = admin.post("/cases/ACME-1/reporter-link", url.Values{"do": {"reissue"}}).want(http.StatusOK)
		m2 := reporterLink.FindStringSubmatch(res.Body)
		if m2 == nil || m2[1] == portal {
			t.Fatalf("no new link:\n%s", res.Body)
		}
		reporter.get(portal).want(http.StatusNotFound).lacks("Overflow")
		reporter.get(m2[1]).want(http.StatusOK)
		admin.post("/cases/ACME-1/reporter-link", url.Values{"do": {"revoke"}}).redirectsTo("/cases/ACME-1?notice=link-revoked#reporter")
		reporter.get(m2[1]).want(http.StatusNotFound)
		reporter.post(m2[1]+"/messages", url.Values{"body": {"hi"}}).want(http.StatusNotFound)
	})
}

func TestReportFormLimits(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("admin@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).want(http.StatusSeeOther)
		anon := e.browser()
		files := map[string]string{}
		for i := range intake.MaxFiles + 1 {
			files[string(rune('a'+i))] = "x"
		}
		anon.postMultipart("/p/acme/report", map[string]string{"title": "t", "description": "d"}, files).
			want(http.StatusUnprocessableEntity).contains("at most 5 files")
		anon.postMultipart("/p/acme/report", map[string]string{"title": "t", "description": "d"},
			map[string]string{"big": strings.Repeat("x", intake.MaxFileBytes+1)}).want(http.StatusRequestEntityTooLarge)
		// The rate limit: 10 attempts an hour from one address, then 429.
		for range intake.ReportsPerClient - 2 {
			anon.post("/p/acme/report", url.Values{"title": {"t"}, "description": {"d"}}).want(http.StatusCreated)
		}
		res := anon.post("/p/acme/report", url.Values{"title": {"t"}, "description": {"d"}}).want(http.StatusTooManyRequests)
		if res.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
		e.clk.Advance(intake.RateWindow + time.Second)
		anon.post("/p/acme/report", url.Values{"title": {"t"}, "description": {"d"}}).want(http.StatusCreated)
	})
}

// FuzzReportFromForm: any form becomes a report without panicking, and
// the domain's checks hold on what it builds.
func FuzzReportFromForm(f *testing.F) {
	f.Add("title", "desc", "contact@example.org", "name", "1", "a.txt", []byte("x"))
	f.Add("", "\xff", "", "fame", "", "../..", []byte{})
	f.Fuzz(func(t *testing.T, title, desc, email, pref, check, fname string, data []byte) {
		form := url.Values{"title": {title}, "description": {desc}, "contact_email": {email},
			"credit_preference": {pref}, "already_public": {check}}
		rep := web.ReportFromForm(form, []intake.File{{Name: fname, Data: data}})
		if rep.Title != title || rep.AlreadyPublic != (check != "") || (email != "") != (rep.Contact != nil) {
			t.Fatalf("report %+v from %v", rep, form)
		}
		if n := intake.SanitizeFilename(fname); n == "" || strings.ContainsAny(n, "/\\") {
			t.Fatalf("name %q", n)
		}
	})
}
