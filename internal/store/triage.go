// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Triage is a case's triage record. Affected is the JSON text of the
// affected packages (the OSV model of internal/triage), validated before
// it is written.
type Triage struct {
	CaseID               int64
	ReproStatus          string
	ReproEnvironment     string
	ReproSteps           string
	ReproBy              int64
	ReproByName          string // the user's name when read back
	ReproAt              int64
	Decision             string // "", "confirmed" or "rejected"
	DecisionReason       string
	DecidedBy            int64
	DecidedByName        string
	DecidedAt            int64
	ImpactGain           string
	ImpactPreconditions  string
	ImpactConfigurations string
	Affected             string // JSON array
	Notes                string
	Exploitation         string
	UpdatedBy            int64
	UpdatedAt            int64
}

// PriorityOverride is a priority a responder chose over the derived one.
type PriorityOverride struct {
	CaseID    int64
	Priority  string
	Reason    string
	SetBy     int64
	SetByName string
	SetAt     int64
}

// Plan is a case's remediation plan. FixRefs is the JSON text of its typed
// fix references.
type Plan struct {
	CaseID        int64
	TargetRelease string
	FixRefs       string // JSON array
	OwnerID       int64
	OwnerName     string
	DueDate       string // YYYY-MM-DD set by hand; "" for none
	UpdatedBy     int64
	UpdatedAt     int64
}

// TriageOf returns a case's triage record, or ErrNotFound if it has none.
func (t *Tx) TriageOf(ctx context.Context, caseID int64) (*Triage, error) {
	var r Triage
	var reproBy, decidedBy, updatedBy sql.NullInt64
	err := t.queryRow(ctx, `SELECT t.case_id, t.repro_status, t.repro_environment, t.repro_steps, t.repro_by,
		COALESCE(ru.name, ''), t.repro_at, t.decision, t.decision_reason, t.decided_by, COALESCE(du.name, ''),
		t.decided_at, t.impact_gain, t.impact_preconditions, t.impact_configurations, t.affected, t.notes,
		t.exploitation, t.updated_by, t.updated_at
		FROM case_triage t LEFT JOIN users ru ON ru.id = t.repro_by LEFT JOIN users du ON du.id = t.decided_by
		WHERE t.case_id = $1`, caseID).Scan(&r.CaseID, &r.ReproStatus, &r.ReproEnvironment, &r.ReproSteps, &reproBy,
		&r.ReproByName, &r.ReproAt, &r.Decision, &r.DecisionReason, &decidedBy, &r.DecidedByName,
		&r.DecidedAt, &r.ImpactGain, &r.ImpactPreconditions, &r.ImpactConfigurations, &r.Affected, &r.Notes,
		&r.Exploitation, &updatedBy, &r.UpdatedAt)
	if err != nil {
		return nil, notFound(err, "triage record")
	}
	r.ReproBy, r.DecidedBy, r.UpdatedBy = nullTime(reproBy), nullTime(decidedBy), nullTime(updatedBy)
	return &r, nil
}

// PutTriage writes a case's triage record, replacing any previous one.
func (t *Tx) PutTriage(ctx context.Context, r *Triage) error {
	_, err := t.exec(ctx, `INSERT INTO case_triage (case_id, repro_status, repro_environment, repro_steps, repro_by,
		repro_at, decision, decision_reason, decided_by, decided_at, impact_gain, impact_preconditions,
		impact_configurations, affected, notes, exploitation, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
		ON CONFLICT (case_id) DO UPDATE SET repro_status = excluded.repro_status,
		repro_environment = excluded.repro_environment, repro_steps = excluded.repro_steps,
		repro_by = excluded.repro_by, repro_at = excluded.repro_at, decision = excluded.decision,
		decision_reason = excluded.decision_reason, decided_by = excluded.decided_by,
		decided_at = excluded.decided_at, impact_gain = excluded.impact_gain,
		impact_preconditions = excluded.impact_preconditions,
		impact_configurations = excluded.impact_configurations, affected = excluded.affected,
		notes = excluded.notes, exploitation = excluded.exploitation, updated_by = excluded.updated_by,
		updated_at = excluded.updated_at`,
		r.CaseID, r.ReproStatus, r.ReproEnvironment, r.ReproSteps, nullable(r.ReproBy), r.ReproAt, r.Decision,
		r.DecisionReason, nullable(r.DecidedBy), r.DecidedAt, r.ImpactGain, r.ImpactPreconditions,
		r.ImpactConfigurations, r.Affected, r.Notes, r.Exploitation, nullable(r.UpdatedBy), r.UpdatedAt)
	if err != nil {
		return fmt.Errorf("store: unable to save triage record: %w", err)
	}
	return nil
}

// PriorityOverrideOf returns a case's priority override, or ErrNotFound if
// its priority is the derived one.
func (t *Tx) PriorityOverrideOf(ctx context.Context, caseID int64) (*PriorityOverride, error) {
	var o PriorityOverride
	var by sql.NullInt64
	err := t.queryRow(ctx, `SELECT o.case_id, o.priority, o.reason, o.set_by, COALESCE(u.name, ''), o.set_at
		FROM case_priority_overrides o LEFT JOIN users u ON u.id = o.set_by WHERE o.case_id = $1`, caseID).
		Scan(&o.CaseID, &o.Priority, &o.Reason, &by, &o.SetByName, &o.SetAt)
	if err != nil {
		return nil, notFound(err, "priority override")
	}
	o.SetBy = nullTime(by)
	return &o, nil
}

// PriorityOverridesOfCases returns the priority overrides of the given
// cases in one query; cases without one are absent from the map.
func (t *Tx) PriorityOverridesOfCases(ctx context.Context, caseIDs []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(caseIDs))
	if len(caseIDs) == 0 {
		return out, nil
	}
	ph, args := placeholders(caseIDs)
	rows, err := t.query(ctx, `SELECT case_id, priority FROM case_priority_overrides WHERE case_id IN (`+ph+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to load priority overrides: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p string
		if err := rows.Scan(&id, &p); err != nil {
			return nil, fmt.Errorf("store: unable to load priority overrides: %w", err)
		}
		out[id] = p
	}
	return out, rows.Err()
}

// ExploitationOfCases returns the exploitation status recorded in the
// triage records of the given cases; cases without a record are absent.
func (t *Tx) ExploitationOfCases(ctx context.Context, caseIDs []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(caseIDs))
	if len(caseIDs) == 0 {
		return out, nil
	}
	ph, args := placeholders(caseIDs)
	rows, err := t.query(ctx, `SELECT case_id, exploitation FROM case_triage WHERE case_id IN (`+ph+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to load exploitation status: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var e string
		if err := rows.Scan(&id, &e); err != nil {
			return nil, fmt.Errorf("store: unable to load exploitation status: %w", err)
		}
		out[id] = e
	}
	return out, rows.Err()
}

// SetPriorityOverride records o as its case's priority override, replacing
// any previous one.
func (t *Tx) SetPriorityOverride(ctx context.Context, o *PriorityOverride) error {
	_, err := t.exec(ctx, `INSERT INTO case_priority_overrides (case_id, priority, reason, set_by, set_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id) DO UPDATE SET priority = excluded.priority,
		reason = excluded.reason, set_by = excluded.set_by, set_at = excluded.set_at`,
		o.CaseID, o.Priority, o.Reason, nullable(o.SetBy), o.SetAt)
	if err != nil {
		return fmt.Errorf("store: unable to save priority override: %w", err)
	}
	return nil
}

// ClearPriorityOverride removes a case's priority override, if any.
func (t *Tx) ClearPriorityOverride(ctx context.Context, caseID int64) error {
	if _, err := t.exec(ctx, `DELETE FROM case_priority_overrides WHERE case_id = $1`, caseID); err != nil {
		return fmt.Errorf("store: unable to clear priority override: %w", err)
	}
	return nil
}

// PlanOf returns a case's remediation plan, or ErrNotFound if it has none.
func (t *Tx) PlanOf(ctx context.Context, caseID int64) (*Plan, error) {
	var p Plan
	var owner, by sql.NullInt64
	err := t.queryRow(ctx, `SELECT p.case_id, p.target_release, p.fix_refs, p.owner_id, COALESCE(u.name, ''),
		p.due_date, p.updated_by, p.updated_at FROM case_plans p LEFT JOIN users u ON u.id = p.owner_id
		WHERE p.case_id = $1`, caseID).
		Scan(&p.CaseID, &p.TargetRelease, &p.FixRefs, &owner, &p.OwnerName, &p.DueDate, &by, &p.UpdatedAt)
	if err != nil {
		return nil, notFound(err, "remediation plan")
	}
	p.OwnerID, p.UpdatedBy = nullTime(owner), nullTime(by)
	return &p, nil
}

// PutPlan writes a case's remediation plan, replacing any previous one.
func (t *Tx) PutPlan(ctx context.Context, p *Plan) error {
	_, err := t.exec(ctx, `INSERT INTO case_plans (case_id, target_release, fix_refs, owner_id, due_date, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_id) DO UPDATE SET
		target_release = excluded.target_release, fix_refs = excluded.fix_refs, owner_id = excluded.owner_id,
		due_date = excluded.due_date, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		p.CaseID, p.TargetRelease, p.FixRefs, nullable(p.OwnerID), p.DueDate, nullable(p.UpdatedBy), p.UpdatedAt)
	if err != nil {
		return fmt.Errorf("store: unable to save remediation plan: %w", err)
	}
	return nil
}
