// SPDX-License-Identifier: AGPL-3.0-or-later

package deadlines

import (
	"context"
	"errors"
	"fmt"

	"embargo/internal/projects"
	"embargo/internal/store"
)

// FactsOf reads what the clock needs to know of case c inside tx.
func FactsOf(ctx context.Context, tx *store.Tx, c *store.Case) (Facts, error) {
	f := Facts{State: c.State, Severity: c.Severity, CreatedAt: c.CreatedAt, Milestones: c.Milestones, EmbargoUntil: c.EmbargoUntil}
	r, err := tx.ReportByCase(ctx, c.ID, false)
	switch {
	case err == nil:
		f.ReportedAt, f.AckDueAt = r.SubmittedAt, r.AckDueAt
	case !errors.Is(err, store.ErrNotFound):
		return f, err
	}
	if c.State == "new" {
		// Nothing of triage counts before the case is answered, and a new
		// report is the hot path: skip the lookups.
		return f, nil
	}
	rec, err := tx.TriageOf(ctx, c.ID)
	switch {
	case err == nil:
		if rec.Decision == "confirmed" {
			f.ConfirmedAt = rec.DecidedAt
		}
	case !errors.Is(err, store.ErrNotFound):
		return f, err
	}
	plan, err := tx.PlanOf(ctx, c.ID)
	switch {
	case err == nil:
		f.PlanDueDate = plan.DueDate
	case !errors.Is(err, store.ErrNotFound):
		return f, err
	}
	return f, nil
}

// Sync derives case c's deadlines from its facts and project p's policy
// and writes what changed, inside tx, so that they commit with the change
// that moved them. Callers call it after every change to a case's state,
// severity, triage decision or plan.
func Sync(ctx context.Context, tx *store.Tx, p *store.Project, c *store.Case, now int64) error {
	set, err := projects.ParseSettings(p.Settings)
	if err != nil {
		return fmt.Errorf("deadlines: %w", err)
	}
	f, err := FactsOf(ctx, tx, c)
	if err != nil {
		return fmt.Errorf("deadlines: %w", err)
	}
	var stored map[string]*store.Deadline
	if c.DeadlinesSyncedAt != 0 {
		list, err := tx.CaseDeadlines(ctx, c.ID)
		if err != nil {
			return fmt.Errorf("deadlines: %w", err)
		}
		stored = make(map[string]*store.Deadline, len(list))
		for _, d := range list {
			stored[d.Kind] = d
		}
	}
	want := Compute(f, set, stored, c.ID)
	seen := make(map[string]bool, len(want))
	var next int64
	for _, d := range want {
		seen[d.Kind] = true
		if d.Open() && (next == 0 || d.DueAt < next) {
			next = d.DueAt
		}
		if old := stored[d.Kind]; old != nil && *old == *d {
			continue
		}
		if err := tx.PutDeadline(ctx, d); err != nil {
			return err
		}
	}
	for kind := range stored {
		if !seen[kind] {
			if err := tx.DeleteDeadline(ctx, c.ID, kind); err != nil {
				return err
			}
		}
	}
	if next != c.NextDueAt {
		c.NextDueAt = next
		if err := tx.SetCaseNextDue(ctx, c.ID, next); err != nil {
			return err
		}
	}
	if c.DeadlinesSyncedAt == 0 {
		c.DeadlinesSyncedAt = now
		return tx.MarkDeadlinesSynced(ctx, c.ID, now)
	}
	return nil
}
