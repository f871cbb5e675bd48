// SPDX-License-Identifier: AGPL-3.0-or-later

package cases_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
	"embargo/internal/validation"
)

// The fixture's clock starts on 2026-03-01 09:00 UTC and the default
// policy allows 90 days: the maximum end is 2026-05-30 09:00 UTC.
var embargoMax = time.Date(2026, 5, 30, 9, 0, 0, 0, time.UTC)

func TestSetEmbargo(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		admin := *f.actor
		admin.Roles = map[int64]authz.Role{f.project.ID: authz.RoleAdmin}
		responder := *f.actor
		responder.Roles = map[int64]authz.Role{f.project.ID: authz.RoleResponder}

		tests := []struct {
			name      string
			actor     *authz.Actor
			in        cases.EmbargoEnd
			wantField string // "" for success
			wantIn    string // in the error's message
		}{
			{"past date", &admin, cases.EmbargoEnd{Until: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}, "embargo_until", "in the past"},
			{"now", &admin, cases.EmbargoEnd{Until: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}, "embargo_until", "in the past"},
			{"beyond the maximum", &admin, cases.EmbargoEnd{Until: embargoMax.Add(time.Minute)}, "embargo_until", "30 May 2026 09:00 UTC"},
			{"override by a responder", &responder, cases.EmbargoEnd{Until: embargoMax.AddDate(0, 1, 0), OverrideReason: "vendor needs time"},
				"embargo_override_reason", "only a project admin"},
			{"within the maximum", &responder, cases.EmbargoEnd{Until: embargoMax}, "", ""},
			{"override by an admin", &admin, cases.EmbargoEnd{Until: embargoMax.AddDate(0, 1, 0), OverrideReason: "vendor needs time"}, "", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c, err := f.cases.Create(ctx, f.actor, f.project, cases.Input{Title: ptr(tt.name)})
				if err != nil {
					t.Fatal(err)
				}
				_, err = f.cases.SetEmbargo(ctx, tt.actor, c.Key, tt.in)
				e, lerr := f.cases.EmbargoOf(ctx, c)
				if lerr != nil {
					t.Fatal(lerr)
				}
				if tt.wantField != "" {
					var verr *validation.Error
					if !errors.As(err, &verr) || verr.Field != tt.wantField || !strings.Contains(err.Error(), tt.wantIn) {
						t.Fatalf("err = %v, want a validation error on %s containing %q", err, tt.wantField, tt.wantIn)
					}
					if e.SetByHand || !e.Until.Equal(embargoMax) {
						t.Errorf("a refused end changed the embargo: %+v", e)
					}
					if !slices.Contains(caseActions(t, f, c.ID), "case.embargo.refused") {
						t.Errorf("refusal not recorded: %v", caseActions(t, f, c.ID))
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if !e.SetByHand || !e.Until.Equal(tt.in.Until) || !e.MaxUntil.Equal(embargoMax) {
					t.Errorf("embargo = %+v, want until %s", e, tt.in.Until)
				}
				if !slices.Contains(caseActions(t, f, c.ID), "case.embargo.set") {
					t.Errorf("no case.embargo.set event: %v", caseActions(t, f, c.ID))
				}
				ds, err := f.cases.Deadlines(ctx, c)
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range ds {
					if d.Kind == "embargo" && !d.DueAt.Equal(tt.in.Until) {
						t.Errorf("embargo deadline due %s, want %s", d.DueAt, tt.in.Until)
					}
				}
			})
		}
	})
}

func TestExtendEmbargo(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		clk := f.cases.Clock.(*clock.Fake)
		c, err := f.cases.Create(ctx, f.actor, f.project, cases.Input{Title: ptr("Overflow")})
		if err != nil {
			t.Fatal(err)
		}
		first := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
		if _, err := f.cases.SetEmbargo(ctx, f.actor, c.Key, cases.EmbargoEnd{Until: first}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(24 * time.Hour)
		later := first.AddDate(0, 0, 14)
		ext := func(mod func(*cases.EmbargoExtension)) cases.EmbargoExtension {
			x := cases.EmbargoExtension{EmbargoEnd: cases.EmbargoEnd{Until: later}, AskedBy: "reporter",
				Reason: "the fix needs a second release", ReporterAgreed: "yes"}
			mod(&x)
			return x
		}
		refusals := []struct {
			name  string
			in    cases.EmbargoExtension
			field string
		}{
			{"no reason", ext(func(x *cases.EmbargoExtension) { x.Reason = " " }), "reason"},
			{"nobody asked", ext(func(x *cases.EmbargoExtension) { x.AskedBy = "" }), "asked_by"},
			{"agreement unknown", ext(func(x *cases.EmbargoExtension) { x.ReporterAgreed = "maybe" }), "reporter_agreed"},
			{"earlier than in force", ext(func(x *cases.EmbargoExtension) { x.Until = first.Add(-time.Hour) }), "embargo_until"},
			{"beyond the maximum", ext(func(x *cases.EmbargoExtension) { x.Until = embargoMax.AddDate(0, 0, 1) }), "embargo_until"},
		}
		for _, tt := range refusals {
			_, err := f.cases.ExtendEmbargo(ctx, f.actor, c.Key, tt.in)
			var verr *validation.Error
			if !errors.As(err, &verr) || verr.Field != tt.field {
				t.Errorf("%s: err = %v, want a validation error on %s", tt.name, err, tt.field)
			}
		}

		if _, err := f.cases.ExtendEmbargo(ctx, f.actor, c.Key, ext(func(x *cases.EmbargoExtension) { x.AskedBy = "Debian security team" })); err != nil {
			t.Fatal(err)
		}
		e, err := f.cases.EmbargoOf(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if !e.Until.Equal(later) || len(e.Extensions) != 1 {
			t.Fatalf("embargo = %+v, want until %s with one extension", e, later)
		}
		x := e.Extensions[0]
		if x.FromUntil != clock.Millis(first) || x.ToUntil != clock.Millis(later) || x.AskedBy != "Debian security team" ||
			x.ReporterAgreed != "yes" || x.Reason != "the fix needs a second release" || x.CreatedBy != f.actor.UserID || x.CreatedByName != "Lead" {
			t.Errorf("extension recorded as %+v", x)
		}
		if !slices.Contains(caseActions(t, f, c.ID), "case.embargo.extend") {
			t.Errorf("no case.embargo.extend event: %v", caseActions(t, f, c.ID))
		}
		if got, want := e.Countdown(clk.Now()), "Embargo ends 15 Apr 2026 12:00 UTC — in 44 days"; got != want {
			t.Errorf("countdown %q, want %q", got, want)
		}
	})
}

func TestMarkEmbargoBroken(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		c, err := f.cases.Create(ctx, f.actor, f.project, cases.Input{Title: ptr("Overflow")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.cases.MarkEmbargoBroken(ctx, f.actor, c.Key, cases.EmbargoBreach{Reaction: "publish now"}); err == nil {
			t.Error("a break without where it was seen was accepted")
		}
		in := cases.EmbargoBreach{Where: "https://social.example/@someone/1", Reaction: "advisory moved up to today"}
		if _, err := f.cases.MarkEmbargoBroken(ctx, f.actor, c.Key, in); err != nil {
			t.Fatal(err)
		}
		e, err := f.cases.EmbargoOf(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if e.Broken == nil || e.Broken.Where != in.Where || e.Broken.Reaction != in.Reaction ||
			!e.Broken.At.Equal(f.cases.Clock.Now()) {
			t.Errorf("broken = %+v", e.Broken)
		}
		if !slices.Contains(caseActions(t, f, c.ID), "case.embargo.broken") {
			t.Errorf("no case.embargo.broken event: %v", caseActions(t, f, c.ID))
		}
	})
}

func TestCountdownWords(t *testing.T) {
	now := time.Date(2027, 2, 19, 14, 0, 0, 0, time.UTC)
	until := time.Date(2027, 3, 3, 14, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		e    cases.Embargo
		now  time.Time
		want string
	}{
		{"days", cases.Embargo{Until: until}, now, "Embargo ends 3 Mar 2027 14:00 UTC — in 12 days"},
		{"one day", cases.Embargo{Until: until}, until.Add(-30 * time.Hour), "Embargo ends 3 Mar 2027 14:00 UTC — in 1 day"},
		{"hours", cases.Embargo{Until: until}, until.Add(-5 * time.Hour), "Embargo ends 3 Mar 2027 14:00 UTC — in 5 hours"},
		{"passed", cases.Embargo{Until: until}, until.Add(72 * time.Hour), "Embargo ended 3 Mar 2027 14:00 UTC — 3 days ago, not yet disclosed"},
		{"disclosed", cases.Embargo{Until: until, DisclosedAt: now}, now, "Embargo lifted: disclosed on 19 Feb 2027"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Countdown(tt.now); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
