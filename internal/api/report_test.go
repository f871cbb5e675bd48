// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strconv"
	"strings"
	"testing"

	"embargo/internal/authz"
	"embargo/internal/intake"
	"embargo/internal/pgp"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

const xss = `<script>alert(1)</script><img src=x onerror=alert(2)>`

// rowCount counts every row of every table, through the backup.
func rowCount(t *testing.T, s *store.Store) int64 {
	t.Helper()
	info, err := s.Backup(context.Background(), io.Discard, 1)
	if err != nil {
		t.Fatal(err)
	}
	return info.Rows
}

// multipartReport builds a multipart report: the JSON part and files
// (name → bytes).
func multipartReport(t *testing.T, report string, files ...[2]string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="report"`)
	h.Set("Content-Type", "application/json")
	pw, _ := mw.CreatePart(h)
	io.WriteString(pw, report)
	for _, f := range files {
		fh := textproto.MIMEHeader{}
		// Raw, so that hostile names reach the server as sent.
		fh.Set("Content-Disposition", `form-data; name="attachment"; filename="`+f[0]+`"`)
		fh.Set("Content-Type", "text/html")
		fw, _ := mw.CreatePart(fh)
		io.WriteString(fw, f[1])
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// portal fetches a reporter link's page through the whole handler.
func (h *harness) portal(url string) (int, string) {
	h.t.Helper()
	path := strings.TrimPrefix(url, "http://example.test")
	rec := httptest.NewRecorder()
	h.app.Handler.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec.Code, rec.Body.String()
}

func TestReportJSON(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		res := h.must(http.StatusCreated, "POST", "/api/v1/projects/acme/reports", "", map[string]any{
			"title": "Heap overflow " + xss, "description": "Details " + xss, "product": xss, "versions": "1.x",
			"steps_to_reproduce": xss, "impact": xss, "contact": map[string]any{"name": xss, "email": "ada@example.org"},
			"credit_name": xss, "credit_preference": "name", "disclosure_preference": xss, "already_public": true,
			"exploited_in_the_wild": true, "public_references": xss, "contacted_others": xss,
			"share_contact_with_third_parties": true,
		})
		obj := res.object()
		ref, link := obj["reference"].(string), obj["reporter_url"].(string)
		if !strings.HasPrefix(ref, "RPT-") || !strings.HasPrefix(link, "http://example.test/r/rep_") {
			t.Fatalf("receipt %v", obj)
		}
		// The team sees the case in state new; the thread is empty.
		c := h.must(http.StatusOK, "GET", "/api/v1/cases/ACME-1", h.admin, nil).object()
		if c["state"] != "new" || !strings.Contains(c["title"].(string), "<script>") {
			t.Errorf("case %v", c)
		}
		msgs := h.must(http.StatusOK, "GET", "/api/v1/cases/ACME-1/messages", h.admin, nil).object()
		if msgs["reference"] != ref || len(msgs["messages"].([]any)) != 0 {
			t.Errorf("messages %v", msgs)
		}
		h.must(http.StatusCreated, "POST", "/api/v1/cases/ACME-1/messages", h.admin, map[string]any{"body": "Thanks " + xss})
		// The reporter's page shows everything, inert.
		status, page := h.portal(link)
		if status != http.StatusOK {
			t.Fatalf("portal: %d", status)
		}
		if strings.Contains(page, "<script>alert") || strings.Contains(page, "<img src=x") {
			t.Error("the portal renders the reporter's HTML")
		}
		for _, want := range []string{ref, "Heap overflow &lt;script&gt;", "Thanks", "Acknowledgement due"} {
			if !strings.Contains(page, want) {
				t.Errorf("portal lacks %q", want)
			}
		}
		// Reissue and revoke: the old link dies at once.
		newLink := h.must(http.StatusOK, "POST", "/api/v1/cases/ACME-1/reporter-link", h.admin, map[string]any{"action": "reissue"}).object()["reporter_url"].(string)
		if status, _ := h.portal(link); status != http.StatusNotFound {
			t.Errorf("old link after reissue: %d", status)
		}
		if status, _ := h.portal(newLink); status != http.StatusOK {
			t.Errorf("new link: %d", status)
		}
		if v := h.must(http.StatusOK, "POST", "/api/v1/cases/ACME-1/reporter-link", h.admin, map[string]any{"action": "revoke"}).object()["reporter_url"]; v != nil {
			t.Errorf("revoke answered %v", v)
		}
		if status, _ := h.portal(newLink); status != http.StatusNotFound {
			t.Errorf("revoked link: %d", status)
		}
		h.must(http.StatusUnprocessableEntity, "POST", "/api/v1/cases/ACME-1/reporter-link", h.admin, map[string]any{"action": "delete"})
		// A case the team opened has no reporter thread.
		h.newCase("acme", h.admin, map[string]any{"title": "internal"})
		h.must(http.StatusNotFound, "GET", "/api/v1/cases/ACME-2/messages", h.admin, nil)
		h.must(http.StatusNotFound, "POST", "/api/v1/cases/ACME-2/reporter-link", h.admin, map[string]any{"action": "revoke"})
	})
}

func TestReportMultipartAndAnonymous(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		body, ct := multipartReport(t, `{"title":"Anonymous","description":"no contact"}`,
			[2]string{`..\..\..\etc\passwd.html`, "<html><script>alert(1)</script>"},
			[2]string{"poc.bin", "\x00\x01binary"})
		res := h.must(http.StatusCreated, "POST", "/api/v1/projects/acme/reports", "", body.Bytes(), "Content-Type", ct)
		link := res.object()["reporter_url"].(string)
		var atts []*store.ReportAttachment
		err := s.Read(context.Background(), func(tx *store.Tx) error {
			c, err := tx.CaseByKey(context.Background(), "ACME-1", false)
			if err != nil {
				return err
			}
			atts, err = tx.ListReportAttachments(context.Background(), c.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(atts) != 2 || atts[0].Filename != "passwd.html" || atts[0].ContentType != "text/plain" ||
			atts[1].ContentType != "application/octet-stream" || atts[1].Size != 8 {
			t.Errorf("attachments %+v %+v", atts[0], atts[1])
		}
		// Downloads are attachments, never pages.
		path := strings.TrimPrefix(link, "http://example.test")
		rec := httptest.NewRecorder()
		h.app.Handler.ServeHTTP(rec, httptest.NewRequest("GET", path+"/attachments/"+itoa(atts[0].ID), nil))
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment") ||
			rec.Header().Get("X-Content-Type-Options") != "nosniff" || rec.Header().Get("Content-Type") != "text/plain" {
			t.Errorf("download: %d %v", rec.Code, rec.Header())
		}
		// Another case's attachment is not reachable through this link.
		rec = httptest.NewRecorder()
		h.app.Handler.ServeHTTP(rec, httptest.NewRequest("GET", path+"/attachments/999", nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("unknown attachment: %d", rec.Code)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestReportLimits(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		before := rowCount(t, s)
		url := "/api/v1/projects/acme/reports"
		// An oversized file (413).
		body, ct := multipartReport(t, `{"title":"t","description":"d"}`, [2]string{"big", strings.Repeat("x", intake.MaxFileBytes+1)})
		if code, _ := h.must(http.StatusRequestEntityTooLarge, "POST", url, "", body.Bytes(), "Content-Type", ct).errorCode(); code != "too_large" {
			t.Errorf("big file: %s", code)
		}
		// Too many files (422).
		var files [][2]string
		for range intake.MaxFiles + 1 {
			files = append(files, [2]string{"f.txt", "x"})
		}
		body, ct = multipartReport(t, `{"title":"t","description":"d"}`, files...)
		h.must(http.StatusUnprocessableEntity, "POST", url, "", body.Bytes(), "Content-Type", ct)
		// Bad UTF-8 in the report part (400).
		body, ct = multipartReport(t, "{\"title\":\"t\xff\",\"description\":\"d\"}")
		h.must(http.StatusBadRequest, "POST", url, "", body.Bytes(), "Content-Type", ct)
		// Unknown fields (400), a missing title (422), an oversized JSON body (413).
		h.must(http.StatusBadRequest, "POST", url, "", map[string]any{"title": "t", "description": "d", "cvss": 10})
		h.must(http.StatusUnprocessableEntity, "POST", url, "", map[string]any{"description": "d"})
		h.must(http.StatusRequestEntityTooLarge, "POST", url, "", map[string]any{"title": "t", "description": strings.Repeat("x", 2<<20)})
		// An encrypted description for a project without a key (422).
		res := h.must(http.StatusUnprocessableEntity, "POST", url, "", map[string]any{"title": "t",
			"description": "-----BEGIN PGP MESSAGE-----\n\nwcBMA\n-----END PGP MESSAGE-----"})
		if _, field := res.errorCode(); field != "description" {
			t.Errorf("encrypted: field %q", field)
		}
		if after := rowCount(t, s); after != before {
			t.Errorf("refused reports wrote %d rows", after-before)
		}
		// An archived project takes no reports.
		h.must(http.StatusOK, "POST", "/api/v1/projects/acme/archive", h.admin, nil)
		h.must(http.StatusConflict, "POST", url, "", map[string]any{"title": "t", "description": "d"})
		h.must(http.StatusNotFound, "POST", "/api/v1/projects/nope/reports", "", map[string]any{"title": "t", "description": "d"})
	})
}

func TestReportRateLimit(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		for i := range intake.ReportsPerClient {
			h.must(http.StatusCreated, "POST", "/api/v1/projects/acme/reports", "", map[string]any{"title": "t" + itoa(int64(i+1)), "description": "d"})
		}
		res := h.must(http.StatusTooManyRequests, "POST", "/api/v1/projects/acme/reports", "", map[string]any{"title": "t", "description": "d"})
		if res.header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
		if code, _ := res.errorCode(); code != "rate_limited" {
			t.Errorf("code %s", code)
		}
	})
}

func TestReportEncryptedToProjectKey(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		h.project("other")
		ctx := context.Background()
		keyOf := func(slug string) string {
			p, err := h.app.Projects.Get(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			pub, err := h.app.Keys.GenerateProjectKey(ctx, &authz.Actor{Via: "test"}, p)
			if err != nil {
				t.Fatal(err)
			}
			return pub.Armored
		}
		acmeKey, otherKey := keyOf("acme"), keyOf("other")
		encrypt := func(key, text string) string {
			out, err := pgp.Encrypt([]byte(key), []byte(text), start)
			if err != nil {
				t.Fatal(err)
			}
			return string(out)
		}
		h.must(http.StatusCreated, "POST", "/api/v1/projects/acme/reports", "", map[string]any{
			"title": "Encrypted", "description": encrypt(acmeKey, "The secret details.")})
		c := h.must(http.StatusOK, "GET", "/api/v1/cases/ACME-1", h.admin, nil).object()
		if c["description"] != "The secret details." {
			t.Errorf("description %q", c["description"])
		}
		before := rowCount(t, s)
		res := h.must(http.StatusUnprocessableEntity, "POST", "/api/v1/projects/acme/reports", "", map[string]any{
			"title": "Wrong key", "description": encrypt(otherKey, "x")})
		if _, field := res.errorCode(); field != "description" {
			t.Errorf("field %q", field)
		}
		if after := rowCount(t, s); after != before {
			t.Errorf("a refused report wrote %d rows", after-before)
		}
	})
}
