// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"database/sql"
	"fmt"
)

// OutboxMessage is one mail the application means to send. It is written
// in the same transaction as the change that causes it, so a rolled-back
// change sends nothing and a committed one is never forgotten.
type OutboxMessage struct {
	ID        int64
	ProjectID int64 // 0 for instance mail
	CaseID    int64 // 0 when not about a case
	To        string
	Subject   string
	Body      string
	// AutoSubmitted marks mail a program sent on its own (RFC 3834), so
	// that auto-responders do not answer it.
	AutoSubmitted bool
	CreatedAt     int64
	DeliveredAt   int64 // 0 while pending
	DeliveryNote  string
}

const outboxColumns = `id, project_id, case_id, to_addr, subject, body, auto_submitted, created_at, delivered_at, delivery_note`

// EnqueueMail inserts m into the outbox and sets its ID.
func (t *Tx) EnqueueMail(ctx context.Context, m *OutboxMessage) error {
	err := t.queryRow(ctx, `INSERT INTO outbox (project_id, case_id, to_addr, subject, body, auto_submitted, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		nullable(m.ProjectID), nullable(m.CaseID), m.To, m.Subject, m.Body, b2i(m.AutoSubmitted), m.CreatedAt).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("store: unable to enqueue mail: %w", err)
	}
	return nil
}

// PendingMail returns up to limit undelivered messages, oldest first. On
// PostgreSQL the rows are claimed with FOR UPDATE SKIP LOCKED (only inside
// Store.Write), so replicas delivering at once never take the same
// message; SQLite's single writer serialises them anyway.
func (t *Tx) PendingMail(ctx context.Context, limit int) ([]*OutboxMessage, error) {
	q := `SELECT ` + outboxColumns + ` FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT $1`
	if t.engine == Postgres {
		q += ` FOR UPDATE SKIP LOCKED`
	}
	return t.listMail(ctx, q, limit)
}

// ListMail returns a case's outbox messages (caseID 0: every message),
// oldest first.
func (t *Tx) ListMail(ctx context.Context, caseID int64) ([]*OutboxMessage, error) {
	if caseID == 0 {
		return t.listMail(ctx, `SELECT `+outboxColumns+` FROM outbox ORDER BY id`)
	}
	return t.listMail(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE case_id = $1 ORDER BY id`, caseID)
}

func (t *Tx) listMail(ctx context.Context, q string, args ...any) ([]*OutboxMessage, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list mail: %w", err)
	}
	defer rows.Close()
	var out []*OutboxMessage
	for rows.Next() {
		var m OutboxMessage
		var project, cs, delivered sql.NullInt64
		var auto int
		if err := rows.Scan(&m.ID, &project, &cs, &m.To, &m.Subject, &m.Body, &auto, &m.CreatedAt, &delivered, &m.DeliveryNote); err != nil {
			return nil, fmt.Errorf("store: unable to list mail: %w", err)
		}
		m.ProjectID, m.CaseID, m.DeliveredAt, m.AutoSubmitted = nullTime(project), nullTime(cs), nullTime(delivered), auto != 0
		out = append(out, &m)
	}
	return out, rows.Err()
}

// MarkMailDelivered records that message id was handed on at at, with a
// note saying where. A message already delivered is left alone and
// reported as ErrNotFound, so a delivery is never recorded twice.
func (t *Tx) MarkMailDelivered(ctx context.Context, id, at int64, note string) error {
	res, err := t.exec(ctx, `UPDATE outbox SET delivered_at = $2, delivery_note = $3 WHERE id = $1 AND delivered_at IS NULL`,
		id, at, note)
	if err != nil {
		return fmt.Errorf("store: unable to mark mail delivered: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
