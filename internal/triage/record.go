// SPDX-License-Identifier: AGPL-3.0-or-later

package triage

import (
	"fmt"
	"slices"
	"time"
)

// Text limits of the triage record.
const (
	MaxText     = 32 * 1024 // free text: steps, impact, notes
	MaxShort    = 500       // one-line fields: environment, target release
	MaxFixRefs  = 50
	dateLayout  = time.DateOnly
	maxDaysDue  = 3650
	minDateYear = 2000
)

// Reproduction statuses.
const (
	NotTried         = "not-tried"
	Reproduced       = "reproduced"
	NotReproduced    = "not-reproduced"
	CannotReproduce  = "cannot-reproduce"
	DecisionPending  = ""
	DecisionConfirm  = "confirmed"
	DecisionRejected = "rejected"
)

// ReproductionStatuses lists the reproduction statuses in display order.
var ReproductionStatuses = []string{NotTried, Reproduced, NotReproduced, CannotReproduce}

// Decisions lists the confirmation decisions; "" is still pending.
var Decisions = []string{DecisionPending, DecisionConfirm, DecisionRejected}

// Fix reference types.
var FixRefTypes = []string{"commit", "pull_request", "patch", "release", "url"}

// Input is the editable part of a case's triage record, as a responder
// sends it: the whole record replaces the previous one.
type Input struct {
	ReproductionStatus string // one of ReproductionStatuses; "" means NotTried
	Environment        string
	Steps              string // the steps confirmed
	Decision           string // one of Decisions
	DecisionReason     string // required when rejected
	Gain               string // what an attacker gains
	Preconditions      string
	Configurations     string // affected configurations
	Affected           []Affected
	Notes              string
	Exploitation       string // one of Exploitations; "" means ExploitNone
	Override           *Override
	Plan               PlanInput
}

// Override is a responder's choice of priority over the derived one.
type Override struct {
	Priority string
	Reason   string
}

// PlanInput is the editable part of the remediation plan.
type PlanInput struct {
	TargetRelease string
	FixRefs       []FixRef
	OwnerID       int64  // 0 for none; must be a responder of the project
	DueDate       string // YYYY-MM-DD set by hand; "" to follow the policy
}

// FixRef is a typed link to a fix.
type FixRef struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// Validate normalises in and returns every problem, each naming the
// request field at fault. today (the project's current date) is the
// earliest due date accepted, except that currentDue, the due date already
// set, may stay when it has passed, so that the rest of the record can
// still be edited.
func (in *Input) Validate(today time.Time, currentDue string) []Problem {
	var ps problems
	if in.ReproductionStatus == "" {
		in.ReproductionStatus = NotTried
	}
	if !slices.Contains(ReproductionStatuses, in.ReproductionStatus) {
		ps.add("reproduction.status", "%s is not one of not-tried, reproduced, not-reproduced, cannot-reproduce", quote(in.ReproductionStatus))
	}
	text(&ps, "reproduction.environment", in.Environment, MaxShort, false)
	text(&ps, "reproduction.steps", in.Steps, MaxText, true)
	switch in.Decision {
	case DecisionPending:
		if in.DecisionReason != "" {
			ps.add("confirmation.reason", "give a reason only with a decision")
		}
	case DecisionConfirm:
	case DecisionRejected:
		if in.DecisionReason == "" {
			ps.add("confirmation.reason", "is required when rejecting")
		}
	default:
		ps.add("confirmation.decision", "%s is not one of confirmed, rejected (or empty while pending)", quote(in.Decision))
	}
	text(&ps, "confirmation.reason", in.DecisionReason, MaxText, true)
	text(&ps, "impact.gain", in.Gain, MaxText, true)
	text(&ps, "impact.preconditions", in.Preconditions, MaxText, true)
	text(&ps, "impact.configurations", in.Configurations, MaxText, true)
	text(&ps, "notes", in.Notes, MaxText, true)
	ps = append(ps, ValidateAffected(in.Affected)...)
	if in.Exploitation == "" {
		in.Exploitation = ExploitNone
	}
	if !slices.Contains(Exploitations, in.Exploitation) {
		ps.add("exploitation", "%s is not one of none, public-poc, known-exploited", quote(in.Exploitation))
	}
	if o := in.Override; o != nil {
		if !slices.Contains(Priorities, o.Priority) {
			ps.add("priority_override.priority", "%s is not one of P1, P2, P3, P4", quote(o.Priority))
		}
		if o.Reason == "" {
			ps.add("priority_override.reason", "is required: say why the derived priority does not fit")
		}
		text(&ps, "priority_override.reason", o.Reason, MaxText, true)
	}
	p := &in.Plan
	text(&ps, "plan.target_release", p.TargetRelease, MaxShort, false)
	if len(p.FixRefs) > MaxFixRefs {
		ps.add("plan.fix_references", "at most %d references", MaxFixRefs)
	} else {
		for i, r := range p.FixRefs {
			path := fmt.Sprintf("plan.fix_references[%d]", i)
			if !slices.Contains(FixRefTypes, r.Type) {
				ps.add(path+".type", "%s is not one of commit, pull_request, patch, release, url", quote(r.Type))
			}
			if msg := checkURL(r.URL); msg != "" {
				ps.add(path+".url", "%s %s", quote(r.URL), msg)
			}
		}
	}
	if p.OwnerID < 0 {
		ps.add("plan.owner_id", "is not a user")
	}
	if p.DueDate != "" && p.DueDate != currentDue {
		d, err := time.Parse(dateLayout, p.DueDate)
		switch {
		case err != nil || d.Year() < minDateYear:
			ps.add("plan.due_date", "%s is not a date (YYYY-MM-DD)", quote(p.DueDate))
		case d.Before(dateOf(today)):
			ps.add("plan.due_date", "%s is in the past", quote(p.DueDate))
		case d.After(dateOf(today).AddDate(0, 0, maxDaysDue)):
			ps.add("plan.due_date", "%s is more than ten years ahead", quote(p.DueDate))
		}
	}
	return ps
}

// text checks a free-text field: bounded, valid UTF-8, control characters
// only as line breaks and tabs where multiline.
func text(ps *problems, path, s string, max int, multiline bool) {
	if len(s) > max {
		ps.add(path, "is longer than %d bytes", max)
		return
	}
	for _, r := range s {
		if r == 0xFFFD || (r < 0x20 && !(multiline && (r == '\n' || r == '\r' || r == '\t'))) || r == 0x7f {
			ps.add(path, "contains a control character or invalid text")
			return
		}
	}
}

// dateOf is the calendar date of t in t's location, as midnight UTC, so
// dates compare as dates.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// DueDate returns the fix due date from a project's fix targets (days by
// severity) counted from the confirmation time in loc, or "" when the case
// is not confirmed or its severity has no target.
func DueDate(fixTargetDays map[string]int, severity string, confirmedAt time.Time, loc *time.Location) string {
	days, ok := fixTargetDays[severity]
	if confirmedAt.IsZero() || !ok || days <= 0 {
		return ""
	}
	if loc == nil {
		loc = time.UTC
	}
	return dateOf(confirmedAt.In(loc)).AddDate(0, 0, days).Format(dateLayout)
}
