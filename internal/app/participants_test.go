// SPDX-License-Identifier: AGPL-3.0-or-later

package app_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"embargo/internal/app"
	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/config"
	"embargo/internal/projects"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
	"embargo/internal/web"
)

// TestParticipantFlow follows a vendor invited to one case, through HTTP
// only: the link shows the terms and the embargo end and nothing of the
// case; another account cannot accept it; the invitee accepts and sees
// what was shared and nothing else; revoked, they see nothing at all.
func TestParticipantFlow(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clk := clock.NewFake(time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC))
		cfg := &config.Config{Addr: "127.0.0.1:0", BaseURL: "http://example.test", ShutdownTimeout: time.Second}
		a := app.Build(cfg, s, slog.New(slog.DiscardHandler), clk)
		now := clock.Millis(clk.Now())
		mkUser := func(email string) *store.User {
			u := &store.User{Email: email, Name: email, CreatedAt: now, UpdatedAt: now}
			if err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
				t.Fatal(err)
			}
			return u
		}
		lead, stranger := mkUser("lead@example.org"), mkUser("stranger@example.org")
		leadActor := &authz.Actor{UserID: lead.ID, Email: lead.Email, Via: "test"}
		acme, err := a.Projects.Create(ctx, leadActor, "acme", projects.Input{Name: ptr("Acme")})
		if err != nil {
			t.Fatal(err)
		}
		const description = "Reproduction-steps-c0de"
		for _, title := range []string{secretTitle, "Second-case-title-ab12"} {
			if _, err := a.Cases.Create(ctx, leadActor, acme, cases.Input{Title: ptr(title), Description: ptr(description)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := a.Cases.AddNote(ctx, leadActor, "ACME-1", secretNote); err != nil {
			t.Fatal(err)
		}
		leadToken, _, err := a.Accounts.CreateToken(ctx, &authz.Actor{Via: "test"}, lead.Email, "test")
		if err != nil {
			t.Fatal(err)
		}

		type reply struct {
			status int
			body   string
			header http.Header
		}
		do := func(method, path, body string, auth func(*http.Request)) reply {
			t.Helper()
			req := httptest.NewRequest(method, path, strings.NewReader(body))
			if strings.HasPrefix(path, "/api/") {
				req.Header.Set("Content-Type", "application/json")
			} else if method == "POST" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if auth != nil {
				auth(req)
			}
			rec := httptest.NewRecorder()
			a.Handler.ServeHTTP(rec, req)
			return reply{rec.Code, rec.Body.String(), rec.Header()}
		}
		bearer := func(token string) func(*http.Request) {
			return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
		}
		cookie := func(secret string) func(*http.Request) {
			return func(r *http.Request) { r.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: secret}) }
		}
		session := func(u *store.User) func(*http.Request) {
			secret, _ := authz.NewSecret("")
			err := s.Write(ctx, func(tx *store.Tx) error {
				return tx.CreateSession(ctx, &store.Session{IDHash: authz.HashSecret(secret), UserID: u.ID,
					CreatedAt: now, LastSeenAt: now, ExpiresAt: now + int64(time.Hour/time.Millisecond)})
			})
			if err != nil {
				t.Fatal(err)
			}
			return cookie(secret)
		}
		secret := []string{secretTitle, secretNote, description}
		leaks := func(where, body string) {
			t.Helper()
			for _, s := range secret {
				if strings.Contains(body, s) {
					t.Errorf("%s: leaked %q", where, s)
				}
			}
		}

		// The team invites a vendor.
		r := do("POST", "/api/v1/cases/ACME-1/participants",
			`{"email":"Vendor@Example.net","organization":"Vendor Inc","role":"vendor","summary":"Shared-summary-55e1"}`, bearer(leadToken))
		if r.status != http.StatusCreated {
			t.Fatalf("invite: %d %s", r.status, r.body)
		}
		var created struct {
			ID        int64  `json:"id"`
			Status    string `json:"status"`
			InviteURL string `json:"invite_url"`
		}
		if err := json.Unmarshal([]byte(r.body), &created); err != nil {
			t.Fatal(err)
		}
		if created.Status != "invited" || created.ID == 0 || !strings.HasPrefix(created.InviteURL, "http://example.test/participate/par_") {
			t.Fatalf("invite answered %s", r.body)
		}
		link := strings.TrimPrefix(created.InviteURL, "http://example.test")
		if r := do("POST", "/api/v1/cases/ACME-1/participants", `{"email":"v@example.net","organization":"V","role":"reseller"}`,
			bearer(leadToken)); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "role") {
			t.Errorf("an unknown role: %d %s", r.status, r.body)
		}

		// Before acceptance the link shows the terms and the embargo's
		// end, and nothing of the case.
		emb, err := a.Cases.EmbargoOf(ctx, mustCase(t, s, "ACME-1"))
		if err != nil {
			t.Fatal(err)
		}
		until := emb.Until.In(emb.Location).Format("Mon 2 Jan 2006 15:04 MST")
		r = do("GET", link, "", nil)
		if r.status != http.StatusOK || !strings.Contains(r.body, "Embargo terms") || !strings.Contains(r.body, until) ||
			!strings.Contains(r.body, "Vendor Inc") || !strings.Contains(r.body, "before the embargo ends") {
			t.Errorf("the link before acceptance: %d, want the terms and the end %q\n%s", r.status, until, r.body)
		}
		leaks("the link before acceptance", r.body)
		if strings.Contains(r.body, "Shared-summary-55e1") {
			t.Error("the link shows what was shared before the terms were accepted")
		}

		// Another account may not accept the link: the refusal names the
		// invited address masked, and is recorded.
		r = do("GET", link, "", session(stranger))
		if !strings.Contains(r.body, "invitation is for v**@example.net") || strings.Contains(r.body, "vendor@example.net") {
			t.Errorf("another account sees no masked refusal:\n%s", r.body)
		}
		r = do("POST", link, "agree=yes", session(stranger))
		if r.status != http.StatusForbidden {
			t.Errorf("another account accepting: %d, want 403", r.status)
		}
		leaks("a refused acceptance", r.body)
		r = do("GET", "/api/v1/cases/ACME-1/events", "", bearer(leadToken))
		if !strings.Contains(r.body, "case.participant.refuse") {
			t.Errorf("the refusal is not on record:\n%s", r.body)
		}
		if r := do("GET", "/cases/ACME-1/participant", "", session(stranger)); r.status != http.StatusNotFound {
			t.Errorf("the refused account opens the participant view: %d", r.status)
		}

		// The invitee, without an account, creates one from the link under
		// the invited address and accepts.
		r = do("POST", link, "name=Val&password=correct-horse-battery&agree=", nil)
		if r.status == http.StatusSeeOther {
			t.Fatalf("accepted without ticking the terms")
		}
		r = do("POST", link, "name=Val&password=correct-horse-battery&agree=yes", nil)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/cases/ACME-1/participant") {
			t.Fatalf("accepting: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
		}
		var vendorSession string
		for _, c := range (&http.Response{Header: r.header}).Cookies() {
			if c.Name == web.SessionCookie {
				vendorSession = c.Value
			}
		}
		if vendorSession == "" {
			t.Fatal("accepting did not sign the new account in")
		}
		vendor := cookie(vendorSession)
		r = do("GET", "/cases/ACME-1/participant", "", vendor)
		if r.status != http.StatusOK || !strings.Contains(r.body, "Shared-summary-55e1") || !strings.Contains(r.body, "Embargo ends") ||
			!strings.Contains(r.body, "vendor") {
			t.Errorf("the participant view: %d\n%s", r.status, r.body)
		}
		leaks("the participant view", r.body)
		if r := do("GET", link, "", vendor); r.status != http.StatusSeeOther {
			t.Errorf("the link once accepted, for its participant: %d, want a redirect to the view", r.status)
		}
		r = do("GET", "/api/v1/cases/ACME-1/participants", "", bearer(leadToken))
		if !strings.Contains(r.body, `"status":"accepted"`) || !strings.Contains(r.body, `"accepted_at":"2026-05-04T03:02:01`) {
			t.Errorf("the acceptance is not recorded with its time:\n%s", r.body)
		}
		r = do("GET", "/api/v1/cases/ACME-1/events", "", bearer(leadToken))
		if !strings.Contains(r.body, "case.participant.accept") {
			t.Errorf("the acceptance is not on record:\n%s", r.body)
		}

		// The participant reaches nothing else: not the case page, its
		// notes, attachments or API, not search, not another case.
		var vendorUser *store.User
		if err := s.Read(ctx, func(tx *store.Tx) error {
			vendorUser, err = tx.UserByEmail(ctx, "vendor@example.net")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		vendorToken, _, err := a.Accounts.CreateToken(ctx, &authz.Actor{Via: "test"}, vendorUser.Email, "test")
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ method, path, body string }{
			{"GET", "/cases/ACME-1", ""},
			{"POST", "/cases/ACME-1/notes", "body=x"},
			{"GET", "/cases/ACME-1/attachments/1", ""},
			{"GET", "/cases/ACME-2/participant", ""},
			{"GET", "/cases/ACME-2", ""},
			{"GET", "/projects/acme", ""},
			{"GET", "/api/v1/cases/ACME-1", ""},
			{"GET", "/api/v1/cases/ACME-1/notes", ""},
			{"GET", "/api/v1/cases/ACME-1/participants", ""},
			{"POST", "/api/v1/cases/ACME-1/participants", `{"email":"x@example.net","organization":"X","role":"vendor"}`},
		} {
			auth := vendor
			if strings.HasPrefix(tc.path, "/api/") {
				auth = bearer(vendorToken)
			}
			r := do(tc.method, tc.path, tc.body, auth)
			if r.status != http.StatusNotFound {
				t.Errorf("%s %s as the participant: %d, want 404", tc.method, tc.path, r.status)
			}
			leaks(tc.method+" "+tc.path, r.body)
		}
		// Each refusal is on record, on the case the participant tried.
		for _, key := range []string{"ACME-1", "ACME-2"} {
			r := do("GET", "/api/v1/cases/"+key+"/events", "", bearer(leadToken))
			if !strings.Contains(r.body, "case.participant.denied") || !strings.Contains(r.body, "/cases/"+key) {
				t.Errorf("the participant's refusals on %s are not on record:\n%s", key, r.body)
			}
		}
		// A participant who keeps trying does not grow the log without
		// bound: at most 30 refusals an hour go on record.
		for range 40 {
			do("GET", "/cases/ACME-2", "", vendor)
		}
		recorded := 0
		for _, key := range []string{"ACME-1", "ACME-2"} {
			r := do("GET", "/api/v1/cases/"+key+"/events?limit=200", "", bearer(leadToken))
			recorded += strings.Count(r.body, `"case.participant.denied"`)
		}
		if recorded != 30 {
			t.Errorf("%d refusals of the participant on record, want the first 30", recorded)
		}
		if r := do("GET", "/cases/ACME-404/participant", "", vendor); r.status != http.StatusNotFound {
			t.Errorf("a case that does not exist: %d, want 404", r.status)
		}
		for _, path := range []string{"/search?q=", "/api/v1/search?q="} {
			auth := vendor
			if strings.HasPrefix(path, "/api/") {
				auth = bearer(vendorToken)
			}
			r := do("GET", path+url.QueryEscape("embargoed 7f3a"), "", auth)
			leaks("search as the participant", r.body)
			if strings.Contains(r.body, "ACME-1") {
				t.Errorf("%s finds ACME-1 for the participant", path)
			}
		}

		// Revoked, the participant sees nothing, and the link is dead.
		r = do("DELETE", "/api/v1/cases/ACME-1/participants/"+strconv.FormatInt(created.ID, 10), "", bearer(leadToken))
		if r.status != http.StatusNoContent {
			t.Fatalf("revoke: %d %s", r.status, r.body)
		}
		if r := do("GET", "/cases/ACME-1/participant", "", vendor); r.status != http.StatusNotFound {
			t.Errorf("the participant view after revocation: %d, want 404", r.status)
		}
		if r := do("GET", link, "", nil); r.status != http.StatusNotFound {
			t.Errorf("the link after revocation: %d, want 404", r.status)
		}
		r = do("GET", "/api/v1/cases/ACME-1/participants", "", bearer(leadToken))
		if !strings.Contains(r.body, `"status":"revoked"`) {
			t.Errorf("the list does not show the revocation:\n%s", r.body)
		}
		if r := do("DELETE", "/api/v1/cases/ACME-1/participants/"+strconv.FormatInt(created.ID, 10), "", bearer(leadToken)); r.status != http.StatusNotFound {
			t.Errorf("revoking twice: %d, want 404", r.status)
		}
	})
}

func mustCase(t *testing.T, s *store.Store, key string) *store.Case {
	t.Helper()
	var c *store.Case
	ctx := context.Background()
	if err := s.Read(ctx, func(tx *store.Tx) error {
		var err error
		c, err = tx.CaseByKey(ctx, key, false)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return c
}
