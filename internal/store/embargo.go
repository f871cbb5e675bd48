// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Embargo is what a case records of its embargo beyond the project's
// default: the end set by hand and whether it was broken.
type Embargo struct {
	// Start is the moment the embargo counts from, fixed when the end was
	// first set by hand (0 until then).
	Start int64
	// Until is the end set by hand (0: the project's default applies).
	Until int64
	// BrokenAt is when the embargo was recorded broken (0: it holds).
	BrokenAt       int64
	BrokenWhere    string
	BrokenReaction string
}

// EmbargoOf returns case caseID's embargo record, or ErrNotFound if there
// is no such case.
func (t *Tx) EmbargoOf(ctx context.Context, caseID int64) (*Embargo, error) {
	var e Embargo
	err := t.queryRow(ctx, `SELECT embargo_start, embargo_until, broken_at, broken_where, broken_reaction
		FROM cases WHERE id = $1`, caseID).Scan(&e.Start, &e.Until, &e.BrokenAt, &e.BrokenWhere, &e.BrokenReaction)
	if err != nil {
		return nil, notFound(err, "case")
	}
	return &e, nil
}

// PutEmbargo writes case caseID's embargo record.
func (t *Tx) PutEmbargo(ctx context.Context, caseID int64, e *Embargo) error {
	res, err := t.exec(ctx, `UPDATE cases SET embargo_start = $2, embargo_until = $3, broken_at = $4, broken_where = $5,
		broken_reaction = $6 WHERE id = $1`, caseID, e.Start, e.Until, e.BrokenAt, e.BrokenWhere, e.BrokenReaction)
	if err != nil {
		return fmt.Errorf("store: unable to save embargo: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// EmbargoExtension is one move of a case's embargo end to a later date.
type EmbargoExtension struct {
	ID        int64
	CaseID    int64
	FromUntil int64
	ToUntil   int64
	// AskedBy is "team", "reporter" or a participant's name.
	AskedBy string
	Reason  string
	// ReporterAgreed is "yes", "no" or "not-asked".
	ReporterAgreed string
	// OverrideReason is set when the new end lies beyond the policy's
	// maximum.
	OverrideReason string
	CreatedBy      int64
	CreatedByName  string
	CreatedAt      int64
}

// AddEmbargoExtension records x and sets its ID.
func (t *Tx) AddEmbargoExtension(ctx context.Context, x *EmbargoExtension) error {
	err := t.queryRow(ctx, `INSERT INTO case_embargo_extensions (case_id, from_until, to_until, asked_by, reason,
		reporter_agreed, override_reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		x.CaseID, x.FromUntil, x.ToUntil, x.AskedBy, x.Reason, x.ReporterAgreed, x.OverrideReason,
		nullable(x.CreatedBy), x.CreatedAt).Scan(&x.ID)
	if err != nil {
		return fmt.Errorf("store: unable to record embargo extension: %w", err)
	}
	return nil
}

// EmbargoExtensions returns case caseID's extensions, oldest first.
func (t *Tx) EmbargoExtensions(ctx context.Context, caseID int64) ([]*EmbargoExtension, error) {
	rows, err := t.query(ctx, `SELECT x.id, x.case_id, x.from_until, x.to_until, x.asked_by, x.reason, x.reporter_agreed,
		x.override_reason, x.created_by, COALESCE(u.name, ''), x.created_at
		FROM case_embargo_extensions x LEFT JOIN users u ON u.id = x.created_by
		WHERE x.case_id = $1 ORDER BY x.id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list embargo extensions: %w", err)
	}
	defer rows.Close()
	var out []*EmbargoExtension
	for rows.Next() {
		var x EmbargoExtension
		var by sql.NullInt64
		if err := rows.Scan(&x.ID, &x.CaseID, &x.FromUntil, &x.ToUntil, &x.AskedBy, &x.Reason, &x.ReporterAgreed,
			&x.OverrideReason, &by, &x.CreatedByName, &x.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: unable to list embargo extensions: %w", err)
		}
		x.CreatedBy = nullTime(by)
		out = append(out, &x)
	}
	return out, rows.Err()
}
