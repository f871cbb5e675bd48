// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"fmt"

	"embargo/internal/audit"
)

// AppendEvent seals e onto the end of the audit chain and stores it, in the
// caller's transaction, so the event commits exactly when the change does.
func (t *Tx) AppendEvent(ctx context.Context, e *audit.Event) error {
	var seq int64
	var hash string
	if err := t.queryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+t.forUpdate()).Scan(&seq, &hash); err != nil {
		return fmt.Errorf("store: unable to read audit head: %w", err)
	}
	audit.Seal(e, seq, hash)
	_, err := t.exec(ctx, `INSERT INTO audit_events (seq, at, actor_id, actor_label, action, project_id, case_id,
		subject_type, subject_id, before_json, after_json, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		e.Seq, e.At, e.ActorID, e.ActorLabel, e.Action, e.ProjectID, e.CaseID, e.SubjectType, e.SubjectID,
		string(e.Before), string(e.After), e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("store: unable to append audit event: %w", err)
	}
	if _, err := t.exec(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, e.Seq, e.Hash); err != nil {
		return fmt.Errorf("store: unable to advance audit head: %w", err)
	}
	return nil
}

const eventColumns = `seq, at, actor_id, actor_label, action, project_id, case_id, subject_type, subject_id, before_json, after_json, prev_hash, hash`

func scanEvent(row interface{ Scan(...any) error }) (*audit.Event, error) {
	var e audit.Event
	var before, after string
	if err := row.Scan(&e.Seq, &e.At, &e.ActorID, &e.ActorLabel, &e.Action, &e.ProjectID, &e.CaseID,
		&e.SubjectType, &e.SubjectID, &before, &after, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	if before != "" {
		e.Before = []byte(before)
	}
	if after != "" {
		e.After = []byte(after)
	}
	return &e, nil
}

// CaseEvents returns up to limit of a case's events, newest first, older
// than beforeSeq when it is non-zero.
func (t *Tx) CaseEvents(ctx context.Context, caseID int64, beforeSeq int64, limit int) ([]*audit.Event, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := `SELECT ` + eventColumns + ` FROM audit_events WHERE case_id = $1`
	args := []any{caseID}
	if beforeSeq > 0 {
		q += ` AND seq < $3`
	}
	q += ` ORDER BY seq DESC LIMIT $2`
	args = append(args, limit)
	if beforeSeq > 0 {
		args = append(args, beforeSeq)
	}
	return t.listEvents(ctx, q, args...)
}

// ProjectEvents returns up to limit of a project's most recent events.
func (t *Tx) ProjectEvents(ctx context.Context, projectID int64, limit int) ([]*audit.Event, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return t.listEvents(ctx, `SELECT `+eventColumns+` FROM audit_events WHERE project_id = $1 ORDER BY seq DESC LIMIT $2`, projectID, limit)
}

func (t *Tx) listEvents(ctx context.Context, q string, args ...any) ([]*audit.Event, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list events: %w", err)
	}
	defer rows.Close()
	var out []*audit.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to list events: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditHead returns the sequence number and hash of the last event.
func (t *Tx) AuditHead(ctx context.Context) (int64, string, error) {
	var seq int64
	var hash string
	if err := t.queryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash); err != nil {
		return 0, "", fmt.Errorf("store: unable to read audit head: %w", err)
	}
	return seq, hash, nil
}

// WalkEvents calls fn for every event in sequence order, reading in
// batches so memory stays flat on large logs. It stops at fn's first error.
func (t *Tx) WalkEvents(ctx context.Context, fn func(*audit.Event) error) error {
	var after int64 = -1
	for {
		batch, err := t.listEvents(ctx, `SELECT `+eventColumns+` FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT 1000`, after)
		if err != nil {
			return err
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
			after = e.Seq
		}
		if len(batch) < 1000 {
			return nil
		}
	}
}
