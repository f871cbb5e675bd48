// SPDX-License-Identifier: AGPL-3.0-or-later

package app_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"embargo/internal/app"
	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/config"
	"embargo/internal/intake"
	"embargo/internal/projects"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
	"embargo/internal/web"
)

// Text that only people allowed to read ACME-1 may ever receive.
const (
	secretTitle = "Embargoed-heap-overflow-7f3a"
	secretNote  = "Internal-note-payload-91bc"
)

type role struct {
	name    string
	session string // cookie secret for the UI
	token   string // bearer token for the API
}

// TestEveryRouteEveryRole walks every registered route of the UI and the
// API as every role and fails when a role the policy denies gets anything
// but a refusal, when a refusal leaks embargoed text, or when a role the
// policy allows is refused.
func TestEveryRouteEveryRole(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clk := clock.NewFake(time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC))
		cfg := &config.Config{Addr: "127.0.0.1:0", BaseURL: "http://example.test", ShutdownTimeout: time.Second}
		a := app.Build(cfg, s, slog.New(slog.DiscardHandler), clk)
		now := clock.Millis(clk.Now())

		mkUser := func(email string, admin bool) *store.User {
			u := &store.User{Email: email, Name: email, IsAdmin: admin, CreatedAt: now, UpdatedAt: now}
			if err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
				t.Fatal(err)
			}
			return u
		}
		instAdmin := mkUser("instance@example.org", true)
		lead := mkUser("lead@example.org", false)
		responder := mkUser("responder@example.org", false)
		viewer := mkUser("viewer@example.org", false)
		outsider := mkUser("outsider@example.org", false)
		submitter := mkUser("submitter@example.org", false)

		leadActor := &authz.Actor{UserID: lead.ID, Email: lead.Email, Name: lead.Name, Via: "test"}
		acme, err := a.Projects.Create(ctx, leadActor, "acme", projects.Input{Name: ptr("Acme")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Projects.Create(ctx, &authz.Actor{UserID: outsider.ID, Email: outsider.Email, Via: "test"}, "other", projects.Input{Name: ptr("Other")}); err != nil {
			t.Fatal(err)
		}
		err = s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.SetMember(ctx, &store.Member{ProjectID: acme.ID, UserID: responder.ID, Role: "responder", CreatedAt: now}); err != nil {
				return err
			}
			return tx.SetMember(ctx, &store.Member{ProjectID: acme.ID, UserID: viewer.ID, Role: "viewer", CreatedAt: now})
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Cases.Create(ctx, leadActor, acme, cases.Input{Title: ptr(secretTitle), Description: ptr("details")}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Cases.AddNote(ctx, leadActor, "ACME-1", secretNote); err != nil {
			t.Fatal(err)
		}
		// ACME-2 came from a report: its reporter holds a link to it, and
		// to nothing else.
		receipt, err := a.Intake.Submit(ctx, acme, intake.Report{Title: "Reported issue", Description: "from outside"})
		if err != nil {
			t.Fatal(err)
		}
		reporterActor := &authz.Actor{Via: "reporter", ReporterCaseID: receipt.Case.ID}
		// ACME-3 was reported by a signed-in user with no role anywhere:
		// they may follow it from their account, and do nothing else.
		submitted, err := a.Intake.Submit(ctx, acme, intake.Report{Title: "Reported from an account", Description: "mine",
			SubmitterID: submitter.ID})
		if err != nil {
			t.Fatal(err)
		}

		// A vendor accepted the embargo terms of ACME-1: they may see what
		// was shared with them there, and nothing else anywhere.
		participant := mkUser("vendor@example.net", false)
		_, link, err := a.Cases.InviteParticipant(ctx, leadActor, "ACME-1", cases.Invitee{Email: participant.Email,
			Organization: "Vendor", Role: cases.ParticipantVendor, Summary: "shared-summary-55e1"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Cases.AcceptParticipation(ctx, &authz.Actor{UserID: participant.ID, Email: participant.Email, Via: "test"}, link, nil); err != nil {
			t.Fatal(err)
		}

		// Credentials are written straight to the store: a fresh session per
		// request keeps routes such as sign-out from affecting later checks.
		newSession := func(u *store.User) string {
			secret, _ := authz.NewSecret("")
			err := s.Write(ctx, func(tx *store.Tx) error {
				return tx.CreateSession(ctx, &store.Session{IDHash: authz.HashSecret(secret), UserID: u.ID,
					CreatedAt: now, LastSeenAt: now, ExpiresAt: now + int64(time.Hour/time.Millisecond)})
			})
			if err != nil {
				t.Fatal(err)
			}
			return secret
		}
		newToken := func(u *store.User) string {
			plain, _, err := a.Accounts.CreateToken(ctx, &authz.Actor{Via: "test"}, u.Email, "route test")
			if err != nil {
				t.Fatal(err)
			}
			return plain
		}
		users := map[string]*store.User{"instance admin": instAdmin, "project admin": lead,
			"responder": responder, "viewer": viewer, "outsider": outsider, "submitter": submitter, "participant": participant}
		roles := []string{"public", "outsider", "instance admin", "viewer", "responder", "project admin", "reporter", "submitter", "participant"}
		tokens := map[string]string{}
		for name, u := range users {
			tokens[name] = newToken(u)
		}

		actorFor := func(name string) *authz.Actor {
			if name == "public" {
				return authz.Anonymous
			}
			if name == "reporter" {
				return reporterActor
			}
			act, err := a.Accounts.TokenActor(ctx, tokens[name])
			if err != nil {
				t.Fatal(err)
			}
			return act
		}
		acmeRes := authz.Resource{Kind: authz.KindProject, ProjectID: acme.ID}
		caseRes := authz.Resource{Kind: authz.KindCase, ProjectID: acme.ID, CaseID: 1}

		wildcard := regexp.MustCompile(`\{([a-z_]+)(\.\.\.)?\}`)
		// Only the reporter holds the reporter link; everyone else tries one
		// that does not exist. The reporter and the submitter try team
		// routes on their own case, which they still may not use; everyone
		// else tries the submitter's routes on ACME-1, which nobody sent
		// from an account.
		fill := func(pattern, role string) string {
			p := strings.TrimSuffix(pattern, "{$}")
			return wildcard.ReplaceAllStringFunc(p, func(w string) string {
				switch name := wildcard.FindStringSubmatch(w)[1]; name {
				case "slug":
					return "acme"
				case "key":
					switch role {
					case "reporter":
						return receipt.Case.Key
					case "submitter":
						return submitted.Case.Key
					}
					return "ACME-1"
				case "token":
					if role == "reporter" {
						return receipt.Token
					}
					return authz.ReporterLinkPrefix + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
				case "file":
					return "nonexistent.css"
				default:
					// Sub-resources that do not exist: an allowed request
					// answers 404 or 4xx and changes nothing.
					return "999999"
				}
			})
		}

		// Before the walk below changes ACME-1 (it may be marked spam):
		// search, the instance-wide page and endpoint and a project's list,
		// finds ACME-1 by its title and its note for exactly the roles that
		// may read it. Everyone else gets the answer a search for nothing
		// gets (or a refusal): no title, no count, no sign that it exists.
		searches := []string{"/search?q=", "/api/v1/search?q=", "/projects/acme?q=", "/api/v1/projects/acme/cases?q="}
		terms := []string{"embargoed 7f3a", "payload 91bc"}
		const nothing = "nonexistentword"
		get := func(path, name string) (int, string) {
			req := httptest.NewRequest("GET", path, nil)
			if name != "public" && name != "reporter" {
				if strings.HasPrefix(path, "/api/") {
					req.Header.Set("Authorization", "Bearer "+tokens[name])
				} else {
					req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: newSession(users[name])})
				}
			}
			rec := httptest.NewRecorder()
			a.Handler.ServeHTTP(rec, req)
			return rec.Code, rec.Body.String()
		}
		for _, base := range searches {
			for _, name := range roles {
				mayRead := authz.Can(actorFor(name), authz.ActionCaseView, caseRes) == nil
				for _, term := range terms {
					where := "GET " + base + term + " as " + name
					status, body := get(base+url.QueryEscape(term), name)
					found := strings.Contains(body, "ACME-1") && strings.Contains(body, secretTitle)
					switch {
					case mayRead && (status != http.StatusOK || !found):
						t.Errorf("%s: %d, found ACME-1 = %v; this role may read it\n%s", where, status, found, body)
					case !mayRead && (strings.Contains(body, secretTitle) || strings.Contains(body, secretNote)):
						t.Errorf("%s: leaked ACME-1's content", where)
					case !mayRead && status == http.StatusOK:
						// The same page as a search that matches nothing,
						// but for the words searched for.
						_, none := get(base+url.QueryEscape(nothing), name)
						if strings.ReplaceAll(body, html.EscapeString(term), nothing) != none &&
							strings.ReplaceAll(body, url.QueryEscape(term), nothing) != none {
							t.Errorf("%s: the answer differs from a search that matches nothing:\n%s\n---\n%s", where, body, none)
						}
					}
				}
			}
		}

		routes := 0
		for _, rt := range a.Routers {
			for _, r := range rt.Routes() {
				routes++
				if !authz.Known(r.Action) {
					t.Errorf("%s %s: action %q has no policy entry", r.Method, r.Pattern, r.Action)
					continue
				}
				res := authz.Instance
				switch authz.ResourceKindOf(r.Action) {
				case authz.KindProject:
					res = acmeRes
				case authz.KindCase:
					res = caseRes
				}
				isAPI := strings.HasPrefix(r.Pattern, "/api/")
				for _, name := range roles {
					res := res
					if name == "reporter" && res.Kind == authz.KindCase {
						res.CaseID = receipt.Case.ID
					}
					if name == "submitter" && res.Kind == authz.KindCase {
						res.CaseID, res.SubmitterID = submitted.Case.ID, submitter.ID
					}
					if name == "participant" && res.Kind == authz.KindCase {
						res.ParticipantUserID = participant.ID
					}
					allowed := authz.Can(actorFor(name), r.Action, res) == nil
					var body io.Reader
					if r.Method != "GET" && r.Method != "HEAD" {
						if isAPI {
							body = strings.NewReader("{}")
						} else {
							body = strings.NewReader("")
						}
					}
					req := httptest.NewRequest(r.Method, fill(r.Pattern, name), body)
					if isAPI {
						req.Header.Set("Content-Type", "application/json")
						if name != "public" && name != "reporter" {
							req.Header.Set("Authorization", "Bearer "+tokens[name])
						}
					} else {
						req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
						if name != "public" && name != "reporter" {
							req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: newSession(users[name])})
						}
					}
					rec := httptest.NewRecorder()
					a.Handler.ServeHTTP(rec, req)
					unarchive(t, s, "acme")
					status := rec.Code
					loc := rec.Header().Get("Location")
					refused := status == http.StatusUnauthorized || status == http.StatusForbidden ||
						status == http.StatusNotFound || (status == http.StatusSeeOther && strings.HasPrefix(loc, "/login"))
					where := r.Method + " " + r.Pattern + " as " + name
					if !allowed && !refused {
						t.Errorf("%s: policy denies %s, but the response was %d", where, r.Action, status)
					}
					if allowed && (status == http.StatusUnauthorized || status == http.StatusForbidden ||
						(status == http.StatusSeeOther && strings.HasPrefix(loc, "/login"))) {
						t.Errorf("%s: policy allows %s, but the response was %d %s", where, r.Action, status, loc)
					}
					if b := rec.Body.String(); !allowed && (strings.Contains(b, secretTitle) || strings.Contains(b, secretNote)) {
						t.Errorf("%s: a refusal leaked embargoed text", where)
					}
					if authz.Can(actorFor(name), authz.ActionCaseView, caseRes) != nil {
						if b := rec.Body.String(); strings.Contains(b, secretTitle) || strings.Contains(b, secretNote) {
							t.Errorf("%s: %s may not read ACME-1 but received its content", where, name)
						}
					}
				}
			}
		}
		if routes < 2 {
			t.Fatalf("only %d routes registered", routes)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// unarchive undoes an allowed archive request so that every route is
// checked against the same, writable project.
func unarchive(t *testing.T, s *store.Store, slug string) {
	ctx := context.Background()
	err := s.Write(ctx, func(tx *store.Tx) error {
		p, err := tx.ProjectBySlug(ctx, slug)
		if err != nil || p.ArchivedAt == 0 {
			return err
		}
		p.ArchivedAt = 0
		return tx.UpdateProject(ctx, p)
	})
	if err != nil {
		t.Fatal(err)
	}
}
