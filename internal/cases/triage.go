// SPDX-License-Identifier: AGPL-3.0-or-later

package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"

	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/projects"
	"embargo/internal/store"
	"embargo/internal/triage"
	"embargo/internal/validation"
)

// Due date sources.
const (
	DueManual = "manual" // set by a responder
	DuePolicy = "policy" // the project's fix target for the severity, from the confirmation date
)

// Triage is a case's triage record with its priority and remediation plan,
// as shown to responders. A case never triaged has a record with the
// defaults (not tried, pending, no exploitation known).
type Triage struct {
	Record   store.Triage
	Affected []triage.Affected
	Override *store.PriorityOverride // nil when the priority is derived
	Plan     store.Plan
	FixRefs  []triage.FixRef
	Priority
	DueDate   string // YYYY-MM-DD; "" when none can be set yet
	DueSource string // DueManual, DuePolicy or ""
}

// Priority is a case's priority and where it comes from.
type Priority struct {
	Severity string // the CVSS rating, lower-cased, or else the case's severity
	Derived  string // from Severity and the exploitation status
	Value    string // Derived, or the override
	Source   string // triage.SourceDerived or triage.SourceOverride
}

// PriorityOf works out a case's priority; rating is its current CVSS
// rating ("" for none), exploitation its exploitation status ("" for none
// known) and override its override ("" for none).
func PriorityOf(c *store.Case, rating, exploitation, override string) Priority {
	p := Priority{Severity: c.Severity}
	if rating != "" {
		p.Severity = strings.ToLower(rating)
	}
	p.Derived = triage.DerivePriority(p.Severity, exploitation)
	p.Value, p.Source = p.Derived, triage.SourceDerived
	if override != "" {
		p.Value, p.Source = override, triage.SourceOverride
	}
	return p
}

// Priorities returns the priority of each of the given cases, in three
// queries.
func (s *Service) Priorities(ctx context.Context, cs []*store.Case) (map[int64]Priority, error) {
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	out := make(map[int64]Priority, len(cs))
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		scores, err := tx.CurrentCVSSOfCases(ctx, ids)
		if err != nil {
			return err
		}
		exploitation, err := tx.ExploitationOfCases(ctx, ids)
		if err != nil {
			return err
		}
		overrides, err := tx.PriorityOverridesOfCases(ctx, ids)
		if err != nil {
			return err
		}
		for _, c := range cs {
			rating := ""
			if v := scores[c.ID]; v != nil {
				rating = v.Rating
			}
			out[c.ID] = PriorityOf(c, rating, exploitation[c.ID], overrides[c.ID])
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cases: priorities: %w", err)
	}
	return out, nil
}

// TriageOf returns case c's triage record, priority and plan.
func (s *Service) TriageOf(ctx context.Context, c *store.Case) (*Triage, error) {
	var out *Triage
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = loadTriage(ctx, tx, c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cases: triage: %w", err)
	}
	return out, nil
}

// loadTriage reads everything Triage shows of case c inside tx.
func loadTriage(ctx context.Context, tx *store.Tx, c *store.Case) (*Triage, error) {
	out := &Triage{}
	rec, err := tx.TriageOf(ctx, c.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		rec = &store.Triage{CaseID: c.ID, ReproStatus: triage.NotTried, Affected: "[]", Exploitation: triage.ExploitNone}
	case err != nil:
		return nil, err
	}
	out.Record = *rec
	if err := json.Unmarshal([]byte(rec.Affected), &out.Affected); err != nil {
		return nil, fmt.Errorf("cases: stored affected list of case %s: %w", c.Key, err)
	}
	if out.Affected == nil {
		out.Affected = []triage.Affected{}
	}
	if out.Override, err = tx.PriorityOverrideOf(ctx, c.ID); errors.Is(err, store.ErrNotFound) {
		out.Override, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	plan, err := tx.PlanOf(ctx, c.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		plan = &store.Plan{CaseID: c.ID, FixRefs: "[]"}
	case err != nil:
		return nil, err
	}
	out.Plan = *plan
	if err := json.Unmarshal([]byte(plan.FixRefs), &out.FixRefs); err != nil {
		return nil, fmt.Errorf("cases: stored fix references of case %s: %w", c.Key, err)
	}
	if out.FixRefs == nil {
		out.FixRefs = []triage.FixRef{}
	}
	rating := ""
	if v, err := tx.LatestCVSS(ctx, c.ID); err == nil {
		rating = v.Rating
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	override := ""
	if out.Override != nil {
		override = out.Override.Priority
	}
	out.Priority = PriorityOf(c, rating, rec.Exploitation, override)
	settings, err := projectSettings(ctx, tx, c.ProjectID)
	if err != nil {
		return nil, err
	}
	switch {
	case plan.DueDate != "":
		out.DueDate, out.DueSource = plan.DueDate, DueManual
	case rec.Decision == triage.DecisionConfirm:
		out.DueDate = triage.DueDate(settings.FixTargetDays, out.Severity, clock.FromMillis(rec.DecidedAt), settings.Location())
		if out.DueDate != "" {
			out.DueSource = DuePolicy
		}
	}
	return out, nil
}

// syncPriority works out case c's priority from its severity, current
// CVSS rating, exploitation status and override, all read inside tx, and
// stores it if it changed, so that the queue's priority filter always
// agrees with what the case page shows. Every change to one of those
// calls it in its own transaction.
func syncPriority(ctx context.Context, tx *store.Tx, c *store.Case) error {
	rating := ""
	if v, err := tx.LatestCVSS(ctx, c.ID); err == nil {
		rating = v.Rating
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	exploitation := ""
	if r, err := tx.TriageOf(ctx, c.ID); err == nil {
		exploitation = r.Exploitation
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	override := ""
	if o, err := tx.PriorityOverrideOf(ctx, c.ID); err == nil {
		override = o.Priority
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return storePriority(ctx, tx, c, PriorityOf(c, rating, exploitation, override).Value)
}

// storePriority records p as case c's priority if it differs.
func storePriority(ctx context.Context, tx *store.Tx, c *store.Case, p string) error {
	if c.Priority == p {
		return nil
	}
	if err := tx.SetCasePriority(ctx, c.ID, p); err != nil {
		return err
	}
	c.Priority = p
	return nil
}

func projectSettings(ctx context.Context, tx *store.Tx, projectID int64) (projects.Settings, error) {
	p, err := tx.ProjectByID(ctx, projectID)
	if err != nil {
		return projects.Settings{}, err
	}
	return projects.ParseSettings(p.Settings)
}

// SetTriage replaces case key's triage record, priority override (nil
// clears it) and remediation plan with in, in one transaction, recording
// an audit event with the before and after of each that changed:
// "case.triage", "case.priority" and "case.plan". Who reproduced and who
// decided are the actor, at the clock's time, whenever those parts change.
// Invalid input, a newly named owner who is not a responder or admin of
// the project, or a due date newly set in the past is a *validation.Error naming the field, and
// changes nothing.
func (s *Service) SetTriage(ctx context.Context, actor *authz.Actor, key string, in triage.Input) (*Triage, error) {
	var out *Triage
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		c, err := load(ctx, tx, key)
		if err != nil {
			return err
		}
		old, err := loadTriage(ctx, tx, c)
		if err != nil {
			return err
		}
		settings, err := projectSettings(ctx, tx, c.ProjectID)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		if ps := in.Validate(now.In(settings.Location()), old.Plan.DueDate); len(ps) > 0 {
			return validation.Errorf(ps[0].Path, "%s", ps[0].Message)
		}
		if in.Plan.OwnerID != 0 && in.Plan.OwnerID != old.Plan.OwnerID {
			m, err := tx.Membership(ctx, c.ProjectID, in.Plan.OwnerID)
			if errors.Is(err, store.ErrNotFound) || (err == nil && m.Role != string(authz.RoleResponder) && m.Role != string(authz.RoleAdmin)) {
				return validation.Errorf("plan.owner_id", "user %d is not a responder of this project", in.Plan.OwnerID)
			}
			if err != nil {
				return err
			}
		}
		ms := clock.Millis(now)
		if err := s.putRecord(ctx, tx, actor, c, old, in, ms); err != nil {
			return err
		}
		if err := s.putOverride(ctx, tx, actor, c, old.Override, in.Override, ms); err != nil {
			return err
		}
		if err := s.putPlan(ctx, tx, actor, c, old, in.Plan, ms); err != nil {
			return err
		}
		if in.Decision != triage.DecisionPending && in.Decision != "" && c.AssessedAt == 0 {
			c.AssessedAt = ms
			if err := tx.UpdateCase(ctx, c); err != nil {
				return err
			}
		}
		if err := s.syncDeadlines(ctx, tx, c); err != nil {
			return err
		}
		out, err = loadTriage(ctx, tx, c)
		if err != nil {
			return err
		}
		return storePriority(ctx, tx, c, out.Priority.Value)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) putRecord(ctx context.Context, tx *store.Tx, actor *authz.Actor, c *store.Case, old *Triage, in triage.Input, now int64) error {
	affected, err := json.Marshal(emptyIfNil(in.Affected))
	if err != nil {
		return err
	}
	r := old.Record
	r.ReproByName, r.DecidedByName = "", ""
	if r.ReproStatus != in.ReproductionStatus || r.ReproEnvironment != in.Environment || r.ReproSteps != in.Steps {
		r.ReproStatus, r.ReproEnvironment, r.ReproSteps = in.ReproductionStatus, in.Environment, in.Steps
		r.ReproBy, r.ReproAt = actor.UserID, now
	}
	if r.Decision != in.Decision || r.DecisionReason != in.DecisionReason {
		r.Decision, r.DecisionReason = in.Decision, in.DecisionReason
		r.DecidedBy, r.DecidedAt = actor.UserID, now
		if in.Decision == triage.DecisionPending {
			r.DecidedBy, r.DecidedAt = 0, 0
		}
	}
	r.ImpactGain, r.ImpactPreconditions, r.ImpactConfigurations = in.Gain, in.Preconditions, in.Configurations
	r.Affected, r.Notes, r.Exploitation = string(affected), in.Notes, in.Exploitation
	before, after := recordSnapshot(&old.Record), recordSnapshot(&r)
	if maps.EqualFunc(before, after, func(a, b any) bool { return a == b }) {
		return nil
	}
	r.UpdatedBy, r.UpdatedAt = actor.UserID, now
	if err := tx.PutTriage(ctx, &r); err != nil {
		return err
	}
	return s.record(ctx, tx, actor, "case.triage", c, "", "", before, after)
}

// recordSnapshot is what the audit log records of a triage record; the
// affected list is kept as its JSON text.
func recordSnapshot(r *store.Triage) map[string]any {
	return map[string]any{"reproduction_status": r.ReproStatus, "reproduction_environment": r.ReproEnvironment,
		"reproduction_steps": r.ReproSteps, "decision": r.Decision, "decision_reason": r.DecisionReason,
		"impact_gain": r.ImpactGain, "impact_preconditions": r.ImpactPreconditions,
		"impact_configurations": r.ImpactConfigurations, "affected": r.Affected, "notes": r.Notes,
		"exploitation": r.Exploitation}
}

func (s *Service) putOverride(ctx context.Context, tx *store.Tx, actor *authz.Actor, c *store.Case, old *store.PriorityOverride, in *triage.Override, now int64) error {
	before := map[string]any{"priority_override": nil, "reason": ""}
	if old != nil {
		if in != nil && in.Priority == old.Priority && in.Reason == old.Reason {
			return nil
		}
		before = map[string]any{"priority_override": old.Priority, "reason": old.Reason}
	} else if in == nil {
		return nil
	}
	after := map[string]any{"priority_override": nil, "reason": ""}
	if in == nil {
		if err := tx.ClearPriorityOverride(ctx, c.ID); err != nil {
			return err
		}
	} else {
		if err := tx.SetPriorityOverride(ctx, &store.PriorityOverride{CaseID: c.ID, Priority: in.Priority,
			Reason: in.Reason, SetBy: actor.UserID, SetAt: now}); err != nil {
			return err
		}
		after = map[string]any{"priority_override": in.Priority, "reason": in.Reason}
	}
	return s.record(ctx, tx, actor, "case.priority", c, "", "", before, after)
}

func (s *Service) putPlan(ctx context.Context, tx *store.Tx, actor *authz.Actor, c *store.Case, old *Triage, in triage.PlanInput, now int64) error {
	refs, err := json.Marshal(emptyIfNil(in.FixRefs))
	if err != nil {
		return err
	}
	p := store.Plan{CaseID: c.ID, TargetRelease: in.TargetRelease, FixRefs: string(refs), OwnerID: in.OwnerID,
		DueDate: in.DueDate, UpdatedBy: actor.UserID, UpdatedAt: now}
	before, after := planSnapshot(&old.Plan), planSnapshot(&p)
	if maps.EqualFunc(before, after, func(a, b any) bool { return a == b }) {
		return nil
	}
	if err := tx.PutPlan(ctx, &p); err != nil {
		return err
	}
	return s.record(ctx, tx, actor, "case.plan", c, "", "", before, after)
}

func planSnapshot(p *store.Plan) map[string]any {
	return map[string]any{"target_release": p.TargetRelease, "fix_references": p.FixRefs,
		"owner_id": p.OwnerID, "due_date": p.DueDate}
}

// emptyIfNil makes a nil list encode as [] rather than null.
func emptyIfNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}
