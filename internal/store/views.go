// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"fmt"
)

// SavedView is a named set of case-list filters that one user keeps for
// one project. Query is the list's normalised query string.
type SavedView struct {
	ID        int64
	UserID    int64
	ProjectID int64
	Name      string
	Query     string
	CreatedAt int64
}

// SaveView stores v, replacing the query of the user's view of the same
// name in the project if there is one, and sets v.ID.
func (t *Tx) SaveView(ctx context.Context, v *SavedView) error {
	err := t.queryRow(ctx, `INSERT INTO saved_views (user_id, project_id, name, query, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (user_id, project_id, name) DO UPDATE SET query = excluded.query RETURNING id, created_at`,
		v.UserID, v.ProjectID, v.Name, v.Query, v.CreatedAt).Scan(&v.ID, &v.CreatedAt)
	if err != nil {
		return fmt.Errorf("store: unable to save view: %w", err)
	}
	return nil
}

// SavedViews returns a user's views of a project, by name.
func (t *Tx) SavedViews(ctx context.Context, userID, projectID int64) ([]*SavedView, error) {
	rows, err := t.query(ctx, `SELECT id, user_id, project_id, name, query, created_at FROM saved_views
		WHERE user_id = $1 AND project_id = $2 ORDER BY name, id`, userID, projectID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list saved views: %w", err)
	}
	defer rows.Close()
	out := []*SavedView{}
	for rows.Next() {
		var v SavedView
		if err := rows.Scan(&v.ID, &v.UserID, &v.ProjectID, &v.Name, &v.Query, &v.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: unable to list saved views: %w", err)
		}
		out = append(out, &v)
	}
	return out, rows.Err()
}

// DeleteSavedView deletes view id if it is the user's view of the
// project, and returns ErrNotFound otherwise: another user's view is
// indistinguishable from none.
func (t *Tx) DeleteSavedView(ctx context.Context, id, userID, projectID int64) error {
	res, err := t.exec(ctx, `DELETE FROM saved_views WHERE id = $1 AND user_id = $2 AND project_id = $3`, id, userID, projectID)
	if err != nil {
		return fmt.Errorf("store: unable to delete saved view: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
