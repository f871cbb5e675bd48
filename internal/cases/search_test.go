// SPDX-License-Identifier: AGPL-3.0-or-later

package cases_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/projects"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
	"embargo/internal/validation"
)

func term(text string) store.SearchTerm   { return store.SearchTerm{Text: text} }
func prefix(text string) store.SearchTerm { return store.SearchTerm{Text: text, Prefix: true} }

func TestParseQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    store.TextQuery
		wantErr string
	}{
		{in: "heap overflow", want: store.TextQuery{All: [][]store.SearchTerm{{term("heap")}, {term("overflow")}}}},
		{in: `"use after free" parser`, want: store.TextQuery{All: [][]store.SearchTerm{{term("use after free")}, {term("parser")}}}},
		{in: "pars*", want: store.TextQuery{All: [][]store.SearchTerm{{prefix("pars")}}}},
		{in: `"heap ov"*`, want: store.TextQuery{All: [][]store.SearchTerm{{prefix("heap ov")}}}},
		{in: "a*", want: store.TextQuery{All: [][]store.SearchTerm{{term("a")}}}},
		{in: "parser OR lexer crash", want: store.TextQuery{All: [][]store.SearchTerm{{term("parser"), term("lexer")}, {term("crash")}}}},
		{in: "heap -png NOT gif", want: store.TextQuery{All: [][]store.SearchTerm{{term("heap")}},
			Exclude: []store.SearchTerm{term("png"), term("gif")}}},
		{in: `heap -"image decoder"`, want: store.TextQuery{All: [][]store.SearchTerm{{term("heap")}},
			Exclude: []store.SearchTerm{term("image decoder")}}},
		{in: "heap AND png", want: store.TextQuery{All: [][]store.SearchTerm{{term("heap")}, {term("png")}}}},
		{in: "OR heap", want: store.TextQuery{All: [][]store.SearchTerm{{term("heap")}}}},
		{in: "heap or png", want: store.TextQuery{All: [][]store.SearchTerm{{term("heap")}, {term("or")}, {term("png")}}}},
		{in: `"unterminated phrase`, want: store.TextQuery{All: [][]store.SearchTerm{{term("unterminated phrase")}}}},
		{in: "ACME-12", want: store.TextQuery{All: [][]store.SearchTerm{{term("ACME-12")}}}},
		{in: "a - b", want: store.TextQuery{All: [][]store.SearchTerm{{term("a")}, {term("b")}}}},
		{in: "heap\x00png\x07", want: store.TextQuery{All: [][]store.SearchTerm{{term("heap")}, {term("png")}}}},
		{in: "", wantErr: "no word"},
		{in: `"`, wantErr: "no word"},
		{in: "*", wantErr: "no word"},
		{in: ")(", wantErr: "no word"},
		{in: "AND OR NOT", wantErr: "no word"},
		{in: "-heap", wantErr: "not only words to leave out"},
		{in: strings.Repeat("x", cases.MaxQuery+1), wantErr: "longer than"},
		{in: strings.Repeat("w ", cases.MaxQueryTerms+1), wantErr: "more than"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := cases.ParseQuery(tc.in)
			if tc.wantErr != "" {
				var verr *validation.Error
				if !errors.As(err, &verr) || verr.Field != "q" || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseQuery(%q) error = %v, want a validation error on q containing %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseQuery(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

// FuzzParseQuery: whatever a user types is either refused with a
// validation error on q or becomes a query both engines run without error
// (the fuzzing runs it on SQLite; PostgreSQL gets the seed corpus in
// TestSearchHostileQueries).
func FuzzParseQuery(f *testing.F) {
	for _, seed := range hostileQueries {
		f.Add(seed)
	}
	s := storetest.Open(f, storetest.SQLiteDSN(f))
	fx := setup(f, s)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, in string) {
		q, err := cases.ParseQuery(in)
		if err != nil {
			var verr *validation.Error
			if !errors.As(err, &verr) || verr.Field != "q" {
				t.Fatalf("ParseQuery(%q): %v is not a validation error on q", in, err)
			}
			return
		}
		n := len(q.Exclude)
		for _, g := range q.All {
			n += len(g)
			for _, tm := range g {
				if !store.Searchable(tm.Text) || !utf8.ValidString(tm.Text) || strings.ContainsRune(tm.Text, 0) {
					t.Fatalf("ParseQuery(%q) kept the term %q", in, tm.Text)
				}
			}
		}
		if len(q.All) == 0 || n > cases.MaxQueryTerms {
			t.Fatalf("ParseQuery(%q) = %+v", in, q)
		}
		err = s.Read(ctx, func(tx *store.Tx) error {
			_, _, err := tx.SearchCases(ctx, store.SearchFilter{CaseFilter: store.CaseFilter{ProjectID: fx.project.ID}, Text: q})
			return err
		})
		if err != nil {
			t.Fatalf("search for %q: %v", in, err)
		}
	})
}

var hostileQueries = []string{
	`"`, `""`, `*`, `**`, `)(`, `(`, `AND OR NOT`, `NOT`, `-`, `--`, `-"`, `"a"*b`, `heap*png`, `NEAR(heap png)`,
	`title:heap`, `{scope}:p1`, `^heap`, "heap\x00png", "\xff\xfe", `'`, `\`, `''; DROP TABLE cases; --`,
	`&|!<->:*`, `a:*B`, `"a" OR OR "b"`, `x -y -"z w"* OR`, `p1`, `ACME-1`, `日本語 テスト*`, `café* naïve`,
	`٣٤٥`, `🔥 fire`, "a\u0301*", strings.Repeat("heap ", 40), strings.Repeat("x", 10000),
}

// TestSearchHostileQueries runs every hostile query through the service
// on both engines: each is refused as bad input or answered, never failed.
func TestSearchHostileQueries(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		if _, err := f.cases.Create(ctx, f.actor, f.project, cases.Input{Title: ptr("Heap overflow in café parser")}); err != nil {
			t.Fatal(err)
		}
		for _, q := range hostileQueries {
			_, err := f.cases.Search(ctx, store.CaseFilter{ProjectID: f.project.ID, Query: q})
			var verr *validation.Error
			if err != nil && !errors.As(err, &verr) {
				t.Errorf("search for %q: %v", q, err)
			}
		}
		res, err := f.cases.Search(ctx, store.CaseFilter{ProjectID: f.project.ID, Query: "caf* HEAP"})
		if err != nil || len(res.Hits) != 1 {
			t.Errorf("prefix and case folded: %d hits, %v", len(res.Hits), err)
		}
	})
}

// TestSearchEverywhere: a member finds the cases of their projects only;
// a project requiring two-factor is left out for a session without it;
// an instance admin who is not a member and the public find nothing.
func TestSearchEverywhere(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		mine, err := f.cases.Create(ctx, f.actor, f.project, cases.Input{Title: ptr("Wombat in acme")})
		if err != nil {
			t.Fatal(err)
		}
		u := &store.User{Email: "other@example.org", Name: "Other", CreatedAt: 1, UpdatedAt: 1}
		admin := &store.User{Email: "admin@example.org", Name: "Admin", IsAdmin: true, CreatedAt: 1, UpdatedAt: 1}
		if err := s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			return tx.CreateUser(ctx, admin)
		}); err != nil {
			t.Fatal(err)
		}
		otherLead := &authz.Actor{UserID: u.ID, Email: u.Email, Via: "test"}
		other, err := f.projects.Create(ctx, otherLead, "other", projects.Input{Name: ptr("Other")})
		if err != nil {
			t.Fatal(err)
		}
		otherLead.Roles = map[int64]authz.Role{other.ID: authz.RoleAdmin}
		theirs, err := f.cases.Create(ctx, otherLead, other, cases.Input{Title: ptr("Wombat in other")})
		if err != nil {
			t.Fatal(err)
		}
		keys := func(a *authz.Actor) []string {
			t.Helper()
			res, err := f.cases.SearchEverywhere(ctx, a, store.CaseFilter{Query: "wombat"})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, h := range res.Hits {
				out = append(out, h.Case.Key)
			}
			return out
		}
		lead := &authz.Actor{UserID: f.actor.UserID, Email: f.actor.Email, Via: "test",
			Roles: map[int64]authz.Role{f.project.ID: authz.RoleAdmin}}
		if diff := cmp.Diff([]string{mine.Key}, keys(lead)); diff != "" {
			t.Errorf("acme's lead (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{theirs.Key}, keys(otherLead)); diff != "" {
			t.Errorf("other's lead (-want +got):\n%s", diff)
		}
		// Roles come from the credential: a membership the actor does not
		// carry (a stale session) does not widen the search.
		if got := keys(&authz.Actor{UserID: f.actor.UserID, Email: f.actor.Email, Via: "test"}); got != nil {
			t.Errorf("an actor without roles found %v", got)
		}
		if got := keys(&authz.Actor{UserID: admin.ID, Email: admin.Email, InstanceAdmin: true, Via: "test"}); got != nil {
			t.Errorf("an instance admin who is no member found %v", got)
		}
		if got := keys(authz.Anonymous); got != nil {
			t.Errorf("the public found %v", got)
		}
		// A project that requires two-factor is searched only with it.
		p := *f.project
		p.RequireMFA = true
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.UpdateProject(ctx, &p) }); err != nil {
			t.Fatal(err)
		}
		if got := keys(lead); got != nil {
			t.Errorf("without two-factor, found %v in a project that requires it", got)
		}
		lead.MFA = true
		if diff := cmp.Diff([]string{mine.Key}, keys(lead)); diff != "" {
			t.Errorf("with two-factor (-want +got):\n%s", diff)
		}
	})
}
