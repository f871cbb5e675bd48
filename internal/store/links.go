// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"fmt"
)

// The kinds of link between two cases.
const (
	LinkDuplicateOf = "duplicate-of" // CaseID duplicates OtherID, the original
	LinkSplitFrom   = "split-from"   // CaseID was split out of OtherID
	LinkRelated     = "related"      // either way
)

// CaseLink is one link between two cases.
type CaseLink struct {
	ID         int64
	CaseID     int64
	OtherID    int64
	Kind       string
	CreditKept bool
	CreatedBy  int64
	CreatedAt  int64
}

// LinkedCase is a link seen from one of its cases: the case at the other
// end, and whether the link points out of the case it was read for
// (Outgoing: "this case is a duplicate of Case") or into it ("Case is a
// duplicate of this case").
type LinkedCase struct {
	Link     CaseLink
	Outgoing bool
	Case     *Case
}

// CreateCaseLink inserts l and sets its ID; the same link twice is
// ErrConflict.
func (t *Tx) CreateCaseLink(ctx context.Context, l *CaseLink) error {
	err := t.queryRow(ctx, `INSERT INTO case_links (case_id, other_id, kind, credit_kept, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		l.CaseID, l.OtherID, l.Kind, b2i(l.CreditKept), nullable(l.CreatedBy), l.CreatedAt).Scan(&l.ID)
	if isUniqueViolation(err) {
		return ErrConflict
	}
	if err != nil {
		return fmt.Errorf("store: unable to link cases: %w", err)
	}
	return nil
}

// DeleteCaseLink removes link id of case caseID (at either end) and
// returns it; ErrNotFound when there is no such link.
func (t *Tx) DeleteCaseLink(ctx context.Context, caseID, id int64) (*CaseLink, error) {
	l := &CaseLink{}
	var kept int64
	err := t.queryRow(ctx, `DELETE FROM case_links WHERE id = $1 AND (case_id = $2 OR other_id = $2)
		RETURNING id, case_id, other_id, kind, credit_kept, COALESCE(created_by, 0), created_at`, id, caseID).
		Scan(&l.ID, &l.CaseID, &l.OtherID, &l.Kind, &kept, &l.CreatedBy, &l.CreatedAt)
	if err != nil {
		return nil, notFound(err, "case link")
	}
	l.CreditKept = kept != 0
	return l, nil
}

// CaseLinks returns every link of case caseID, at either end, with the
// case at the other end, oldest first.
func (t *Tx) CaseLinks(ctx context.Context, caseID int64) ([]*LinkedCase, error) {
	rows, err := t.query(ctx, `SELECT l.id, l.case_id, l.other_id, l.kind, l.credit_kept, COALESCE(l.created_by, 0), l.created_at, `+
		caseColumns+` FROM case_links l
		JOIN cases c ON c.id = CASE WHEN l.case_id = $1 THEN l.other_id ELSE l.case_id END
		JOIN projects p ON p.id = c.project_id
		WHERE l.case_id = $1 OR l.other_id = $1 ORDER BY l.id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to load case links: %w", err)
	}
	defer rows.Close()
	var out []*LinkedCase
	for rows.Next() {
		var lc LinkedCase
		var kept int64
		var linkCols [7]any
		linkCols[0], linkCols[1], linkCols[2], linkCols[3] = &lc.Link.ID, &lc.Link.CaseID, &lc.Link.OtherID, &lc.Link.Kind
		linkCols[4], linkCols[5], linkCols[6] = &kept, &lc.Link.CreatedBy, &lc.Link.CreatedAt
		c, err := scanCase(prefixScanner{row: rows, prefix: linkCols[:]})
		if err != nil {
			return nil, fmt.Errorf("store: unable to load case links: %w", err)
		}
		lc.Link.CreditKept = kept != 0
		lc.Outgoing = lc.Link.CaseID == caseID
		lc.Case = c
		out = append(out, &lc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to load case links: %w", err)
	}
	return out, nil
}

// prefixScanner scans the columns before a case's into prefix, then hands
// the rest to scanCase.
type prefixScanner struct {
	row    interface{ Scan(...any) error }
	prefix []any
}

func (p prefixScanner) Scan(dest ...any) error {
	return p.row.Scan(append(append([]any{}, p.prefix...), dest...)...)
}

// DuplicateOriginal returns the ID of the case that case caseID is marked
// a duplicate of, 0 when it is none.
func (t *Tx) DuplicateOriginal(ctx context.Context, caseID int64) (int64, error) {
	ids, err := t.listIDs(ctx, "duplicate original",
		`SELECT other_id FROM case_links WHERE case_id = $1 AND kind = $2 ORDER BY id LIMIT 1`, caseID, LinkDuplicateOf)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// RepointDuplicates makes the cases marked duplicates of case from
// duplicates of case to instead, so that duplicates always point at the
// first report of an issue, and returns how many it moved.
func (t *Tx) RepointDuplicates(ctx context.Context, from, to int64) (int64, error) {
	res, err := t.exec(ctx, `UPDATE case_links SET other_id = $2 WHERE other_id = $1 AND kind = $3
		AND case_id <> $2`, from, to, LinkDuplicateOf)
	if err != nil {
		return 0, fmt.Errorf("store: unable to move duplicates: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// DeleteDuplicateLink removes the link that marks case caseID a
// duplicate, when its rejection is undone.
func (t *Tx) DeleteDuplicateLink(ctx context.Context, caseID int64) error {
	if _, err := t.exec(ctx, `DELETE FROM case_links WHERE case_id = $1 AND kind = $2`, caseID, LinkDuplicateOf); err != nil {
		return fmt.Errorf("store: unable to remove duplicate link: %w", err)
	}
	return nil
}
