// SPDX-License-Identifier: AGPL-3.0-or-later

package cases

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/deadlines"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// Embargo field limits.
const (
	MaxEmbargoAskedBy  = 200
	MaxEmbargoWhere    = 2000
	MaxEmbargoReaction = 4000
)

// Who may ask for an extension besides a participant named by hand.
const (
	AskedByTeam     = "team"
	AskedByReporter = "reporter"
)

// ReporterAgreements are the answers an extension records of the
// reporter: they agreed, they did not, or they were not asked.
var ReporterAgreements = []string{"yes", "no", "not-asked"}

// Embargo is a case's embargo as every party sees it. The end is the
// deadline the scheduler watches (internal/deadlines, kind "embargo"): the
// project's default counted from the report's arrival until someone sets
// it by hand.
type Embargo struct {
	// Start is the moment the embargo counts from: the report's arrival,
	// or the case's creation for a case the team opened.
	Start time.Time
	// Until is the end in force; SetByHand tells whether the team set it.
	Until     time.Time
	SetByHand bool
	// MaxUntil is the latest end the policy allows without an override.
	MaxUntil   time.Time
	Extensions []*store.EmbargoExtension
	// DisclosedAt is when the case was disclosed (zero while embargoed).
	DisclosedAt time.Time
	// Broken is set when the issue was public before the end.
	Broken *EmbargoBreak
	// Location is the project's time zone, for dates in words.
	Location *time.Location
}

// EmbargoBreak records an embargo broken: when it was noticed, where the
// issue was seen and how the team reacted.
type EmbargoBreak struct {
	At       time.Time
	Where    string
	Reaction string
}

// DaysLeft is the whole number of days from now to the end, negative once
// it has passed.
func (e *Embargo) DaysLeft(now time.Time) int {
	return int(math.Floor(e.Until.Sub(now).Hours() / 24))
}

// Countdown says the embargo's end and the time left in plain words, the
// same for every party: "Embargo ends 3 Mar 2027 14:00 UTC — in 12 days".
func (e *Embargo) Countdown(now time.Time) string {
	loc := e.Location
	if loc == nil {
		loc = time.UTC
	}
	when := e.Until.In(loc).Format("2 Jan 2006 15:04 MST")
	if !e.DisclosedAt.IsZero() {
		return "Embargo lifted: disclosed on " + e.DisclosedAt.In(loc).Format("2 Jan 2006")
	}
	left := e.Until.Sub(now)
	if left <= 0 {
		return "Embargo ended " + when + " — " + ago(-left) + ", not yet disclosed"
	}
	return "Embargo ends " + when + " — in " + span(left)
}

func span(d time.Duration) string {
	switch days := int(d.Hours() / 24); {
	case days >= 2:
		return fmt.Sprintf("%d days", days)
	case days == 1:
		return "1 day"
	}
	switch hours := int(d.Hours()); {
	case hours >= 2:
		return fmt.Sprintf("%d hours", hours)
	case hours == 1:
		return "1 hour"
	}
	return "less than an hour"
}

func ago(d time.Duration) string {
	if d < time.Hour {
		return "less than an hour ago"
	}
	return span(d) + " ago"
}

// EmbargoOf returns case c's embargo.
func (s *Service) EmbargoOf(ctx context.Context, c *store.Case) (*Embargo, error) {
	var e *Embargo
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		e, err = loadEmbargo(ctx, tx, c)
		return err
	})
	return e, err
}

func loadEmbargo(ctx context.Context, tx *store.Tx, c *store.Case) (*Embargo, error) {
	set, err := projectSettings(ctx, tx, c.ProjectID)
	if err != nil {
		return nil, err
	}
	rec, err := tx.EmbargoOf(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	start := rec.Start
	if start == 0 {
		start = c.CreatedAt
		r, err := tx.ReportByCase(ctx, c.ID, false)
		switch {
		case err == nil:
			start = r.SubmittedAt
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
	}
	until := rec.Until
	if until == 0 {
		// The promise already made stands even if the policy changed since.
		list, err := tx.CaseDeadlines(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		for _, d := range list {
			if d.Kind == deadlines.Embargo {
				until = d.DueAt
			}
		}
		if until == 0 {
			until = deadlines.EmbargoDefault(start, set)
		}
	}
	e := &Embargo{Start: clock.FromMillis(start), Until: clock.FromMillis(until), SetByHand: rec.Until != 0,
		MaxUntil: clock.FromMillis(deadlines.EmbargoMax(start, set)), Location: set.Location()}
	if c.DisclosedAt != 0 {
		e.DisclosedAt = clock.FromMillis(c.DisclosedAt)
	}
	if rec.BrokenAt != 0 {
		e.Broken = &EmbargoBreak{At: clock.FromMillis(rec.BrokenAt), Where: rec.BrokenWhere, Reaction: rec.BrokenReaction}
	}
	if e.Extensions, err = tx.EmbargoExtensions(ctx, c.ID); err != nil {
		return nil, err
	}
	return e, nil
}

// EmbargoEnd asks to set a case's embargo end.
type EmbargoEnd struct {
	Until time.Time
	// OverrideReason lets a project admin set an end beyond the policy's
	// maximum; it is recorded with the change.
	OverrideReason string
}

// EmbargoExtension asks to move a case's embargo end later.
type EmbargoExtension struct {
	EmbargoEnd
	// AskedBy is "team", "reporter" or the name of the participant who
	// asked.
	AskedBy        string
	Reason         string
	ReporterAgreed string // one of ReporterAgreements
}

// checkEnd validates a new end for case c with embargo e at now: it must
// lie in the future, and beyond the policy's maximum only with an
// override reason given by a project admin. It returns the override
// reason to record ("" when none is needed).
func checkEnd(actor *authz.Actor, c *store.Case, e *Embargo, in EmbargoEnd, now time.Time) (string, error) {
	if c.DisclosedAt != 0 || c.ClosedAt != 0 {
		return "", validation.Conflictf("case %s is %s: its embargo is over and its end cannot change", c.Key, c.State)
	}
	loc := e.Location
	if in.Until.IsZero() {
		return "", validation.Errorf("embargo_until", "is required")
	}
	if !in.Until.After(now) {
		return "", validation.Errorf("embargo_until", "%s is in the past; an embargo end must be in the future",
			in.Until.In(loc).Format("2 Jan 2006 15:04 MST"))
	}
	override, err := validation.Text("embargo_override_reason", in.OverrideReason, false, MaxReason, true)
	if err != nil {
		return "", err
	}
	if !in.Until.After(e.MaxUntil) {
		return "", nil
	}
	if override == "" {
		return "", validation.Errorf("embargo_until", "%s is beyond the policy's maximum embargo, which ends %s (%s); "+
			"a project admin may go beyond it by giving embargo_override_reason",
			in.Until.In(loc).Format("2 Jan 2006 15:04 MST"), e.MaxUntil.In(loc).Format("2 Jan 2006 15:04 MST"),
			e.MaxUntil.UTC().Format(time.RFC3339))
	}
	if actor.Roles[c.ProjectID] != authz.RoleAdmin {
		return "", validation.Errorf("embargo_override_reason", "only a project admin may set an embargo end beyond "+
			"the policy's maximum (%s)", e.MaxUntil.In(loc).Format("2 Jan 2006 15:04 MST"))
	}
	return override, nil
}

// SetEmbargo sets case key's embargo end by hand. The end must be in the
// future and at most the policy's maximum (max_embargo_days from the
// report's arrival) unless a project admin gives an override reason; a
// refused end is a *validation.Error naming the maximum, changes nothing,
// and is recorded as a "case.embargo.refused" event. A disclosed or
// closed case is a *validation.Conflict. The deadline clock follows the
// new end, so the reminder and the alarm are owed afresh.
func (s *Service) SetEmbargo(ctx context.Context, actor *authz.Actor, key string, in EmbargoEnd) (*store.Case, error) {
	return s.changeEmbargo(ctx, actor, key, in, nil)
}

// ExtendEmbargo moves case key's embargo end later and records who asked,
// why and whether the reporter agreed, under the rules of SetEmbargo; the
// new end must also be later than the one in force.
func (s *Service) ExtendEmbargo(ctx context.Context, actor *authz.Actor, key string, in EmbargoExtension) (*store.Case, error) {
	return s.changeEmbargo(ctx, actor, key, in.EmbargoEnd, &in)
}

func (s *Service) changeEmbargo(ctx context.Context, actor *authz.Actor, key string, in EmbargoEnd, ext *EmbargoExtension) (*store.Case, error) {
	var c *store.Case
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = load(ctx, tx, key); err != nil {
			return err
		}
		return s.changeEmbargoIn(ctx, tx, actor, c, in, ext)
	})
	if err != nil {
		if _, ok := errors.AsType[*validation.Error](err); ok {
			action := "case.embargo.set"
			if ext != nil {
				action = "case.embargo.extend"
			}
			s.recordRefusal(ctx, actor, key, action, in, err)
		}
		return nil, err
	}
	return c, nil
}

// changeEmbargoIn sets case c's embargo end inside tx: an extension when
// ext is set, else a plain change of the end.
func (s *Service) changeEmbargoIn(ctx context.Context, tx *store.Tx, actor *authz.Actor, c *store.Case, in EmbargoEnd, ext *EmbargoExtension) error {
	action := "case.embargo.set"
	if ext != nil {
		action = "case.embargo.extend"
	}
	e, err := loadEmbargo(ctx, tx, c)
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	var x *store.EmbargoExtension
	if ext != nil {
		if x, err = checkExtension(c, e, *ext); err != nil {
			return err
		}
	}
	override, err := checkEnd(actor, c, e, in, now)
	if err != nil {
		return err
	}
	rec, err := tx.EmbargoOf(ctx, c.ID)
	if err != nil {
		return err
	}
	ms := clock.Millis(now)
	before := map[string]any{"embargo_until": clock.Millis(e.Until), "set_by_hand": e.SetByHand}
	rec.Start, rec.Until = clock.Millis(e.Start), clock.Millis(in.Until)
	if err := tx.PutEmbargo(ctx, c.ID, rec); err != nil {
		return err
	}
	c.EmbargoUntil = rec.Until
	after := map[string]any{"embargo_until": rec.Until, "max_until": clock.Millis(e.MaxUntil)}
	if override != "" {
		after["override_reason"] = override
	}
	if x != nil {
		x.ToUntil, x.OverrideReason, x.CreatedBy, x.CreatedAt = rec.Until, override, actor.UserID, ms
		if err := tx.AddEmbargoExtension(ctx, x); err != nil {
			return err
		}
		after["asked_by"], after["reason"], after["reporter_agreed"] = x.AskedBy, x.Reason, x.ReporterAgreed
		after["extension_id"] = x.ID
	}
	if err := s.syncDeadlines(ctx, tx, c); err != nil {
		return err
	}
	return s.record(ctx, tx, actor, action, c, "", "", before, after)
}

// checkExtension validates what an extension records beyond its end.
func checkExtension(c *store.Case, e *Embargo, in EmbargoExtension) (*store.EmbargoExtension, error) {
	askedBy, err := validation.Text("asked_by", in.AskedBy, true, MaxEmbargoAskedBy, false)
	if err != nil {
		return nil, validation.Errorf("asked_by", "is required: %q, %q or the name of the participant who asked",
			AskedByTeam, AskedByReporter)
	}
	reason, err := validation.Text("reason", in.Reason, true, MaxReason, true)
	if err != nil {
		return nil, err
	}
	if err := validation.OneOf("reporter_agreed", in.ReporterAgreed, ReporterAgreements...); err != nil {
		return nil, err
	}
	if !in.Until.IsZero() && !in.Until.After(e.Until) {
		return nil, validation.Errorf("embargo_until", "an extension must move the end later than the one in force (%s)",
			e.Until.In(e.Location).Format("2 Jan 2006 15:04 MST"))
	}
	return &store.EmbargoExtension{CaseID: c.ID, FromUntil: clock.Millis(e.Until), AskedBy: askedBy, Reason: reason,
		ReporterAgreed: in.ReporterAgreed}, nil
}

// recordRefusal records, in a transaction of its own, that an embargo end
// was refused and why, so that an attempt to go past the policy leaves a
// trace even though it changed nothing. A failure to record is dropped:
// the caller already answers with the refusal.
func (s *Service) recordRefusal(ctx context.Context, actor *authz.Actor, key, action string, in EmbargoEnd, cause error) {
	_ = s.Store.Write(ctx, func(tx *store.Tx) error {
		c, err := load(ctx, tx, key)
		if err != nil {
			return err
		}
		after := map[string]any{"attempted": action, "error": cause.Error()}
		if !in.Until.IsZero() {
			after["embargo_until"] = clock.Millis(in.Until)
		}
		return s.record(ctx, tx, actor, "case.embargo.refused", c, "", "", nil, after)
	})
}

// EmbargoBreach records an embargo broken.
type EmbargoBreach struct {
	// Where is where the issue was seen in public: a URL or a description.
	Where string
	// Reaction is what the team did or will do about it.
	Reaction string
}

// MarkEmbargoBroken records that case key's issue was public before the
// embargo's end, where it was seen and the team's reaction. Marking again
// updates where and the reaction and keeps the first time. The embargo's
// end and its alarm stay: a broken embargo still owes a disclosure.
func (s *Service) MarkEmbargoBroken(ctx context.Context, actor *authz.Actor, key string, in EmbargoBreach) (*store.Case, error) {
	where, err := validation.Text("where", in.Where, true, MaxEmbargoWhere, true)
	if err != nil {
		return nil, err
	}
	reaction, err := validation.Text("reaction", in.Reaction, false, MaxEmbargoReaction, true)
	if err != nil {
		return nil, err
	}
	var c *store.Case
	err = s.Store.Write(ctx, func(tx *store.Tx) error {
		if c, err = load(ctx, tx, key); err != nil {
			return err
		}
		if c.DisclosedAt != 0 {
			return validation.Conflictf("case %s is disclosed: its embargo can no longer be broken", c.Key)
		}
		rec, err := tx.EmbargoOf(ctx, c.ID)
		if err != nil {
			return err
		}
		before := map[string]any{"broken_at": rec.BrokenAt, "where": rec.BrokenWhere, "reaction": rec.BrokenReaction}
		if rec.BrokenAt == 0 {
			rec.BrokenAt = clock.Millis(s.Clock.Now())
		}
		rec.BrokenWhere, rec.BrokenReaction = where, reaction
		if err := tx.PutEmbargo(ctx, c.ID, rec); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "case.embargo.broken", c, "", "", before,
			map[string]any{"broken_at": rec.BrokenAt, "where": where, "reaction": reaction})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}
