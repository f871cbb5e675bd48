// SPDX-License-Identifier: AGPL-3.0-or-later

package app_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
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
)

// TestBulkChecksEachCaseByRole complements TestEveryRouteEveryRole for
// the bulk route, which every member may reach: what it may change is
// decided case by case with the single action's permission. For each
// role it labels ACME-1 through the API and checks that the label lands
// exactly when the policy lets that role edit the case, and that a
// stranger learns nothing.
func TestBulkChecksEachCaseByRole(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clk := clock.NewFake(time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC))
		a := app.Build(&config.Config{Addr: "127.0.0.1:0", BaseURL: "http://example.test", ShutdownTimeout: time.Second},
			s, slog.New(slog.DiscardHandler), clk)
		now := clock.Millis(clk.Now())
		users := map[string]*store.User{}
		for _, name := range []string{"instance admin", "project admin", "responder", "viewer", "outsider"} {
			u := &store.User{Email: strings.ReplaceAll(name, " ", "-") + "@example.org", Name: name,
				IsAdmin: name == "instance admin", CreatedAt: now, UpdatedAt: now}
			if err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
				t.Fatal(err)
			}
			users[name] = u
		}
		lead := &authz.Actor{UserID: users["project admin"].ID, Email: users["project admin"].Email, Via: "test"}
		acme, err := a.Projects.Create(ctx, lead, "acme", projects.Input{Name: ptr("Acme")})
		if err != nil {
			t.Fatal(err)
		}
		err = s.Write(ctx, func(tx *store.Tx) error {
			for _, m := range []struct {
				name, role string
			}{{"responder", "responder"}, {"viewer", "viewer"}} {
				if err := tx.SetMember(ctx, &store.Member{ProjectID: acme.ID, UserID: users[m.name].ID, Role: m.role, CreatedAt: now}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Cases.Create(ctx, lead, acme, cases.Input{Title: ptr(secretTitle)}); err != nil {
			t.Fatal(err)
		}

		for name, u := range users {
			token, _, err := a.Accounts.CreateToken(ctx, &authz.Actor{Via: "test"}, u.Email, "bulk test")
			if err != nil {
				t.Fatal(err)
			}
			actor, err := a.Accounts.TokenActor(ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			label := strings.ReplaceAll(name, " ", "-")
			body := `{"keys":["ACME-1"],"action":"label","label":"` + label + `"}`
			req := httptest.NewRequest("POST", "/api/v1/projects/acme/cases/bulk", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			a.Handler.ServeHTTP(rec, req)

			reaches := authz.Can(actor, authz.ActionCaseList, authz.Resource{Kind: authz.KindProject, ProjectID: acme.ID}) == nil
			edits := authz.Can(actor, authz.ActionCaseEdit, authz.Resource{Kind: authz.KindCase, ProjectID: acme.ID, CaseID: 1}) == nil
			switch {
			case !reaches:
				// Outsiders get 404; an instance admin who is no member, 403.
				if rec.Code != http.StatusNotFound && rec.Code != http.StatusForbidden || strings.Contains(rec.Body.String(), secretTitle) {
					t.Errorf("%s: status %d, want a refusal without content", name, rec.Code)
				}
			default:
				var out struct {
					Results []struct {
						Key string
						OK  bool
					}
				}
				if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &out) != nil || len(out.Results) != 1 {
					t.Fatalf("%s: status %d: %s", name, rec.Code, rec.Body)
				}
				if out.Results[0].OK != edits {
					t.Errorf("%s: bulk label ok = %v, but the policy says may edit = %v", name, out.Results[0].OK, edits)
				}
			}
			labels, err := a.Cases.Labels(ctx, []int64{1})
			if err != nil {
				t.Fatal(err)
			}
			has := false
			for _, l := range labels[1] {
				has = has || l == label
			}
			if has != edits {
				t.Errorf("%s: ACME-1 has the label = %v, want %v", name, has, edits)
			}
		}
	})
}
