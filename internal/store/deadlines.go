// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// Deadline is one promise a case is under: acknowledge, first assessment,
// fix or embargo end. internal/deadlines derives them; the store keeps them
// so that the scheduler can find the due ones with one index range.
type Deadline struct {
	CaseID int64
	Kind   string
	// Basis names the inputs DueAt was computed from; while it stays the
	// same, DueAt stays frozen even if the project's policy changes.
	Basis       string
	StartedAt   int64
	DueAt       int64
	RemindAt    int64
	MetAt       int64 // 0 while the promise is open
	CancelledAt int64 // the case was rejected or closed before it was kept
	RemindedAt  int64
	AlarmedAt   int64
	// NextCheckAt is when the scheduler must look at the row next; 0 when
	// neither a reminder nor an alarm is owed.
	NextCheckAt int64
}

// Open reports whether the promise is neither kept nor cancelled.
func (d *Deadline) Open() bool { return d.MetAt == 0 && d.CancelledAt == 0 }

const deadlineColumns = `case_id, kind, basis, started_at, due_at, remind_at, met_at, cancelled_at, reminded_at, alarmed_at, next_check_at`

func scanDeadline(row interface{ Scan(...any) error }) (*Deadline, error) {
	var d Deadline
	var next sql.NullInt64
	if err := row.Scan(&d.CaseID, &d.Kind, &d.Basis, &d.StartedAt, &d.DueAt, &d.RemindAt, &d.MetAt, &d.CancelledAt,
		&d.RemindedAt, &d.AlarmedAt, &next); err != nil {
		return nil, err
	}
	d.NextCheckAt = nullTime(next)
	return &d, nil
}

// CaseDeadlines returns a case's deadlines in due order.
func (t *Tx) CaseDeadlines(ctx context.Context, caseID int64) ([]*Deadline, error) {
	return t.listDeadlines(ctx, `SELECT `+deadlineColumns+` FROM case_deadlines WHERE case_id = $1 ORDER BY due_at, kind`, caseID)
}

// DeadlinesOfCases returns the deadlines of each of the given cases, in
// due order; cases without deadlines are absent from the map.
func (t *Tx) DeadlinesOfCases(ctx context.Context, caseIDs []int64) (map[int64][]*Deadline, error) {
	out := make(map[int64][]*Deadline, len(caseIDs))
	if len(caseIDs) == 0 {
		return out, nil
	}
	ph := make([]string, len(caseIDs))
	args := make([]any, len(caseIDs))
	for i, id := range caseIDs {
		ph[i], args[i] = "$"+strconv.Itoa(i+1), id
	}
	list, err := t.listDeadlines(ctx, `SELECT `+deadlineColumns+` FROM case_deadlines WHERE case_id IN (`+
		strings.Join(ph, ", ")+`) ORDER BY case_id, due_at, kind`, args...)
	if err != nil {
		return nil, err
	}
	for _, d := range list {
		out[d.CaseID] = append(out[d.CaseID], d)
	}
	return out, nil
}

// PutDeadline inserts d or replaces the case's deadline of the same kind.
func (t *Tx) PutDeadline(ctx context.Context, d *Deadline) error {
	_, err := t.exec(ctx, `INSERT INTO case_deadlines (`+deadlineColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (case_id, kind) DO UPDATE SET basis = excluded.basis, started_at = excluded.started_at,
			due_at = excluded.due_at, remind_at = excluded.remind_at, met_at = excluded.met_at,
			cancelled_at = excluded.cancelled_at, reminded_at = excluded.reminded_at, alarmed_at = excluded.alarmed_at,
			next_check_at = excluded.next_check_at`,
		d.CaseID, d.Kind, d.Basis, d.StartedAt, d.DueAt, d.RemindAt, d.MetAt, d.CancelledAt, d.RemindedAt, d.AlarmedAt,
		nullable(d.NextCheckAt))
	if err != nil {
		return fmt.Errorf("store: unable to save deadline: %w", err)
	}
	return nil
}

// DeleteDeadline removes a case's deadline of that kind, if any: the
// promise no longer applies (a hand-set date was cleared before the clock
// started, say).
func (t *Tx) DeleteDeadline(ctx context.Context, caseID int64, kind string) error {
	if _, err := t.exec(ctx, `DELETE FROM case_deadlines WHERE case_id = $1 AND kind = $2`, caseID, kind); err != nil {
		return fmt.Errorf("store: unable to delete deadline: %w", err)
	}
	return nil
}

// DeadlinesToCheck returns up to limit deadlines whose next check is at or
// before now, soonest first. On PostgreSQL the rows are claimed with FOR
// UPDATE SKIP LOCKED (only inside Store.Write), so replicas scanning at
// once never remind twice.
func (t *Tx) DeadlinesToCheck(ctx context.Context, now int64, limit int) ([]*Deadline, error) {
	q := `SELECT ` + deadlineColumns + ` FROM case_deadlines WHERE next_check_at IS NOT NULL AND next_check_at <= $1
		ORDER BY next_check_at LIMIT $2`
	if t.engine == Postgres {
		q += ` FOR UPDATE SKIP LOCKED`
	}
	return t.listDeadlines(ctx, q, now, limit)
}

func (t *Tx) listDeadlines(ctx context.Context, q string, args ...any) ([]*Deadline, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list deadlines: %w", err)
	}
	defer rows.Close()
	var out []*Deadline
	for rows.Next() {
		d, err := scanDeadline(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to list deadlines: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// UnsyncedCases returns the IDs of up to limit cases whose deadlines have
// never been derived (cases from before deadlines existed), oldest first.
func (t *Tx) UnsyncedCases(ctx context.Context, limit int) ([]int64, error) {
	return t.listIDs(ctx, "unsynced cases", `SELECT id FROM cases WHERE deadlines_synced_at = 0 ORDER BY id LIMIT $1`, limit)
}

// SetCaseNextDue records the earliest due time of case caseID's open
// deadlines (0: none).
func (t *Tx) SetCaseNextDue(ctx context.Context, caseID, at int64) error {
	if _, err := t.exec(ctx, `UPDATE cases SET next_due_at = $2 WHERE id = $1`, caseID, nullable(at)); err != nil {
		return fmt.Errorf("store: unable to set next due time: %w", err)
	}
	return nil
}

// MarkDeadlinesSynced records that case caseID's deadlines were derived at at.
func (t *Tx) MarkDeadlinesSynced(ctx context.Context, caseID, at int64) error {
	if _, err := t.exec(ctx, `UPDATE cases SET deadlines_synced_at = $2 WHERE id = $1`, caseID, at); err != nil {
		return fmt.Errorf("store: unable to mark deadlines synced: %w", err)
	}
	return nil
}

// CaseByID returns the case with that ID, or ErrNotFound; locked on
// PostgreSQL when forUpdate is set.
func (t *Tx) CaseByID(ctx context.Context, id int64, forUpdate bool) (*Case, error) {
	q := `SELECT ` + caseColumns + ` FROM cases c JOIN projects p ON p.id = c.project_id WHERE c.id = $1`
	if forUpdate && t.engine == Postgres {
		q += " FOR UPDATE OF c"
	}
	c, err := scanCase(t.queryRow(ctx, q, id))
	if err != nil {
		return nil, notFound(err, "case")
	}
	return c, nil
}
