// SPDX-License-Identifier: AGPL-3.0-or-later

// Package deadlines is the one clock behind every promise a case is under:
// acknowledge the report, assess it, fix it, end the embargo. It derives
// each deadline from the project's policy and the case's facts, in
// business days where the policy says so and in the project's time zone,
// and the scheduler (Scanner) reminds the case's people before a deadline
// and raises an alarm when one is missed.
//
// A deadline's due time is frozen when its clock starts: a later change of
// the project's policy does not move a promise already made to a reporter.
// A change of the case's own inputs (its severity, a hand-set fix date or
// embargo end, the moment a clock starts) recomputes it with the policy then in force.
package deadlines

import (
	"fmt"
	"strconv"
	"time"

	"embargo/internal/clock"
	"embargo/internal/projects"
	"embargo/internal/store"
	"embargo/internal/triage"
)

// The kinds of deadline, in the order a case meets them.
const (
	Acknowledge = "acknowledge"
	Assessment  = "assessment"
	Fix         = "fix"
	Embargo     = "embargo"
)

// Kinds lists every kind in workflow order.
var Kinds = []string{Acknowledge, Assessment, Fix, Embargo}

// Label returns a kind's name in plain words.
func Label(kind string) string {
	switch kind {
	case Acknowledge:
		return "Acknowledge the report"
	case Assessment:
		return "First assessment"
	case Fix:
		return "Fix target"
	case Embargo:
		return "Embargo ends"
	}
	return kind
}

// Facts are what the clock needs to know of one case.
type Facts struct {
	State     string
	Severity  string // the effective severity: the CVSS rating when there is one
	CreatedAt int64
	// ReportedAt is when the report arrived (0 for a case the team opened
	// itself, which has no acknowledgement to owe); AckDueAt is the
	// acknowledgement due time computed when it arrived.
	ReportedAt int64
	AckDueAt   int64
	store.Milestones
	// ConfirmedAt is when the triage decision confirmed the flaw (0 when
	// not confirmed); the fix clock starts then.
	ConfirmedAt int64
	// PlanDueDate is a fix date set by hand (YYYY-MM-DD), "" for the
	// policy's target.
	PlanDueDate string
	// EmbargoUntil is an embargo end set by hand, 0 for the policy's
	// default.
	EmbargoUntil int64
}

// closed reports whether the case has ended without being disclosed.
func (f *Facts) closed() bool { return f.ClosedAt != 0 }

// Compute returns the deadlines case f is under at now, given the policy
// set and the deadlines stored so far (by kind). It keeps a stored due
// time while the deadline's basis is unchanged, and sets each deadline's
// reminder time, state (met, cancelled or open) and next check.
func Compute(f Facts, set projects.Settings, stored map[string]*store.Deadline, caseID int64) []*store.Deadline {
	loc := set.Location()
	var out []*store.Deadline
	add := func(kind, basis string, start int64, due func() int64, met int64) {
		d := &store.Deadline{CaseID: caseID, Kind: kind, Basis: basis, StartedAt: start}
		if old := stored[kind]; old != nil && old.Basis == basis {
			d.DueAt, d.RemindAt, d.RemindedAt, d.AlarmedAt = old.DueAt, old.RemindAt, old.RemindedAt, old.AlarmedAt
		} else {
			d.DueAt = due()
			d.RemindAt = remindAt(start, d.DueAt, set.ReminderDaysBefore)
		}
		switch {
		case met != 0:
			d.MetAt = met
		case f.closed():
			d.CancelledAt = f.ClosedAt
		}
		d.NextCheckAt = nextCheck(d)
		out = append(out, d)
	}

	if f.ReportedAt != 0 {
		add(Acknowledge, "received:"+ms(f.ReportedAt), f.ReportedAt, func() int64 {
			if f.AckDueAt != 0 {
				return f.AckDueAt
			}
			return clock.Millis(set.AcknowledgeDue(clock.FromMillis(f.ReportedAt)))
		}, f.AcknowledgedAt)
	}

	// The first assessment is promised from the acknowledgement; a case
	// the team opened itself is known to it from the start.
	assessFrom := f.AcknowledgedAt
	if f.ReportedAt == 0 {
		assessFrom = f.CreatedAt
	}
	if assessFrom != 0 {
		add(Assessment, "from:"+ms(assessFrom), assessFrom, func() int64 {
			return clock.Millis(set.AssessmentDue(clock.FromMillis(assessFrom)))
		}, f.AssessedAt)
	}

	if fixFrom := f.fixStart(); fixFrom != 0 {
		if f.PlanDueDate != "" {
			if day, err := time.ParseInLocation(time.DateOnly, f.PlanDueDate, loc); err == nil {
				add(Fix, "date:"+f.PlanDueDate, fixFrom, func() int64 { return endOfDay(day) }, f.FixedAt)
			}
		} else if date := triage.DueDate(set.FixTargetDays, f.Severity, clock.FromMillis(fixFrom), loc); date != "" {
			day, _ := time.ParseInLocation(time.DateOnly, date, loc)
			add(Fix, "from:"+ms(fixFrom)+";severity:"+f.Severity, fixFrom, func() int64 { return endOfDay(day) }, f.FixedAt)
		}
	}

	embargoFrom := f.ReportedAt
	if embargoFrom == 0 {
		embargoFrom = f.CreatedAt
	}
	switch {
	case f.EmbargoUntil != 0 && embargoFrom != 0:
		// A hand-set end (set or extended) is a new promise: its own basis
		// makes a fresh reminder and alarm owed.
		add(Embargo, "until:"+ms(f.EmbargoUntil), embargoFrom, func() int64 { return f.EmbargoUntil }, f.DisclosedAt)
	case embargoFrom != 0:
		add(Embargo, "from:"+ms(embargoFrom), embargoFrom, func() int64 { return EmbargoDefault(embargoFrom, set) }, f.DisclosedAt)
	}
	return out
}

// EmbargoDefault returns the end the policy set gives an embargo that
// counts from from (Unix milliseconds): its default number of days later,
// in the project's time zone.
func EmbargoDefault(from int64, set projects.Settings) int64 {
	return clock.Millis(clock.FromMillis(from).In(set.Location()).AddDate(0, 0, set.DefaultEmbargoDays))
}

// EmbargoMax returns the latest end the policy set allows, without an
// override, for an embargo that counts from from.
func EmbargoMax(from int64, set projects.Settings) int64 {
	return clock.Millis(clock.FromMillis(from).In(set.Location()).AddDate(0, 0, set.MaxEmbargoDays))
}

// fixStart is when the fix clock starts: the confirmation, or for a case
// accepted without a recorded decision, its assessment.
func (f *Facts) fixStart() int64 {
	if f.ConfirmedAt != 0 {
		return f.ConfirmedAt
	}
	switch f.State {
	case "accepted", "fixing", "fix-ready", "disclosed":
		return f.AssessedAt
	}
	return 0
}

// remindAt is when to remind before a deadline running from start to due:
// daysBefore days ahead, or halfway when the whole period is shorter than
// twice that.
func remindAt(start, due int64, daysBefore int) int64 {
	lead := int64(daysBefore) * int64(24*time.Hour/time.Millisecond)
	if half := (due - start) / 2; half < lead {
		lead = half
	}
	if lead < 0 {
		lead = 0
	}
	return due - lead
}

// nextCheck is when the scheduler must look at d next: its reminder while
// that is owed, then its alarm; 0 once both are done or d is not open.
func nextCheck(d *store.Deadline) int64 {
	switch {
	case !d.Open():
		return 0
	case d.RemindedAt == 0 && d.AlarmedAt == 0:
		return d.RemindAt
	case d.AlarmedAt == 0:
		return d.DueAt
	}
	return 0
}

// endOfDay is the last millisecond of day in day's location: a date set
// by hand is met by anything done on that day.
func endOfDay(day time.Time) int64 {
	return clock.Millis(day.AddDate(0, 0, 1)) - 1
}

func ms(v int64) string { return strconv.FormatInt(v, 10) }

// Status is a deadline as people see it.
type Status struct {
	Kind, Label string
	DueAt       time.Time
	// State is "met", "met-late", "open", "due-soon" (its reminder time
	// has come), "overdue" or "cancelled".
	State string
	MetAt time.Time
}

// StatusOf describes d at now.
func StatusOf(d *store.Deadline, now time.Time) Status {
	s := Status{Kind: d.Kind, Label: Label(d.Kind), DueAt: clock.FromMillis(d.DueAt), MetAt: clock.FromMillis(d.MetAt)}
	n := clock.Millis(now)
	switch {
	case d.MetAt != 0 && d.MetAt <= d.DueAt:
		s.State = "met"
	case d.MetAt != 0:
		s.State = "met-late"
	case d.CancelledAt != 0:
		s.State = "cancelled"
	case n > d.DueAt:
		s.State = "overdue"
	case n >= d.RemindAt:
		s.State = "due-soon"
	default:
		s.State = "open"
	}
	return s
}

// Words says the status in plain words, with dates in the project's time
// zone and in UTC.
func (s Status) Words(loc *time.Location) string {
	due := s.DueAt.In(loc).Format("Mon 2 Jan 2006 15:04 MST")
	if loc != time.UTC {
		due += " (" + s.DueAt.UTC().Format("15:04 UTC") + ")"
	}
	switch s.State {
	case "met":
		return "met on " + s.MetAt.In(loc).Format("2 Jan 2006") + ", due " + due
	case "met-late":
		return "met late on " + s.MetAt.In(loc).Format("2 Jan 2006") + ", was due " + due
	case "cancelled":
		return "no longer applies (the case was closed); was due " + due
	case "overdue":
		return "overdue since " + due
	}
	return "due " + due
}

// String is for logs and tests.
func (s Status) String() string {
	return fmt.Sprintf("%s %s %s", s.Kind, s.State, s.DueAt.Format(time.RFC3339))
}
