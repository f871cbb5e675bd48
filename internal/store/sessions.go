// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Session is a signed-in browser. Only the hash of its cookie is stored.
type Session struct {
	IDHash     string
	UserID     int64
	MFAPending bool // password accepted, second factor still owed
	CreatedAt  int64
	ExpiresAt  int64
	LastSeenAt int64
	UserAgent  string
	RemoteAddr string
}

// CreateSession stores s.
func (t *Tx) CreateSession(ctx context.Context, s *Session) error {
	_, err := t.exec(ctx, `INSERT INTO sessions (id_hash, user_id, mfa_pending, created_at, expires_at, last_seen_at, user_agent, remote_addr)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		s.IDHash, s.UserID, b2i(s.MFAPending), s.CreatedAt, s.ExpiresAt, s.LastSeenAt, s.UserAgent, s.RemoteAddr)
	if err != nil {
		return fmt.Errorf("store: unable to create session: %w", err)
	}
	return nil
}

// SessionByHash returns the unexpired session with that hash, or ErrNotFound.
func (t *Tx) SessionByHash(ctx context.Context, idHash string, now int64) (*Session, error) {
	var s Session
	err := t.queryRow(ctx, `SELECT id_hash, user_id, mfa_pending, created_at, expires_at, last_seen_at, user_agent, remote_addr
		FROM sessions WHERE id_hash = $1 AND expires_at > $2`, idHash, now).
		Scan(&s.IDHash, &s.UserID, &s.MFAPending, &s.CreatedAt, &s.ExpiresAt, &s.LastSeenAt, &s.UserAgent, &s.RemoteAddr)
	if err != nil {
		return nil, notFound(err, "session")
	}
	return &s, nil
}

// CompleteSessionMFA clears the pending second-factor flag.
func (t *Tx) CompleteSessionMFA(ctx context.Context, idHash string) error {
	_, err := t.exec(ctx, `UPDATE sessions SET mfa_pending = 0 WHERE id_hash = $1`, idHash)
	if err != nil {
		return fmt.Errorf("store: unable to update session: %w", err)
	}
	return nil
}

// TouchSession records activity and extends the expiry.
func (t *Tx) TouchSession(ctx context.Context, idHash string, now, expiresAt int64) error {
	_, err := t.exec(ctx, `UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id_hash = $1`, idHash, now, expiresAt)
	if err != nil {
		return fmt.Errorf("store: unable to touch session: %w", err)
	}
	return nil
}

// DeleteSession ends one session.
func (t *Tx) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := t.exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash); err != nil {
		return fmt.Errorf("store: unable to delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user, e.g. after a password
// change or when the account is disabled.
func (t *Tx) DeleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := t.exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("store: unable to delete sessions: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions past their expiry.
func (t *Tx) DeleteExpiredSessions(ctx context.Context, now int64) error {
	if _, err := t.exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, now); err != nil {
		return fmt.Errorf("store: unable to delete expired sessions: %w", err)
	}
	return nil
}

// APIToken is a bearer credential for the API, scoped to one user.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	TokenHash  string
	CreatedAt  int64
	LastUsedAt int64
	RevokedAt  int64
}

const tokenColumns = `id, user_id, name, token_hash, created_at, last_used_at, revoked_at`

func scanToken(row interface{ Scan(...any) error }) (*APIToken, error) {
	var tk APIToken
	var used, revoked sql.NullInt64
	if err := row.Scan(&tk.ID, &tk.UserID, &tk.Name, &tk.TokenHash, &tk.CreatedAt, &used, &revoked); err != nil {
		return nil, err
	}
	tk.LastUsedAt, tk.RevokedAt = nullTime(used), nullTime(revoked)
	return &tk, nil
}

// CreateAPIToken stores tk and sets its ID.
func (t *Tx) CreateAPIToken(ctx context.Context, tk *APIToken) error {
	err := t.queryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		tk.UserID, tk.Name, tk.TokenHash, tk.CreatedAt).Scan(&tk.ID)
	if err != nil {
		return fmt.Errorf("store: unable to create token: %w", err)
	}
	return nil
}

// APITokenByHash returns the unrevoked token with that hash, or ErrNotFound.
func (t *Tx) APITokenByHash(ctx context.Context, hash string) (*APIToken, error) {
	tk, err := scanToken(t.queryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, hash))
	if err != nil {
		return nil, notFound(err, "token")
	}
	return tk, nil
}

// ListAPITokens returns a user's tokens, newest first.
func (t *Tx) ListAPITokens(ctx context.Context, userID int64) ([]*APIToken, error) {
	rows, err := t.query(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list tokens: %w", err)
	}
	defer rows.Close()
	var out []*APIToken
	for rows.Next() {
		tk, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to list tokens: %w", err)
		}
		out = append(out, tk)
	}
	return out, rows.Err()
}

// RevokeAPIToken revokes one of a user's tokens; ErrNotFound if it is not theirs.
func (t *Tx) RevokeAPIToken(ctx context.Context, userID, tokenID, now int64) error {
	res, err := t.exec(ctx, `UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`, tokenID, userID, now)
	if err != nil {
		return fmt.Errorf("store: unable to revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// TouchAPIToken records that a token was used.
func (t *Tx) TouchAPIToken(ctx context.Context, id, now int64) error {
	if _, err := t.exec(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, id, now); err != nil {
		return fmt.Errorf("store: unable to touch token: %w", err)
	}
	return nil
}

// CreateSetupToken stores the hash of a one-time first-admin link.
func (t *Tx) CreateSetupToken(ctx context.Context, hash string, now, expiresAt int64) error {
	if _, err := t.exec(ctx, `INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES ($1, $2, $3)`, hash, now, expiresAt); err != nil {
		return fmt.Errorf("store: unable to create setup token: %w", err)
	}
	return nil
}

// ValidSetupToken reports whether hash names an unused, unexpired setup token.
func (t *Tx) ValidSetupToken(ctx context.Context, hash string, now int64) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM setup_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`, hash, now).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: unable to check setup token: %w", err)
	}
	return n > 0, nil
}

// UseSetupToken marks the token used; it returns ErrNotFound if it was not
// valid, so two concurrent uses cannot both succeed.
func (t *Tx) UseSetupToken(ctx context.Context, hash string, now int64) error {
	res, err := t.exec(ctx, `UPDATE setup_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`, hash, now)
	if err != nil {
		return fmt.Errorf("store: unable to use setup token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
