// SPDX-License-Identifier: AGPL-3.0-or-later

package deadlines

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/clock"
	"embargo/internal/projects"
	"embargo/internal/store"
)

func at(t *testing.T, tz, when string) int64 {
	t.Helper()
	loc, err := time.LoadLocation(tz)
	if err != nil {
		t.Skipf("no time zone data for %s: %v", tz, err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", when, loc)
	if err != nil {
		t.Fatal(err)
	}
	return clock.Millis(v)
}

func policy(tz string, edit func(*projects.Settings)) projects.Settings {
	s := projects.DefaultSettings()
	s.TimeZone = tz
	if edit != nil {
		edit(&s)
	}
	return s
}

func byKind(list []*store.Deadline) map[string]*store.Deadline {
	out := map[string]*store.Deadline{}
	for _, d := range list {
		out[d.Kind] = d
	}
	return out
}

func TestComputeDueTimes(t *testing.T) {
	t.Parallel()
	const berlin = "Europe/Berlin"
	tests := []struct {
		name  string
		tz    string
		facts func(t *testing.T) Facts
		edit  func(*projects.Settings)
		// want maps kind to its due time in tz ("" means no such deadline).
		want map[string]string
	}{
		{
			name: "report on a Friday afternoon: acknowledgement three business days later, over the weekend",
			tz:   berlin,
			facts: func(t *testing.T) Facts {
				return Facts{State: "new", ReportedAt: at(t, berlin, "2026-03-06 16:00"), CreatedAt: at(t, berlin, "2026-03-06 16:00")}
			},
			want: map[string]string{Acknowledge: "2026-03-11 16:00", Assessment: "", Fix: "", Embargo: "2026-06-04 16:00"},
		},
		{
			name: "business days across the change to summer time keep the local hour",
			tz:   berlin,
			facts: func(t *testing.T) Facts {
				return Facts{State: "new", ReportedAt: at(t, berlin, "2026-03-27 10:00"), CreatedAt: at(t, berlin, "2026-03-27 10:00")}
			},
			want: map[string]string{Acknowledge: "2026-04-01 10:00"},
		},
		{
			name: "a report on a Saturday counts from Monday",
			tz:   "UTC",
			facts: func(t *testing.T) Facts {
				return Facts{State: "new", ReportedAt: at(t, "UTC", "2026-03-07 12:00"), CreatedAt: at(t, "UTC", "2026-03-07 12:00")}
			},
			want: map[string]string{Acknowledge: "2026-03-11 12:00"},
		},
		{
			name: "the acknowledgement due time fixed at receipt wins over today's policy",
			tz:   "UTC",
			facts: func(t *testing.T) Facts {
				return Facts{State: "new", ReportedAt: at(t, "UTC", "2026-03-02 09:00"), AckDueAt: at(t, "UTC", "2026-03-03 09:00")}
			},
			edit: func(s *projects.Settings) { s.AcknowledgeBusinessDays = 10 },
			want: map[string]string{Acknowledge: "2026-03-03 09:00"},
		},
		{
			name: "assessment counts calendar days from the acknowledgement",
			tz:   berlin,
			facts: func(t *testing.T) Facts {
				f := Facts{State: "acknowledged", ReportedAt: at(t, berlin, "2026-03-02 09:00")}
				f.AcknowledgedAt = at(t, berlin, "2026-03-03 14:30")
				return f
			},
			want: map[string]string{Assessment: "2026-03-13 14:30"},
		},
		{
			name: "a case the team opened has no acknowledgement and is assessed from its creation",
			tz:   "UTC",
			facts: func(t *testing.T) Facts {
				return Facts{State: "new", CreatedAt: at(t, "UTC", "2026-03-02 09:00")}
			},
			want: map[string]string{Acknowledge: "", Assessment: "2026-03-12 09:00", Embargo: "2026-05-31 09:00"},
		},
		{
			name: "fix target by severity from the confirmation, to the end of that day in the project's zone",
			tz:   berlin,
			facts: func(t *testing.T) Facts {
				f := Facts{State: "accepted", Severity: "high", CreatedAt: at(t, berlin, "2026-03-01 09:00")}
				f.AcknowledgedAt, f.AssessedAt = at(t, berlin, "2026-03-01 10:00"), at(t, berlin, "2026-03-02 11:00")
				f.ConfirmedAt = at(t, berlin, "2026-03-02 11:00")
				return f
			},
			want: map[string]string{Fix: "2026-04-01 23:59"},
		},
		{
			name: "a critical flaw gets the policy's shorter target",
			tz:   "UTC",
			facts: func(t *testing.T) Facts {
				return Facts{State: "fixing", Severity: "critical", CreatedAt: 1, ConfirmedAt: at(t, "UTC", "2026-03-02 11:00")}
			},
			want: map[string]string{Fix: "2026-03-09 23:59"},
		},
		{
			name: "a hand-set fix date replaces the policy's target",
			tz:   "UTC",
			facts: func(t *testing.T) Facts {
				return Facts{State: "fixing", Severity: "low", CreatedAt: 1, ConfirmedAt: at(t, "UTC", "2026-03-02 11:00"),
					PlanDueDate: "2026-03-20"}
			},
			want: map[string]string{Fix: "2026-03-20 23:59"},
		},
		{
			name: "no fix deadline while the severity is unknown",
			tz:   "UTC",
			facts: func(t *testing.T) Facts {
				return Facts{State: "fixing", Severity: "unknown", CreatedAt: 1, ConfirmedAt: at(t, "UTC", "2026-03-02 11:00")}
			},
			want: map[string]string{Fix: ""},
		},
		{
			name: "no fix deadline before the flaw is confirmed",
			tz:   "UTC",
			facts: func(t *testing.T) Facts {
				return Facts{State: "triage", Severity: "high", CreatedAt: 1}
			},
			want: map[string]string{Fix: ""},
		},
		{
			name: "the embargo follows the policy's default length",
			tz:   "UTC",
			facts: func(t *testing.T) Facts {
				return Facts{State: "new", ReportedAt: at(t, "UTC", "2026-03-02 09:00")}
			},
			edit: func(s *projects.Settings) { s.DefaultEmbargoDays = 45 },
			want: map[string]string{Embargo: "2026-04-16 09:00"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set := policy(tc.tz, tc.edit)
			got := byKind(Compute(tc.facts(t), set, nil, 1))
			loc := set.Location()
			for kind, want := range tc.want {
				d := got[kind]
				switch {
				case want == "" && d != nil:
					t.Errorf("%s: got a deadline due %s, want none", kind, clock.FromMillis(d.DueAt).In(loc))
				case want != "" && d == nil:
					t.Errorf("%s: no deadline, want one due %s", kind, want)
				case want != "":
					if g := clock.FromMillis(d.DueAt).In(loc).Format("2006-01-02 15:04"); g != want {
						t.Errorf("%s: due %s, want %s", kind, g, want)
					}
				}
			}
		})
	}
}

func TestPolicyChangeMidCaseKeepsPromisesAlreadyMade(t *testing.T) {
	t.Parallel()
	f := Facts{State: "fixing", Severity: "medium", CreatedAt: at(t, "UTC", "2026-03-01 09:00"),
		ConfirmedAt: at(t, "UTC", "2026-03-02 09:00")}
	f.AcknowledgedAt = at(t, "UTC", "2026-03-01 10:00")
	before := policy("UTC", nil)
	first := byKind(Compute(f, before, nil, 1))

	// The project shortens every period afterwards.
	after := policy("UTC", func(s *projects.Settings) {
		s.AssessmentDays = 2
		s.FixTargetDays["medium"] = 10
		s.DefaultEmbargoDays = 30
		s.MaxEmbargoDays = 30
	})
	kept := byKind(Compute(f, after, first, 1))
	for _, kind := range []string{Assessment, Fix, Embargo} {
		if kept[kind].DueAt != first[kind].DueAt {
			t.Errorf("%s moved from %s to %s with the policy change", kind,
				clock.FromMillis(first[kind].DueAt), clock.FromMillis(kept[kind].DueAt))
		}
	}

	// A change of the case's own severity recomputes its fix target with
	// the policy now in force.
	f.Severity = "critical"
	after.FixTargetDays["critical"] = 3
	moved := byKind(Compute(f, after, kept, 1))
	if got := clock.FromMillis(moved[Fix].DueAt).Format("2006-01-02"); got != "2026-03-05" {
		t.Errorf("fix after severity change due %s, want 2026-03-05", got)
	}
	if moved[Assessment].DueAt != first[Assessment].DueAt {
		t.Error("a severity change moved the assessment deadline")
	}
}

func TestRecomputedDeadlineOwesItsRemindersAgain(t *testing.T) {
	t.Parallel()
	f := Facts{State: "fixing", Severity: "medium", CreatedAt: 1, ConfirmedAt: at(t, "UTC", "2026-03-02 09:00")}
	set := policy("UTC", nil)
	first := byKind(Compute(f, set, nil, 1))
	first[Fix].RemindedAt, first[Fix].AlarmedAt = 5, 6
	same := byKind(Compute(f, set, first, 1))
	if same[Fix].RemindedAt != 5 || same[Fix].AlarmedAt != 6 || same[Fix].NextCheckAt != 0 {
		t.Errorf("unchanged basis lost its reminder state: %+v", same[Fix])
	}
	f.PlanDueDate = "2026-06-30"
	moved := byKind(Compute(f, set, same, 1))
	if moved[Fix].RemindedAt != 0 || moved[Fix].AlarmedAt != 0 || moved[Fix].NextCheckAt != moved[Fix].RemindAt {
		t.Errorf("a new fix date should owe a reminder again: %+v", moved[Fix])
	}
}

func TestMetCancelledAndReopened(t *testing.T) {
	t.Parallel()
	set := policy("UTC", nil)
	f := Facts{State: "rejected", ReportedAt: at(t, "UTC", "2026-03-02 09:00")}
	f.AcknowledgedAt = at(t, "UTC", "2026-03-02 12:00")
	f.AssessedAt = at(t, "UTC", "2026-03-03 12:00")
	f.ClosedAt = f.AssessedAt
	got := byKind(Compute(f, set, nil, 1))
	if d := got[Acknowledge]; d.MetAt != f.AcknowledgedAt || d.CancelledAt != 0 || d.NextCheckAt != 0 {
		t.Errorf("acknowledge: %+v, want met", d)
	}
	if d := got[Embargo]; d.MetAt != 0 || d.CancelledAt != f.ClosedAt || d.NextCheckAt != 0 {
		t.Errorf("embargo of a rejected case: %+v, want cancelled", d)
	}
	f.State, f.ClosedAt = "triage", 0
	reopened := byKind(Compute(f, set, got, 1))
	if d := reopened[Embargo]; !d.Open() || d.NextCheckAt == 0 {
		t.Errorf("embargo after reopening: %+v, want open again", d)
	}
}

func TestReminderTime(t *testing.T) {
	t.Parallel()
	day := int64(24 * time.Hour / time.Millisecond)
	tests := []struct {
		name             string
		start, due       int64
		daysBefore       int
		wantBeforeDueDay float64
	}{
		{"long period: the policy's days before", 0, 30 * day, 2, 2},
		{"short period: halfway", 0, 3 * day, 2, 1.5},
		{"no reminder: at the deadline", 0, 30 * day, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := float64(tc.due-remindAt(tc.start, tc.due, tc.daysBefore)) / float64(day)
			if diff := cmp.Diff(tc.wantBeforeDueDay, got); diff != "" {
				t.Errorf("reminder lead in days (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStatusOf(t *testing.T) {
	t.Parallel()
	d := &store.Deadline{Kind: Fix, StartedAt: 0, RemindAt: 80, DueAt: 100}
	for _, tc := range []struct {
		now       int64
		met, canc int64
		want      string
	}{
		{now: 50, want: "open"}, {now: 80, want: "due-soon"}, {now: 101, want: "overdue"},
		{now: 200, met: 90, want: "met"}, {now: 200, met: 150, want: "met-late"}, {now: 200, canc: 60, want: "cancelled"},
	} {
		d.MetAt, d.CancelledAt = tc.met, tc.canc
		if got := StatusOf(d, clock.FromMillis(tc.now)).State; got != tc.want {
			t.Errorf("at %d (met %d, cancelled %d): %s, want %s", tc.now, tc.met, tc.canc, got, tc.want)
		}
	}
}

func TestHandSetEmbargoEnd(t *testing.T) {
	set := policy("UTC", nil)
	f := Facts{State: "fixing", ReportedAt: at(t, "UTC", "2026-03-02 09:00")}
	first := byKind(Compute(f, set, nil, 1))
	first[Embargo].RemindedAt = 5
	f.EmbargoUntil = at(t, "UTC", "2026-04-15 12:00")
	set1 := byKind(Compute(f, set, first, 1))
	if d := set1[Embargo]; d.DueAt != f.EmbargoUntil || d.RemindedAt != 0 || d.AlarmedAt != 0 || d.NextCheckAt != d.RemindAt {
		t.Errorf("hand-set embargo end: %+v, want due at the end, owing its reminder again", d)
	}
	// Disclosure keeps the promise: nothing more is owed.
	f.DisclosedAt = at(t, "UTC", "2026-04-10 12:00")
	disclosed := byKind(Compute(f, set, set1, 1))
	if d := disclosed[Embargo]; d.MetAt != f.DisclosedAt || d.Open() || d.NextCheckAt != 0 {
		t.Errorf("disclosed before the end: %+v, want met", d)
	}
}
