// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// EnsureLabel returns the ID of project projectID's label name, adding it
// to the project's label set (at now) if no case used it before.
func (t *Tx) EnsureLabel(ctx context.Context, projectID int64, name string, now int64) (int64, error) {
	if _, err := t.exec(ctx, `INSERT INTO project_labels (project_id, name, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (project_id, name) DO NOTHING`, projectID, name, now); err != nil {
		return 0, fmt.Errorf("store: unable to add label: %w", err)
	}
	var id int64
	if err := t.queryRow(ctx, `SELECT id FROM project_labels WHERE project_id = $1 AND name = $2`, projectID, name).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: unable to add label: %w", err)
	}
	return id, nil
}

// AddCaseLabel puts label labelID on a case; it reports false when the
// case had it already.
func (t *Tx) AddCaseLabel(ctx context.Context, caseID, labelID int64) (bool, error) {
	res, err := t.exec(ctx, `INSERT INTO case_labels (case_id, label_id, case_number)
		SELECT id, $2, number FROM cases WHERE id = $1 ON CONFLICT DO NOTHING`, caseID, labelID)
	if err != nil {
		return false, fmt.Errorf("store: unable to label case: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RemoveCaseLabel takes the label name off a case of project projectID;
// it reports false when the case did not have it. A label no case carries
// any more leaves the project's label set.
func (t *Tx) RemoveCaseLabel(ctx context.Context, projectID, caseID int64, name string) (bool, error) {
	var labelID int64
	err := t.queryRow(ctx, `SELECT id FROM project_labels WHERE project_id = $1 AND name = $2`, projectID, name).Scan(&labelID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: unable to remove label: %w", err)
	}
	res, err := t.exec(ctx, `DELETE FROM case_labels WHERE case_id = $1 AND label_id = $2`, caseID, labelID)
	if err != nil {
		return false, fmt.Errorf("store: unable to remove label: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if _, err := t.exec(ctx, `DELETE FROM project_labels WHERE id = $1
		AND NOT EXISTS (SELECT 1 FROM case_labels WHERE label_id = $1)`, labelID); err != nil {
		return false, fmt.Errorf("store: unable to remove label: %w", err)
	}
	return true, nil
}

// LabelsOfCases returns the labels of each of the given cases, by name
// ascending, in one query; cases without labels are absent from the map.
func (t *Tx) LabelsOfCases(ctx context.Context, caseIDs []int64) (map[int64][]string, error) {
	out := make(map[int64][]string, len(caseIDs))
	if len(caseIDs) == 0 {
		return out, nil
	}
	ph, args := placeholders(caseIDs)
	rows, err := t.query(ctx, `SELECT cl.case_id, pl.name FROM case_labels cl JOIN project_labels pl ON pl.id = cl.label_id
		WHERE cl.case_id IN (`+ph+`) ORDER BY cl.case_id, pl.name`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to load labels: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("store: unable to load labels: %w", err)
		}
		out[id] = append(out[id], name)
	}
	return out, rows.Err()
}

// ProjectLabels returns the labels the cases of a project carry, by name
// ascending.
func (t *Tx) ProjectLabels(ctx context.Context, projectID int64) ([]string, error) {
	rows, err := t.query(ctx, `SELECT name FROM project_labels WHERE project_id = $1 ORDER BY name`, projectID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list labels: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("store: unable to list labels: %w", err)
		}
		out = append(out, name)
	}
	return out, rows.Err()
}
