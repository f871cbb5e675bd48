// SPDX-License-Identifier: AGPL-3.0-or-later

package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"embargo/internal/app"
	"embargo/internal/clock"
	"embargo/internal/config"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
	"embargo/internal/validation"
)

// deceptivePayloads are the characters that make text read as something
// else ("Trojan Source", CVE-2021-42574): every bidirectional control and
// mark, and invisible format characters.
var deceptivePayloads = []rune{
	0x202A, 0x202B, 0x202C, 0x202D, 0x202E, // embeddings, overrides, pop
	0x2066, 0x2067, 0x2068, 0x2069, // isolates
	0x200E, 0x200F, 0x061C, // marks
	0x200B, 0x2060, 0xFEFF, 0x00AD, 0x180E, 0x2063, 0xFFF9, 0xE0001, // invisible
}

// rawDeceptive returns the payload characters s holds raw.
func rawDeceptive(s string) []string {
	var out []string
	for _, r := range deceptivePayloads {
		if strings.ContainsRune(s, r) {
			out = append(out, fmt.Sprintf("U+%04X", r))
		}
	}
	return out
}

// newEnvReports is newEnv with report rate limits no test reaches: the
// one-line test sends a report per payload and field.
func newEnvReports(t *testing.T, s *store.Store) *env {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC))
	cfg := &config.Config{Addr: "127.0.0.1:0", BaseURL: "http://example.test", ShutdownTimeout: time.Second,
		ReportRatePerAddress: 1 << 20, ReportRatePerProject: 1 << 20}
	a := app.Build(cfg, s, slog.New(slog.DiscardHandler), clk)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	return &env{t: t, app: a, clk: clk, srv: srv}
}

// TestDeceptiveUnicodeOneLine feeds each payload to every one-line field a
// person reads as a name and wants it refused, naming the field and the
// character, with nothing stored.
func TestDeceptiveUnicodeOneLine(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnvReports(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).redirectsTo("/projects/acme")
		admin.post("/projects/acme/cases/new", url.Values{"title": {"Heap overflow"}, "description": {"d"}, "severity": {"high"}}).
			redirectsTo("/cases/ACME-1")
		anon := e.browser()
		res := anon.postMultipart("/p/acme/report", map[string]string{"title": "Overflow", "description": "d"}, nil).
			want(http.StatusCreated)
		portal := reporterLink.FindStringSubmatch(res.Body)[1]
		reporter := e.browser()

		fields := []struct {
			name  string
			label string // the field as the message names it
			post  func(v string) *response
		}{
			{"project name", "Name", func(v string) *response {
				return admin.post("/projects/new", url.Values{"slug": {"other"}, "name": {v}})
			}},
			{"project slug", "Slug", func(v string) *response {
				return admin.post("/projects/new", url.Values{"slug": {"ot" + v + "her"}, "name": {"Other"}})
			}},
			{"case title", "Title", func(v string) *response {
				return admin.post("/projects/acme/cases/new", url.Values{"title": {v}, "description": {"d"}, "severity": {"high"}})
			}},
			{"case component", "Component", func(v string) *response {
				return admin.post("/projects/acme/cases/new", url.Values{"title": {"t"}, "component": {v}, "severity": {"high"}})
			}},
			{"case title on edit", "Title", func(v string) *response {
				return admin.post("/cases/ACME-1/edit", url.Values{"title": {v}, "description": {"d"}, "severity": {"high"}})
			}},
			{"case label", "Label", func(v string) *response {
				return admin.post("/cases/ACME-1/labels", url.Values{"label": {v}})
			}},
			{"saved view name", "Name", func(v string) *response {
				return admin.post("/projects/acme/views", url.Values{"name": {v}, "query": {"state=new"}})
			}},
			{"API token label", "Name", func(v string) *response {
				return admin.post("/account/tokens", url.Values{"name": {v}})
			}},
			{"user name", "Name", func(v string) *response {
				return admin.post("/admin/users", url.Values{"email": {"bo@example.org"}, "name": {v}, "password": {testPassword}})
			}},
			{"report title", "Title", func(v string) *response {
				return anon.postMultipart("/p/acme/report", map[string]string{"title": v, "description": "d"}, nil)
			}},
			{"report product", "Product", func(v string) *response {
				return anon.postMultipart("/p/acme/report", map[string]string{"title": "t", "description": "d", "product": v}, nil)
			}},
			{"report contact name", "Contact name", func(v string) *response {
				return anon.postMultipart("/p/acme/report", map[string]string{"title": "t", "description": "d", "contact_name": v}, nil)
			}},
			{"report credit name", "Credit name", func(v string) *response {
				return anon.postMultipart("/p/acme/report", map[string]string{"title": "t", "description": "d", "credit_name": v}, nil)
			}},
			{"report attachment file name", "file name", func(v string) *response {
				return anon.postMultipart("/p/acme/report", map[string]string{"title": "t", "description": "d"}, map[string]string{v: "data"})
			}},
			{"portal attachment file name", "file name", func(v string) *response {
				return reporter.postMultipart(portal+"/messages", map[string]string{"body": "hi"}, map[string]string{v: "data"})
			}},
			{"portal credit name", "Credit name", func(v string) *response {
				return reporter.post(portal+"/credit", url.Values{"credit_preference": {"name"}, "credit_name": {v}})
			}},
		}
		for _, f := range fields {
			t.Run(f.name, func(t *testing.T) {
				for _, r := range deceptivePayloads {
					v := "auth" + string(r) + "gpj.exe"
					got := f.post(v)
					if got.Status != http.StatusBadRequest && got.Status != http.StatusUnprocessableEntity {
						t.Errorf("%U: status %d, want 400 or 422", r, got.Status)
						continue
					}
					want, body := fmt.Sprintf("must not contain U+%04X", r), html.UnescapeString(got.Body)
					if !strings.Contains(body, want) || !strings.Contains(body, f.label) {
						t.Errorf("%U: the answer does not say %q for %s:\n%s", r, want, f.label, got.Body)
					}
					if raw := rawDeceptive(got.Body); raw != nil {
						t.Errorf("%U: the answer holds %v raw", r, raw)
					}
				}
			})
		}

		// Nothing of it was stored.
		admin.get("/projects/acme").want(http.StatusOK).lacks("gpj.exe")
		admin.get("/cases/ACME-1").want(http.StatusOK).lacks("gpj.exe")
		admin.get("/account").want(http.StatusOK).lacks("gpj.exe")
		reporter.get(portal).want(http.StatusOK).lacks("gpj.exe")

		// What scripts need stays allowed.
		admin.post("/projects/acme/cases/new", url.Values{"title": {"Family 👩\u200D👩\u200D👧 and می\u200Cخواهم"}, "severity": {"high"}}).
			redirectsTo("/cases/ACME-3")
		admin.get("/cases/ACME-3").want(http.StatusOK).contains("👩\u200D👩\u200D👧", "می\u200Cخواهم").lacks(`id="deceptive-text"`)
	})
}

// deceptiveText is multi-line text holding every payload in prose, inline
// code, a code block, link text and as a character reference.
func deceptiveText(word string) string {
	var b strings.Builder
	b.WriteString(word + " report\n\n")
	for _, r := range deceptivePayloads {
		fmt.Fprintf(&b, "- auth%cgpj.exe `code%[1]ccode` [link%[1]ctext](https://example.org/)\n", r)
	}
	b.WriteString("\n```\n")
	for _, r := range deceptivePayloads {
		fmt.Fprintf(&b, "if access != \"user%c\" {\n", r)
	}
	b.WriteString("```\n\nAs a reference: auth&#x202E;gpj.exe\n")
	return b.String()
}

// TestDeceptiveUnicodeMultiLine feeds the payloads to every multi-line
// field through the forms and wants them stored byte for byte and every
// page that shows them free of them raw, with each shown as ⟨U+202E⟩ (the code point in hex) under
// a warning. Rows written before one-line fields refused them are shown
// the same way.
func TestDeceptiveUnicodeMultiLine(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnvReports(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).redirectsTo("/projects/acme")

		// A team-written case, its note, a transition reason.
		desc := deceptiveText("wombat")
		admin.post("/projects/acme/cases/new", url.Values{"title": {"Wombat overflow"}, "description": {desc}, "severity": {"high"}}).
			redirectsTo("/cases/ACME-1")
		admin.post("/cases/ACME-1/notes", url.Values{"body": {deceptiveText("note")}}).want(http.StatusSeeOther)
		admin.post("/cases/ACME-1/transition", url.Values{"to": {"acknowledged"}, "reason": {deceptiveText("reason")}}).
			redirectsTo("/cases/ACME-1?notice=case-moved")

		// A stranger's report, their reply, the team's reply and
		// acknowledgement.
		anon := e.browser()
		res := anon.postMultipart("/p/acme/report", map[string]string{"title": "Numbat report", "description": deceptiveText("numbat"),
			"steps_to_reproduce": deceptiveText("steps"), "impact": deceptiveText("impact"), "disclosure_preference": deceptiveText("disclosure"),
			"contact_email": "rep@example.org"}, nil).want(http.StatusCreated)
		portal := reporterLink.FindStringSubmatch(res.Body)[1]
		reporter := e.browser()
		reporter.postMultipart(portal+"/messages", map[string]string{"body": deceptiveText("reply")}, nil).
			redirectsTo(portal + "?notice=message-sent#thread")
		admin.post("/cases/ACME-2/messages", url.Values{"body": {deceptiveText("answer")}}).want(http.StatusSeeOther)
		admin.post("/cases/ACME-2/acknowledge", url.Values{"message": {deceptiveText("thanks")}}).want(http.StatusSeeOther)

		// A row stored before one-line fields refused these characters.
		ctx := context.Background()
		if err := s.Write(ctx, func(tx *store.Tx) error {
			c, err := tx.CaseByKey(ctx, "ACME-1", true)
			if err != nil {
				return err
			}
			c.Title = "Wombat fix in auth\u202Egpj.exe\u200B"
			c.Component = "pars\u2066er"
			return tx.UpdateCase(ctx, c)
		}); err != nil {
			t.Fatal(err)
		}

		// Stored byte for byte: the text is evidence.
		if err := s.Read(ctx, func(tx *store.Tx) error {
			c, err := tx.CaseByKey(ctx, "ACME-1", false)
			if err == nil && c.Description != strings.TrimSpace(desc) {
				t.Errorf("stored description %q, want %q", c.Description, desc)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}

		pages := []struct {
			name string
			b    *browser
			path string
			want []string
		}{
			{"case page", admin, "/cases/ACME-1", []string{"<title>ACME-1: Wombat fix in auth⟨U+202E⟩gpj.exe⟨U+200B⟩", "pars⟨U+2066⟩er", "wombat report", "note report", "reason report"}},
			{"reported case page", admin, "/cases/ACME-2", []string{"numbat report", "steps report", "impact report", "disclosure report", "reply report", "answer report", "thanks report"}},
			{"case list", admin, "/projects/acme?state=acknowledged", []string{"Wombat fix in auth⟨U+202E⟩gpj.exe⟨U+200B⟩"}},
			{"search results", admin, "/search?q=wombat", []string{"ACME-1", "Wombat fix in auth⟨U+202E⟩gpj.exe⟨U+200B⟩"}},
			{"portal", reporter, portal, []string{"numbat report", "reply report", "answer report", "thanks report"}},
		}
		for _, p := range pages {
			t.Run(p.name, func(t *testing.T) {
				page := p.b.get(p.path).want(http.StatusOK)
				page.contains(p.want...)
				if raw := rawDeceptive(page.Body); raw != nil {
					t.Errorf("%s holds %v raw", p.path, raw)
				}
				if _, at := validation.FindDeceptive(page.Body); at >= 0 {
					t.Errorf("%s holds a deceptive character raw near %q", p.path, page.Body[max(0, at-40):min(len(page.Body), at+40)])
				}
				page.contains(`id="deceptive-text"`)
				if !strings.Contains(p.name, "search") && !strings.Contains(p.name, "list") {
					for _, r := range deceptivePayloads {
						if want := validation.CodePoint(r); !strings.Contains(page.Body, want) {
							t.Errorf("%s does not show %s", p.path, want)
						}
					}
				}
			})
		}

		// The edit form keeps the description as written, as character
		// references, so that saving another change leaves it intact.
		admin.get("/cases/ACME-1").contains("auth&#x202E;gpj.exe")
		admin.post("/cases/ACME-1/edit", url.Values{"title": {"Wombat overflow"}, "description": {desc}, "severity": {"low"}}).
			want(http.StatusSeeOther)

		// Mail to the reporter quotes the acknowledgement revealed.
		if err := s.Read(ctx, func(tx *store.Tx) error {
			c, err := tx.CaseByKey(ctx, "ACME-2", false)
			if err != nil {
				return err
			}
			mails, err := tx.ListMail(ctx, c.ID)
			if err != nil {
				return err
			}
			if len(mails) == 0 {
				t.Errorf("no mail to the reporter")
			}
			for _, m := range mails {
				if raw := rawDeceptive(m.Subject + m.Body); raw != nil {
					t.Errorf("mail %q holds %v raw", m.Subject, raw)
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestTemplatesHoldNoDeceptive: the page's warning is only true if the
// templates themselves never hold what it warns of.
func TestTemplatesHoldNoDeceptive(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).redirectsTo("/projects/acme")
		admin.post("/projects/acme/cases/new", url.Values{"title": {"Plain"}, "severity": {"high"}}).redirectsTo("/cases/ACME-1")
		for _, path := range []string{"/", "/projects/acme", "/cases/ACME-1", "/account", "/admin/users", "/p/acme/report", "/search?q=plain"} {
			admin.get(path).want(http.StatusOK).lacks(`id="deceptive-text"`, "⟨U+")
		}
	})
}
