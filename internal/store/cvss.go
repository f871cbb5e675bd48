// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// CVSS is one CVSS vector a case was given. The latest one is the case's
// current score; one with an empty Vector records that the score was
// cleared.
type CVSS struct {
	ID        int64
	CaseID    int64
	Vector    string // normalised; "" when cleared
	Version   string // "3.1" or "4.0"; "" when cleared
	Score     int    // in tenths: 75 for 7.5
	Rating    string // None, Low, Medium, High or Critical; "" when cleared
	SetBy     int64
	SetByName string // the user's name when read back; "" if deleted
	SetAt     int64
}

const cvssColumns = `v.id, v.case_id, v.vector, v.version, v.score, v.rating, v.set_by, COALESCE(u.name, ''), v.set_at`

func scanCVSS(row interface{ Scan(...any) error }) (*CVSS, error) {
	var v CVSS
	var by sql.NullInt64
	if err := row.Scan(&v.ID, &v.CaseID, &v.Vector, &v.Version, &v.Score, &v.Rating, &by, &v.SetByName, &v.SetAt); err != nil {
		return nil, err
	}
	v.SetBy = nullTime(by)
	return &v, nil
}

// AddCVSS appends v to its case's CVSS history and sets its ID.
func (t *Tx) AddCVSS(ctx context.Context, v *CVSS) error {
	err := t.queryRow(ctx, `INSERT INTO case_cvss (case_id, vector, version, score, rating, set_by, set_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		v.CaseID, v.Vector, v.Version, v.Score, v.Rating, nullable(v.SetBy), v.SetAt).Scan(&v.ID)
	if err != nil {
		return fmt.Errorf("store: unable to add CVSS vector: %w", err)
	}
	return nil
}

// LatestCVSS returns the latest CVSS entry of a case (possibly a
// clearing one, with an empty Vector), or ErrNotFound if it never had one.
func (t *Tx) LatestCVSS(ctx context.Context, caseID int64) (*CVSS, error) {
	v, err := scanCVSS(t.queryRow(ctx, `SELECT `+cvssColumns+` FROM case_cvss v LEFT JOIN users u ON u.id = v.set_by
		WHERE v.case_id = $1 ORDER BY v.id DESC LIMIT 1`, caseID))
	if err != nil {
		return nil, notFound(err, "CVSS vector")
	}
	return v, nil
}

// CVSSHistory returns every CVSS entry of a case, newest first.
func (t *Tx) CVSSHistory(ctx context.Context, caseID int64) ([]*CVSS, error) {
	rows, err := t.query(ctx, `SELECT `+cvssColumns+` FROM case_cvss v LEFT JOIN users u ON u.id = v.set_by
		WHERE v.case_id = $1 ORDER BY v.id DESC`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to load CVSS history: %w", err)
	}
	defer rows.Close()
	var out []*CVSS
	for rows.Next() {
		v, err := scanCVSS(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to load CVSS history: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// CurrentCVSSOfCases returns the current CVSS entry of each of the given
// cases in one query; cases that never had one, or whose latest entry
// cleared it, are absent from the map.
func (t *Tx) CurrentCVSSOfCases(ctx context.Context, caseIDs []int64) (map[int64]*CVSS, error) {
	out := make(map[int64]*CVSS, len(caseIDs))
	if len(caseIDs) == 0 {
		return out, nil
	}
	ph, args := placeholders(caseIDs)
	rows, err := t.query(ctx, `SELECT `+cvssColumns+` FROM case_cvss v LEFT JOIN users u ON u.id = v.set_by
		WHERE v.id IN (SELECT MAX(id) FROM case_cvss WHERE case_id IN (`+ph+`) GROUP BY case_id)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to load CVSS vectors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scanCVSS(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to load CVSS vectors: %w", err)
		}
		if v.Vector != "" {
			out[v.CaseID] = v
		}
	}
	return out, rows.Err()
}

// SetCaseCWEs replaces the CWE entries (by number: 79 for CWE-79) a case
// is classified under.
func (t *Tx) SetCaseCWEs(ctx context.Context, caseID int64, cweIDs []int) error {
	if _, err := t.exec(ctx, `DELETE FROM case_cwes WHERE case_id = $1`, caseID); err != nil {
		return fmt.Errorf("store: unable to clear CWEs: %w", err)
	}
	for _, id := range cweIDs {
		if _, err := t.exec(ctx, `INSERT INTO case_cwes (case_id, cwe_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, caseID, id); err != nil {
			return fmt.Errorf("store: unable to add CWE: %w", err)
		}
	}
	return nil
}

// CWEsOfCases returns the CWE numbers of each of the given cases,
// ascending, in one query; cases without any are absent from the map.
func (t *Tx) CWEsOfCases(ctx context.Context, caseIDs []int64) (map[int64][]int, error) {
	out := make(map[int64][]int, len(caseIDs))
	if len(caseIDs) == 0 {
		return out, nil
	}
	ph, args := placeholders(caseIDs)
	rows, err := t.query(ctx, `SELECT case_id, cwe_id FROM case_cwes WHERE case_id IN (`+ph+`) ORDER BY case_id, cwe_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to load CWEs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var caseID int64
		var id int
		if err := rows.Scan(&caseID, &id); err != nil {
			return nil, fmt.Errorf("store: unable to load CWEs: %w", err)
		}
		out[caseID] = append(out[caseID], id)
	}
	return out, rows.Err()
}

// placeholders returns "$1, $2, …" for ids and the matching arguments.
func placeholders(ids []int64) (string, []any) {
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i], args[i] = "$"+strconv.Itoa(i+1), id
	}
	return strings.Join(ph, ", "), args
}
