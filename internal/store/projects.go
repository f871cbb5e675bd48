// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Project is one product or repository with its own security team, policy
// and case numbering.
type Project struct {
	ID          int64
	Slug        string
	Name        string
	Description string
	RequireMFA  bool
	Settings    string // JSON, interpreted by internal/projects
	ArchivedAt  int64
	CreatedAt   int64
	UpdatedAt   int64
}

const projectColumns = `id, slug, name, description, require_mfa, settings, archived_at, created_at, updated_at`

func scanProject(row interface{ Scan(...any) error }) (*Project, error) {
	var p Project
	var archived sql.NullInt64
	if err := row.Scan(&p.ID, &p.Slug, &p.Name, &p.Description, &p.RequireMFA, &p.Settings, &archived, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return nil, err
	}
	p.ArchivedAt = nullTime(archived)
	return &p, nil
}

// CreateProject inserts p and sets its ID; ErrConflict if the slug is taken.
func (t *Tx) CreateProject(ctx context.Context, p *Project) error {
	err := t.queryRow(ctx, `INSERT INTO projects (slug, name, description, require_mfa, settings, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		p.Slug, p.Name, p.Description, b2i(p.RequireMFA), p.Settings, p.CreatedAt, p.UpdatedAt).Scan(&p.ID)
	if isUniqueViolation(err) {
		return ErrConflict
	}
	if err != nil {
		return fmt.Errorf("store: unable to create project: %w", err)
	}
	return nil
}

// UpdateProject writes every mutable field of p.
func (t *Tx) UpdateProject(ctx context.Context, p *Project) error {
	res, err := t.exec(ctx, `UPDATE projects SET name = $2, description = $3, require_mfa = $4, settings = $5,
		archived_at = $6, updated_at = $7 WHERE id = $1`,
		p.ID, p.Name, p.Description, b2i(p.RequireMFA), p.Settings, nullable(p.ArchivedAt), p.UpdatedAt)
	if err != nil {
		return fmt.Errorf("store: unable to update project: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ProjectBySlug returns ErrNotFound if there is no such project.
func (t *Tx) ProjectBySlug(ctx context.Context, slug string) (*Project, error) {
	p, err := scanProject(t.queryRow(ctx, `SELECT `+projectColumns+` FROM projects WHERE slug = $1`, slug))
	if err != nil {
		return nil, notFound(err, "project")
	}
	return p, nil
}

// ProjectByID returns ErrNotFound if there is no such project.
func (t *Tx) ProjectByID(ctx context.Context, id int64) (*Project, error) {
	p, err := scanProject(t.queryRow(ctx, `SELECT `+projectColumns+` FROM projects WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, "project")
	}
	return p, nil
}

// ListProjects returns every project ordered by name.
func (t *Tx) ListProjects(ctx context.Context) ([]*Project, error) {
	return t.listProjects(ctx, `SELECT `+projectColumns+` FROM projects ORDER BY name, id`)
}

// ListProjectsOfUser returns the projects a user is a member of.
func (t *Tx) ListProjectsOfUser(ctx context.Context, userID int64) ([]*Project, error) {
	return t.listProjects(ctx, `SELECT `+projectColumns+` FROM projects
		WHERE id IN (SELECT project_id FROM project_members WHERE user_id = $1) ORDER BY name, id`, userID)
}

func (t *Tx) listProjects(ctx context.Context, q string, args ...any) ([]*Project, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list projects: %w", err)
	}
	defer rows.Close()
	var out []*Project
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to list projects: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// NextCaseNumber reserves the project's next case number inside the
// caller's transaction: a committed case keeps its number for ever, and a
// rolled-back reservation is returned, so keys have neither reuse nor gaps.
func (t *Tx) NextCaseNumber(ctx context.Context, projectID int64) (int64, error) {
	var n int64
	err := t.queryRow(ctx, `UPDATE projects SET next_case_number = next_case_number + 1 WHERE id = $1 RETURNING next_case_number - 1`, projectID).Scan(&n)
	if err != nil {
		return 0, notFound(err, "project")
	}
	return n, nil
}

// Member is a user's role in a project.
type Member struct {
	ProjectID int64
	UserID    int64
	Role      string
	CreatedAt int64
	Email     string // from the user, for display
	Name      string
	Disabled  bool // the user's account is disabled
}

// SetMember adds a member or changes their role.
func (t *Tx) SetMember(ctx context.Context, m *Member) error {
	_, err := t.exec(ctx, `INSERT INTO project_members (project_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role`, m.ProjectID, m.UserID, m.Role, m.CreatedAt)
	if err != nil {
		return fmt.Errorf("store: unable to set member: %w", err)
	}
	return nil
}

// RemoveMember removes a member; ErrNotFound if they were not one.
func (t *Tx) RemoveMember(ctx context.Context, projectID, userID int64) error {
	res, err := t.exec(ctx, `DELETE FROM project_members WHERE project_id = $1 AND user_id = $2`, projectID, userID)
	if err != nil {
		return fmt.Errorf("store: unable to remove member: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// Membership returns a user's membership in a project, or ErrNotFound.
func (t *Tx) Membership(ctx context.Context, projectID, userID int64) (*Member, error) {
	var m Member
	err := t.queryRow(ctx, `SELECT m.project_id, m.user_id, m.role, m.created_at, u.email, u.name, u.disabled
		FROM project_members m JOIN users u ON u.id = m.user_id WHERE m.project_id = $1 AND m.user_id = $2`, projectID, userID).
		Scan(&m.ProjectID, &m.UserID, &m.Role, &m.CreatedAt, &m.Email, &m.Name, &m.Disabled)
	if err != nil {
		return nil, notFound(err, "membership")
	}
	return &m, nil
}

// ListMembers returns a project's members ordered by name.
func (t *Tx) ListMembers(ctx context.Context, projectID int64) ([]*Member, error) {
	return t.listMembers(ctx, `SELECT m.project_id, m.user_id, m.role, m.created_at, u.email, u.name, u.disabled
		FROM project_members m JOIN users u ON u.id = m.user_id WHERE m.project_id = $1 ORDER BY u.name, u.id`, projectID)
}

// MembershipsOfUser returns every membership a user holds.
func (t *Tx) MembershipsOfUser(ctx context.Context, userID int64) ([]*Member, error) {
	return t.listMembers(ctx, `SELECT m.project_id, m.user_id, m.role, m.created_at, u.email, u.name, u.disabled
		FROM project_members m JOIN users u ON u.id = m.user_id WHERE m.user_id = $1 ORDER BY m.project_id`, userID)
}

func (t *Tx) listMembers(ctx context.Context, q string, args ...any) ([]*Member, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list members: %w", err)
	}
	defer rows.Close()
	var out []*Member
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.ProjectID, &m.UserID, &m.Role, &m.CreatedAt, &m.Email, &m.Name, &m.Disabled); err != nil {
			return nil, fmt.Errorf("store: unable to list members: %w", err)
		}
		out = append(out, &m)
	}
	return out, rows.Err()
}

// Invitation asks someone, by email, to join a project with a role.
type Invitation struct {
	ID         int64
	ProjectID  int64
	Email      string
	Role       string
	TokenHash  string
	InvitedBy  int64
	CreatedAt  int64
	ExpiresAt  int64
	AcceptedAt int64
	AcceptedBy int64
	RevokedAt  int64
	ExpiredAt  int64 // when the expiry was recorded, not when it fell due
}

const invitationColumns = `id, project_id, email, role, token_hash, invited_by, created_at, expires_at, accepted_at, accepted_by, revoked_at, expired_at`

func scanInvitation(row interface{ Scan(...any) error }) (*Invitation, error) {
	var in Invitation
	var by, acc, accBy, rev, exp sql.NullInt64
	if err := row.Scan(&in.ID, &in.ProjectID, &in.Email, &in.Role, &in.TokenHash, &by, &in.CreatedAt, &in.ExpiresAt, &acc, &accBy, &rev, &exp); err != nil {
		return nil, err
	}
	in.InvitedBy, in.AcceptedAt, in.AcceptedBy, in.RevokedAt = nullTime(by), nullTime(acc), nullTime(accBy), nullTime(rev)
	in.ExpiredAt = nullTime(exp)
	return &in, nil
}

// CreateInvitation stores in and sets its ID.
func (t *Tx) CreateInvitation(ctx context.Context, in *Invitation) error {
	in.Email = NormalizeEmail(in.Email)
	err := t.queryRow(ctx, `INSERT INTO invitations (project_id, email, role, token_hash, invited_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		in.ProjectID, in.Email, in.Role, in.TokenHash, nullable(in.InvitedBy), in.CreatedAt, in.ExpiresAt).Scan(&in.ID)
	if err != nil {
		return fmt.Errorf("store: unable to create invitation: %w", err)
	}
	return nil
}

// InvitationByHash returns the open (unaccepted, unrevoked, unexpired)
// invitation with that token hash, or ErrNotFound.
func (t *Tx) InvitationByHash(ctx context.Context, hash string, now int64) (*Invitation, error) {
	in, err := scanInvitation(t.queryRow(ctx, `SELECT `+invitationColumns+` FROM invitations
		WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2`, hash, now))
	if err != nil {
		return nil, notFound(err, "invitation")
	}
	return in, nil
}

// AcceptInvitation marks an open invitation accepted by userID; ErrNotFound
// if it is no longer open.
func (t *Tx) AcceptInvitation(ctx context.Context, id, userID, now int64) error {
	res, err := t.exec(ctx, `UPDATE invitations SET accepted_at = $3, accepted_by = $2
		WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $3`, id, userID, now)
	if err != nil {
		return fmt.Errorf("store: unable to accept invitation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// RevokeInvitation revokes an open invitation of a project.
func (t *Tx) RevokeInvitation(ctx context.Context, projectID, id, now int64) error {
	res, err := t.exec(ctx, `UPDATE invitations SET revoked_at = $3 WHERE id = $1 AND project_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL`, id, projectID, now)
	if err != nil {
		return fmt.Errorf("store: unable to revoke invitation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ExpireInvitations marks every invitation whose time ran out by now and
// that was neither accepted nor revoked as expired, and returns them; an
// invitation is returned once only.
func (t *Tx) ExpireInvitations(ctx context.Context, now int64) ([]*Invitation, error) {
	rows, err := t.query(ctx, `UPDATE invitations SET expired_at = $1
		WHERE accepted_at IS NULL AND revoked_at IS NULL AND expired_at IS NULL AND expires_at <= $1
		RETURNING `+invitationColumns, now)
	if err != nil {
		return nil, fmt.Errorf("store: unable to expire invitations: %w", err)
	}
	defer rows.Close()
	var out []*Invitation
	for rows.Next() {
		in, err := scanInvitation(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to expire invitations: %w", err)
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// ListOpenInvitations returns a project's pending invitations.
func (t *Tx) ListOpenInvitations(ctx context.Context, projectID, now int64) ([]*Invitation, error) {
	rows, err := t.query(ctx, `SELECT `+invitationColumns+` FROM invitations
		WHERE project_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2 ORDER BY id`, projectID, now)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list invitations: %w", err)
	}
	defer rows.Close()
	var out []*Invitation
	for rows.Next() {
		in, err := scanInvitation(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to list invitations: %w", err)
		}
		out = append(out, in)
	}
	return out, rows.Err()
}
