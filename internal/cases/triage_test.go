// SPDX-License-Identifier: AGPL-3.0-or-later

package cases_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
	"embargo/internal/triage"
	"embargo/internal/validation"
)

// caseActions returns the actions of a case's audit events, oldest first.
func caseActions(t *testing.T, f *fixture, caseID int64) []string {
	t.Helper()
	evs, err := f.cases.Events(context.Background(), caseID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(evs))
	for i := len(evs) - 1; i >= 0; i-- {
		out = append(out, evs[i].Action)
	}
	return out
}

func TestTriageRecord(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		clk := f.cases.Clock.(*clock.Fake)
		c, err := f.cases.Create(ctx, f.actor, f.project, cases.Input{Title: ptr("Heap overflow"), Severity: ptr("high")})
		if err != nil {
			t.Fatal(err)
		}

		got, err := f.cases.TriageOf(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if got.Record.ReproStatus != triage.NotTried || got.Priority.Value != "P2" || got.Source != triage.SourceDerived || got.DueDate != "" {
			t.Errorf("untriaged case: %+v", got)
		}

		in := triage.Input{ReproductionStatus: triage.Reproduced, Environment: "Debian 12, amd64", Steps: "1. send\n2. crash",
			Decision: triage.DecisionConfirm, Gain: "remote code execution", Exploitation: triage.ExploitKnown,
			Affected: []triage.Affected{{Package: triage.Package{Ecosystem: "Go", Name: "example.com/m"},
				Ranges: []triage.Range{{Type: "SEMVER", Events: []triage.Event{{Introduced: "1.0.0"}, {Fixed: "1.4.2"}}}}}},
			Plan: triage.PlanInput{TargetRelease: "1.4.2", OwnerID: f.actor.UserID,
				FixRefs: []triage.FixRef{{Type: "pull_request", URL: "https://git.example/m/pull/9"}}}}
		clk.Advance(90 * time.Minute) // 2026-03-01 10:30 UTC
		got, err = f.cases.SetTriage(ctx, f.actor, c.Key, in)
		if err != nil {
			t.Fatal(err)
		}
		at := clock.Millis(clk.Now())
		if got.Record.ReproBy != f.actor.UserID || got.Record.ReproAt != at || got.Record.DecidedBy != f.actor.UserID || got.Record.DecidedAt != at {
			t.Errorf("who and when not recorded: %+v", got.Record)
		}
		// high + known exploited = P1; high's fix target is 30 days from the confirmation.
		if got.Priority.Value != "P1" || got.Source != triage.SourceDerived {
			t.Errorf("priority %s (%s), want P1 derived", got.Priority.Value, got.Source)
		}
		if got.DueDate != "2026-03-31" || got.DueSource != cases.DuePolicy {
			t.Errorf("due %s (%s), want 2026-03-31 from policy", got.DueDate, got.DueSource)
		}
		if diff := cmp.Diff(in.Affected, got.Affected); diff != "" {
			t.Errorf("affected (-want +got):\n%s", diff)
		}

		// The same record again changes nothing and records nothing.
		before := caseActions(t, f, c.ID)
		if _, err := f.cases.SetTriage(ctx, f.actor, c.Key, in); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(before, caseActions(t, f, c.ID)); diff != "" {
			t.Errorf("an unchanged record wrote events (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"case.create", "case.triage", "case.plan"}, before); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}

		// An override wins over the derived priority and is kept with who and when.
		in.Override = &triage.Override{Priority: "P3", Reason: "only reachable from the admin network"}
		if got, err = f.cases.SetTriage(ctx, f.actor, c.Key, in); err != nil {
			t.Fatal(err)
		}
		if got.Priority.Value != "P3" || got.Source != triage.SourceOverride || got.Derived != "P1" ||
			got.Override == nil || got.Override.SetBy != f.actor.UserID || got.Override.SetByName != "Lead" {
			t.Errorf("override: %+v %+v", got.Priority, got.Override)
		}
		prios, err := f.cases.Priorities(ctx, []*store.Case{c})
		if err != nil {
			t.Fatal(err)
		}
		if p := prios[c.ID]; p.Value != "P3" || p.Source != triage.SourceOverride {
			t.Errorf("Priorities: %+v", p)
		}

		// A manual due date wins; one in the past is refused, but one that
		// has passed since it was set may stay while the rest changes.
		in.Plan.DueDate = "2026-03-10"
		if got, err = f.cases.SetTriage(ctx, f.actor, c.Key, in); err != nil {
			t.Fatal(err)
		}
		if got.DueDate != "2026-03-10" || got.DueSource != cases.DueManual {
			t.Errorf("due %s (%s), want the manual 2026-03-10", got.DueDate, got.DueSource)
		}
		clk.Advance(30 * 24 * time.Hour)
		in.Notes = "still on it"
		if _, err := f.cases.SetTriage(ctx, f.actor, c.Key, in); err != nil {
			t.Errorf("keeping a passed due date: %v", err)
		}
		in.Plan.DueDate = "2026-03-11"
		expectInvalid(t, f, c, in, "plan.due_date")

		if diff := cmp.Diff([]string{"case.create", "case.triage", "case.plan", "case.priority", "case.plan", "case.triage"},
			caseActions(t, f, c.ID)); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}

// expectInvalid checks that in is refused naming field and that nothing
// was recorded.
func expectInvalid(t *testing.T, f *fixture, c *store.Case, in triage.Input, field string) {
	t.Helper()
	before := caseActions(t, f, c.ID)
	_, err := f.cases.SetTriage(context.Background(), f.actor, c.Key, in)
	var v *validation.Error
	if !errors.As(err, &v) || v.Field != field {
		t.Errorf("SetTriage: %v, want a validation error on %s", err, field)
	}
	if diff := cmp.Diff(before, caseActions(t, f, c.ID)); diff != "" {
		t.Errorf("a refused record wrote events (-want +got):\n%s", diff)
	}
}

func TestTriageRefusals(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		c, err := f.cases.Create(ctx, f.actor, f.project, cases.Input{Title: ptr("XSS")})
		if err != nil {
			t.Fatal(err)
		}
		outsider := &store.User{Email: "out@example.org", Name: "Out", CreatedAt: 1, UpdatedAt: 1}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, outsider) }); err != nil {
			t.Fatal(err)
		}
		semver := func(events ...triage.Event) []triage.Affected {
			return []triage.Affected{{Package: triage.Package{Ecosystem: "npm", Name: "x"},
				Ranges: []triage.Range{{Type: "SEMVER", Events: events}}}}
		}
		tests := []struct {
			name  string
			in    triage.Input
			field string
		}{
			{"bad semver", triage.Input{Affected: semver(triage.Event{Introduced: "0"}, triage.Event{Fixed: "1.2"})}, "affected[0].ranges[0].events[1].fixed"},
			{"reversed", triage.Input{Affected: semver(triage.Event{Introduced: "2.0.0"}, triage.Event{Fixed: "1.0.0"})}, "affected[0].ranges[0].events[1].fixed"},
			{"fixed and last affected", triage.Input{Affected: semver(triage.Event{Introduced: "0"}, triage.Event{Fixed: "1.0.0"}, triage.Event{LastAffected: "0.9.0"})}, "affected[0].ranges[0].events"},
			{"missing introduced", triage.Input{Affected: semver(triage.Event{Fixed: "1.0.0"})}, "affected[0].ranges[0].events"},
			{"unknown ecosystem", triage.Input{Affected: []triage.Affected{{Package: triage.Package{Ecosystem: "Golang", Name: "x"}, Versions: []string{"1"}}}}, "affected[0].package.ecosystem"},
			{"rejected without reason", triage.Input{Decision: triage.DecisionRejected}, "confirmation.reason"},
			{"owner not a member", triage.Input{Plan: triage.PlanInput{OwnerID: outsider.ID}}, "plan.owner_id"},
			{"due in the past", triage.Input{Plan: triage.PlanInput{DueDate: "2026-02-28"}}, "plan.due_date"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) { expectInvalid(t, f, c, tc.in, tc.field) })
		}
		if _, err := f.cases.SetTriage(ctx, f.actor, "ACME-99", triage.Input{}); !errors.As(err, new(*validation.NotFound)) {
			t.Errorf("unknown case: %v, want NotFound", err)
		}
	})
}

func TestTriageDueDateFromPolicy(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		clk := f.cases.Clock.(*clock.Fake)
		for _, tc := range []struct{ severity, want string }{
			{"critical", "2026-03-08"}, {"high", "2026-03-31"}, {"medium", "2026-04-30"}, {"low", "2026-05-30"}, {"unknown", ""},
		} {
			c, err := f.cases.Create(ctx, f.actor, f.project, cases.Input{Title: ptr("bug"), Severity: ptr(tc.severity)})
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.cases.SetTriage(ctx, f.actor, c.Key, triage.Input{Decision: triage.DecisionConfirm})
			if err != nil {
				t.Fatal(err)
			}
			if got.DueDate != tc.want {
				t.Errorf("%s confirmed %s: due %q, want %q", tc.severity, clk.Now().Format(time.DateOnly), got.DueDate, tc.want)
			}
		}
	})
}
