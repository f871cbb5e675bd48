// SPDX-License-Identifier: AGPL-3.0-or-later

package cases_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/projects"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
	"embargo/internal/triage"
	"embargo/internal/validation"
)

type fixture struct {
	cases    *cases.Service
	projects *projects.Service
	store    *store.Store
	actor    *authz.Actor
	project  *store.Project
}

func setup(t testing.TB, s *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	clk := clock.NewFake(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	f := &fixture{store: s, cases: &cases.Service{Store: s, Clock: clk}, projects: &projects.Service{Store: s, Clock: clk}}
	u := &store.User{Email: "lead@example.org", Name: "Lead", CreatedAt: 1, UpdatedAt: 1}
	if err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	f.actor = &authz.Actor{UserID: u.ID, Email: u.Email, Name: u.Name, Via: "test"}
	p, err := f.projects.Create(ctx, f.actor, "acme", projects.Input{Name: ptr("Acme")})
	if err != nil {
		t.Fatal(err)
	}
	f.project = p
	return f
}

func ptr[T any](v T) *T { return &v }

// confirm records what a case needs on record to be accepted, worked on
// and fixed: the decision "confirmed", a severity, an affected product
// and a fix reference.
func confirm(t testing.TB, f *fixture, key string) {
	t.Helper()
	ctx := context.Background()
	if _, err := f.cases.Update(ctx, f.actor, key, cases.Input{Severity: ptr("high")}); err != nil {
		t.Fatal(err)
	}
	in := triage.Input{Decision: triage.DecisionConfirm,
		Affected: []triage.Affected{{Package: triage.Package{Ecosystem: "Go", Name: "example.com/m"},
			Ranges: []triage.Range{{Type: "SEMVER", Events: []triage.Event{{Introduced: "1.0.0"}, {Fixed: "1.4.2"}}}}}},
		Plan: triage.PlanInput{FixRefs: []triage.FixRef{{Type: "commit", URL: "https://git.example/m/commit/abc"}}}}
	if _, err := f.cases.SetTriage(ctx, f.actor, key, in); err != nil {
		t.Fatal(err)
	}
}

func TestCaseLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		c, err := f.cases.Create(ctx, f.actor, f.project, cases.Input{Title: ptr("SQL injection in search"), Description: ptr("Steps…")})
		if err != nil {
			t.Fatal(err)
		}
		if c.Key != "ACME-1" || c.State != cases.StateNew {
			t.Fatalf("created %s in %s, want ACME-1 in new", c.Key, c.State)
		}
		steps := []cases.Transition{
			{To: cases.StateAcknowledged},
			{To: cases.StateTriage},
			{To: cases.StateRejected, Resolution: "not-applicable", Reason: "same as ACME-0"},
			{To: cases.StateTriage, Reason: "not a duplicate after all"},
			{To: cases.StateAccepted},
			{To: cases.StateFixing},
			{To: cases.StateFixReady},
			{To: cases.StateDisclosed},
			{To: cases.StateClosed},
		}
		for _, st := range steps {
			if st.To == cases.StateAccepted {
				confirm(t, f, "ACME-1")
			}
			if c, err = f.cases.Move(ctx, f.actor, "acme-1", st); err != nil {
				t.Fatalf("move to %s: %v", st.To, err)
			}
			if c.State != st.To {
				t.Fatalf("state %s, want %s", c.State, st.To)
			}
		}
		if _, err := f.cases.AddNote(ctx, f.actor, "ACME-1", "Reproduced on 2.4.1"); err != nil {
			t.Fatal(err)
		}
		d, err := f.cases.Get(ctx, "ACME-1", 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Notes) != 1 || d.Notes[0].Body != "Reproduced on 2.4.1" || d.Notes[0].AuthorName != "Lead" {
			t.Errorf("notes = %+v", d.Notes)
		}
		// create + 9 transitions + the triage record, severity and plan + note, newest first.
		if len(d.Events) != 14 || d.Events[0].Action != "note.create" || d.Events[len(d.Events)-1].Action != "case.create" {
			var got []string
			for _, e := range d.Events {
				got = append(got, e.Action)
			}
			t.Errorf("events = %v", got)
		}
		rejected := d.Events[len(d.Events)-4]
		if rejected.Action != "case.transition" || !strings.Contains(string(rejected.After), `"reason":"same as ACME-0"`) ||
			!strings.Contains(string(rejected.After), `"resolution":"not-applicable"`) {
			t.Errorf("rejection event = %s", rejected.After)
		}
	})
}

func TestMoveRefusals(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		if _, err := f.cases.Create(ctx, f.actor, f.project, cases.Input{Title: ptr("t")}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name     string
			tr       cases.Transition
			conflict bool // else a validation error
			field    string
		}{
			{"illegal jump", cases.Transition{To: cases.StateClosed}, true, ""},
			{"unknown state", cases.Transition{To: "wontfix"}, false, "to"},
			{"rejection without resolution", cases.Transition{To: cases.StateRejected, Reason: "x"}, false, "resolution"},
			{"rejection with unknown resolution", cases.Transition{To: cases.StateRejected, Resolution: "meh", Reason: "x"}, false, "resolution"},
			{"rejection without reason", cases.Transition{To: cases.StateRejected, Resolution: "wont-fix"}, false, "reason"},
			{"duplicate without the original", cases.Transition{To: cases.StateRejected, Resolution: "duplicate", Reason: "x"}, false, "resolution"},
			{"spam without the block", cases.Transition{To: cases.StateRejected, Resolution: "spam", Reason: "x"}, false, "resolution"},
			{"not a security issue without telling", cases.Transition{To: cases.StateRejected, Resolution: "not-security", Reason: "x"}, false, "resolution"},
			{"no response by hand", cases.Transition{To: cases.StateRejected, Resolution: "no-response", Reason: "x"}, false, "resolution"},
			{"waiting on the reporter without a question", cases.Transition{To: cases.StateNeedsInfo}, false, "to"},
			{"reason too long", cases.Transition{To: cases.StateAcknowledged, Reason: strings.Repeat("x", cases.MaxReason+1)}, false, "reason"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.cases.Move(ctx, f.actor, "ACME-1", tc.tr)
				var conflict *validation.Conflict
				var invalid *validation.Error
				switch {
				case tc.conflict && !errors.As(err, &conflict):
					t.Fatalf("err = %v, want a Conflict", err)
				case !tc.conflict && !errors.As(err, &invalid):
					t.Fatalf("err = %v, want a validation error", err)
				case !tc.conflict && invalid.Field != tc.field:
					t.Fatalf("field = %q, want %q", invalid.Field, tc.field)
				}
				d, err := f.cases.Get(ctx, "ACME-1", 10)
				if err != nil {
					t.Fatal(err)
				}
				if d.Case.State != cases.StateNew || len(d.Events) != 1 {
					t.Errorf("a refused move changed something: state %s, %d events", d.Case.State, len(d.Events))
				}
			})
		}
		t.Run("reopen needs a reason", func(t *testing.T) {
			if _, err := f.cases.Move(ctx, f.actor, "ACME-1", cases.Transition{To: cases.StateRejected, Resolution: "wont-fix", Reason: "no"}); err != nil {
				t.Fatal(err)
			}
			_, err := f.cases.Move(ctx, f.actor, "ACME-1", cases.Transition{To: cases.StateTriage})
			var invalid *validation.Error
			if !errors.As(err, &invalid) || invalid.Field != "reason" {
				t.Fatalf("reopen without reason: %v", err)
			}
		})
		t.Run("unknown case", func(t *testing.T) {
			_, err := f.cases.Move(ctx, f.actor, "ACME-99", cases.Transition{To: cases.StateTriage})
			var nf *validation.NotFound
			if !errors.As(err, &nf) {
				t.Fatalf("err = %v, want NotFound", err)
			}
		})
	})
}

func TestCreateValidation(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		tests := []struct {
			name  string
			in    cases.Input
			field string
		}{
			{"missing title", cases.Input{}, "title"},
			{"blank title", cases.Input{Title: ptr("   ")}, "title"},
			{"title too long", cases.Input{Title: ptr(strings.Repeat("é", cases.MaxTitle+1))}, "title"},
			{"multi-line title", cases.Input{Title: ptr("a\nb")}, "title"},
			{"bad severity", cases.Input{Title: ptr("t"), Severity: ptr("catastrophic")}, "severity"},
			{"description too long", cases.Input{Title: ptr("t"), Description: ptr(strings.Repeat("x", cases.MaxDescription+1))}, "description"},
			{"control characters", cases.Input{Title: ptr("t\x00")}, "title"},
			{"invalid UTF-8", cases.Input{Title: ptr("t\xff")}, "title"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.cases.Create(ctx, f.actor, f.project, tc.in)
				var invalid *validation.Error
				if !errors.As(err, &invalid) || invalid.Field != tc.field {
					t.Fatalf("err = %v, want a validation error on %s", err, tc.field)
				}
			})
		}
		// No refused create consumed a case number.
		c, err := f.cases.Create(ctx, f.actor, f.project, cases.Input{Title: ptr("ok")})
		if err != nil {
			t.Fatal(err)
		}
		if c.Key != "ACME-1" {
			t.Errorf("first accepted case is %s, want ACME-1", c.Key)
		}
	})
}

func TestConcurrentCreatesGetDistinctKeys(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		const workers, each = 6, 5
		var wg sync.WaitGroup
		keys := make(chan string, workers*each)
		errs := make(chan error, workers*each)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					c, err := f.cases.Create(ctx, f.actor, f.project, cases.Input{Title: ptr("concurrent")})
					if err != nil {
						errs <- err
						return
					}
					keys <- c.Key
				}
			}()
		}
		wg.Wait()
		close(keys)
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for k := range keys {
			if seen[k] {
				t.Fatalf("key %s issued twice", k)
			}
			seen[k] = true
		}
		for i := 1; i <= workers*each; i++ {
			if k := cases.Key("acme", int64(i)); !seen[k] {
				t.Errorf("missing %s: numbers must be 1..%d without gaps", k, workers*each)
			}
		}
	})
}

func TestAssign(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		viewer := &store.User{Email: "viewer@example.org", Name: "V", CreatedAt: 1, UpdatedAt: 1}
		stranger := &store.User{Email: "stranger@example.org", Name: "S", CreatedAt: 1, UpdatedAt: 1}
		err := s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.CreateUser(ctx, viewer); err != nil {
				return err
			}
			if err := tx.CreateUser(ctx, stranger); err != nil {
				return err
			}
			return tx.SetMember(ctx, &store.Member{ProjectID: f.project.ID, UserID: viewer.ID, Role: "viewer", CreatedAt: 1})
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.cases.Create(ctx, f.actor, f.project, cases.Input{Title: ptr("t")}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.cases.Assign(ctx, f.actor, "ACME-1", cases.Assignment{CoordinatorID: f.actor.UserID, AssigneeIDs: []int64{f.actor.UserID, f.actor.UserID}}); err != nil {
			t.Fatal(err)
		}
		d, _ := f.cases.Get(ctx, "ACME-1", 10)
		if d.Case.CoordinatorID != f.actor.UserID || len(d.Assignees) != 1 {
			t.Errorf("coordinator %d, assignees %v", d.Case.CoordinatorID, d.Assignees)
		}
		for name, a := range map[string]cases.Assignment{
			"viewer as assignee":      {AssigneeIDs: []int64{viewer.ID}},
			"stranger as coordinator": {CoordinatorID: stranger.ID},
		} {
			var invalid *validation.Error
			if _, err := f.cases.Assign(ctx, f.actor, "ACME-1", a); !errors.As(err, &invalid) {
				t.Errorf("%s: err = %v, want validation error", name, err)
			}
		}
		mine, _, err := f.cases.List(ctx, store.CaseFilter{ProjectID: f.project.ID, AssigneeID: f.actor.UserID})
		if err != nil || len(mine) != 1 {
			t.Errorf("assigned-to-me list = %d cases, %v", len(mine), err)
		}
	})
}

func TestMoveNeedsTriageOnRecord(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		c, err := f.cases.Create(ctx, f.actor, f.project, cases.Input{Title: ptr("t")})
		if err != nil {
			t.Fatal(err)
		}
		move := func(to string) error {
			_, err := f.cases.Move(ctx, f.actor, c.Key, cases.Transition{To: to})
			return err
		}
		refused := func(to, field, says string) {
			t.Helper()
			before, err := f.cases.Get(ctx, c.Key, 100)
			if err != nil {
				t.Fatal(err)
			}
			err = move(to)
			var invalid *validation.Error
			if !errors.As(err, &invalid) || invalid.Field != field || !strings.Contains(invalid.Message, says) {
				t.Fatalf("move to %s: %v, want a refusal on %s saying %q", to, err, field, says)
			}
			after, err := f.cases.Get(ctx, c.Key, 100)
			if err != nil {
				t.Fatal(err)
			}
			if after.Case.State != before.Case.State || len(after.Events) != len(before.Events) {
				t.Errorf("a refused move changed the case: %s → %s, %d → %d events", before.Case.State,
					after.Case.State, len(before.Events), len(after.Events))
			}
		}
		set := func(in triage.Input) {
			t.Helper()
			if _, err := f.cases.SetTriage(ctx, f.actor, c.Key, in); err != nil {
				t.Fatal(err)
			}
		}
		if err := move(cases.StateTriage); err != nil {
			t.Fatal(err)
		}
		refused(cases.StateAccepted, "triage.decision", `"confirmed"`)
		set(triage.Input{Decision: triage.DecisionRejected, DecisionReason: "works as designed"})
		refused(cases.StateAccepted, "triage.decision", `"confirmed"`)
		set(triage.Input{Decision: triage.DecisionConfirm})
		if err := move(cases.StateAccepted); err != nil {
			t.Fatal(err)
		}
		refused(cases.StateFixing, "cvss_vector", "affected product") // both gaps named, the first as the field
		if _, err := f.cases.SetCVSS(ctx, f.actor, c.Key, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"); err != nil {
			t.Fatal(err)
		}
		refused(cases.StateFixing, "triage.affected", "affected product")
		affected := []triage.Affected{{Package: triage.Package{Ecosystem: "npm", Name: "left-pad"}, Versions: []string{"1.0.0"}}}
		set(triage.Input{Decision: triage.DecisionConfirm, Affected: affected})
		if err := move(cases.StateFixing); err != nil {
			t.Fatal(err)
		}
		refused(cases.StateFixReady, "plan.fix_references", "remediation plan")
		set(triage.Input{Decision: triage.DecisionConfirm, Affected: affected,
			Plan: triage.PlanInput{FixRefs: []triage.FixRef{{Type: "url", URL: "https://example.org/fix"}}}})
		if err := move(cases.StateFixReady); err != nil {
			t.Fatal(err)
		}
	})
}
