// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"fmt"
)

// Kinds of report block.
const (
	BlockAddress = "address" // a client IP address
	BlockKey     = "key"     // a reporter OpenPGP key fingerprint
)

// ReportBlock is one sender a project refuses reports from.
type ReportBlock struct {
	ID        int64
	ProjectID int64
	Kind      string // BlockAddress or BlockKey
	Value     string // the address, or the upper-case hex fingerprint
	CaseID    int64  // the spam case that caused it; 0 once that case is gone
	CaseKey   string // filled by ListReportBlocks; "" when CaseID is 0
	CreatedBy int64
	CreatedAt int64
}

// SetReportAddress records the client address case caseID's report was
// sent from. The address is kept only so that the report can be blocked
// as spam; it goes with the case.
func (t *Tx) SetReportAddress(ctx context.Context, caseID int64, address string) error {
	if _, err := t.exec(ctx, `INSERT INTO report_addresses (case_id, address) VALUES ($1, $2)`, caseID, address); err != nil {
		return fmt.Errorf("store: unable to record report address: %w", err)
	}
	return nil
}

// ReportAddress returns the client address case caseID's report was sent
// from, or ErrNotFound when none was recorded.
func (t *Tx) ReportAddress(ctx context.Context, caseID int64) (string, error) {
	var address string
	err := t.queryRow(ctx, `SELECT address FROM report_addresses WHERE case_id = $1`, caseID).Scan(&address)
	if err != nil {
		return "", notFound(err, "report address")
	}
	return address, nil
}

// CreateReportBlock stores b and sets its ID. It returns ErrConflict when
// the project already blocks that value.
func (t *Tx) CreateReportBlock(ctx context.Context, b *ReportBlock) error {
	err := t.queryRow(ctx, `INSERT INTO report_blocks (project_id, kind, value, case_id, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		b.ProjectID, b.Kind, b.Value, nullable(b.CaseID), nullable(b.CreatedBy), b.CreatedAt).Scan(&b.ID)
	if isUniqueViolation(err) {
		return ErrConflict
	}
	if err != nil {
		return fmt.Errorf("store: unable to create report block: %w", err)
	}
	return nil
}

// ReportBlockByID returns project projectID's block id, or ErrNotFound.
func (t *Tx) ReportBlockByID(ctx context.Context, projectID, id int64) (*ReportBlock, error) {
	b, err := scanReportBlock(t.queryRow(ctx, `SELECT `+reportBlockColumns+` FROM report_blocks b
		LEFT JOIN cases c ON c.id = b.case_id WHERE b.project_id = $1 AND b.id = $2`, projectID, id))
	if err != nil {
		return nil, notFound(err, "report block")
	}
	return b, nil
}

// ListReportBlocks returns project projectID's blocks, newest first.
func (t *Tx) ListReportBlocks(ctx context.Context, projectID int64) ([]*ReportBlock, error) {
	rows, err := t.query(ctx, `SELECT `+reportBlockColumns+` FROM report_blocks b
		LEFT JOIN cases c ON c.id = b.case_id WHERE b.project_id = $1 ORDER BY b.id DESC`, projectID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list report blocks: %w", err)
	}
	defer rows.Close()
	var out []*ReportBlock
	for rows.Next() {
		b, err := scanReportBlock(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to list report blocks: %w", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to list report blocks: %w", err)
	}
	return out, nil
}

// DeleteReportBlock removes project projectID's block id; ErrNotFound if
// there is none.
func (t *Tx) DeleteReportBlock(ctx context.Context, projectID, id int64) error {
	res, err := t.exec(ctx, `DELETE FROM report_blocks WHERE project_id = $1 AND id = $2`, projectID, id)
	if err != nil {
		return fmt.Errorf("store: unable to delete report block: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ReportBlocked reports whether project projectID blocks the client
// address or the key fingerprint (either may be "", which matches
// nothing).
func (t *Tx) ReportBlocked(ctx context.Context, projectID int64, address, fingerprint string) (bool, error) {
	var n int64
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM report_blocks WHERE project_id = $1
		AND ((kind = 'address' AND value = $2 AND $2 <> '') OR (kind = 'key' AND value = $3 AND $3 <> ''))`,
		projectID, address, fingerprint).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: unable to check report blocks: %w", err)
	}
	return n > 0, nil
}

const reportBlockColumns = `b.id, b.project_id, b.kind, b.value, COALESCE(b.case_id, 0), COALESCE(c.case_key, ''),
	COALESCE(b.created_by, 0), b.created_at`

func scanReportBlock(row interface{ Scan(...any) error }) (*ReportBlock, error) {
	var b ReportBlock
	if err := row.Scan(&b.ID, &b.ProjectID, &b.Kind, &b.Value, &b.CaseID, &b.CaseKey, &b.CreatedBy, &b.CreatedAt); err != nil {
		return nil, err
	}
	return &b, nil
}
