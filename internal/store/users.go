// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"fmt"
	"strings"

	"embargo/internal/identity"
)

// User is an account that can sign in.
type User struct {
	ID           int64
	Email        string
	Name         string
	PasswordHash string
	IsAdmin      bool
	Disabled     bool
	TOTPSecret   string
	TOTPEnabled  bool
	TOTPLastStep int64 // last accepted time step, so a code cannot be replayed
	CreatedAt    int64
	UpdatedAt    int64
}

const userColumns = `id, email, name, password_hash, is_admin, disabled, totp_secret, totp_enabled, totp_last_step, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.IsAdmin, &u.Disabled,
		&u.TOTPSecret, &u.TOTPEnabled, &u.TOTPLastStep, &u.CreatedAt, &u.UpdatedAt)
	return &u, err
}

// NormalizeEmail is the form emails are stored and compared in
// (identity.Canonical).
func NormalizeEmail(email string) string {
	return identity.Canonical(email)
}

// legacyEmail is the form emails were stored in before they were
// NFKC-normalised and case-folded, which rows created then still have.
func legacyEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// CreateUser inserts u and sets its ID. It returns ErrConflict if the email
// is taken.
func (t *Tx) CreateUser(ctx context.Context, u *User) error {
	u.Email = NormalizeEmail(u.Email)
	err := t.queryRow(ctx, `
		INSERT INTO users (email, name, password_hash, is_admin, disabled, totp_secret, totp_enabled, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		u.Email, u.Name, u.PasswordHash, b2i(u.IsAdmin), b2i(u.Disabled), u.TOTPSecret, b2i(u.TOTPEnabled),
		u.CreatedAt, u.UpdatedAt).Scan(&u.ID)
	if isUniqueViolation(err) {
		return ErrConflict
	}
	if err != nil {
		return fmt.Errorf("store: unable to create user: %w", err)
	}
	return nil
}

// UpdateUser writes every mutable field of u.
func (t *Tx) UpdateUser(ctx context.Context, u *User) error {
	res, err := t.exec(ctx, `
		UPDATE users SET name = $2, password_hash = $3, is_admin = $4, disabled = $5,
			totp_secret = $6, totp_enabled = $7, totp_last_step = $8, updated_at = $9
		WHERE id = $1`,
		u.ID, u.Name, u.PasswordHash, b2i(u.IsAdmin), b2i(u.Disabled), u.TOTPSecret, b2i(u.TOTPEnabled), u.TOTPLastStep, u.UpdatedAt)
	if err != nil {
		return fmt.Errorf("store: unable to update user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// UserByID returns ErrNotFound if there is no such user.
func (t *Tx) UserByID(ctx context.Context, id int64) (*User, error) {
	u, err := scanUser(t.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, "user")
	}
	return u, nil
}

// UserByEmail finds the user by any form of their email that has the same
// canonical form (NormalizeEmail); an account stored before emails were
// canonical is found by its old, lowercased form. It returns ErrNotFound if
// there is no such user.
func (t *Tx) UserByEmail(ctx context.Context, email string) (*User, error) {
	u, err := scanUser(t.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email IN ($1, $2)
		ORDER BY CASE WHEN email = $1 THEN 0 ELSE 1 END LIMIT 1`, NormalizeEmail(email), legacyEmail(email)))
	if err != nil {
		return nil, notFound(err, "user")
	}
	return u, nil
}

// ListUsers returns every user ordered by name.
func (t *Tx) ListUsers(ctx context.Context) ([]*User, error) {
	rows, err := t.query(ctx, `SELECT `+userColumns+` FROM users ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list users: %w", err)
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UserEmails returns every account's email, oldest account first.
func (t *Tx) UserEmails(ctx context.Context) ([]string, error) {
	rows, err := t.query(ctx, `SELECT email FROM users ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list user emails: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, fmt.Errorf("store: unable to list user emails: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CountUsers returns how many accounts exist.
func (t *Tx) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: unable to count users: %w", err)
	}
	return n, nil
}

// ReplaceRecoveryCodes discards the user's recovery codes and stores the
// given hashes.
func (t *Tx) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string) error {
	if _, err := t.exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("store: unable to clear recovery codes: %w", err)
	}
	for _, h := range hashes {
		if _, err := t.exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, h); err != nil {
			return fmt.Errorf("store: unable to store recovery code: %w", err)
		}
	}
	return nil
}

// UseRecoveryCode marks an unused code as used and reports whether one
// matched.
func (t *Tx) UseRecoveryCode(ctx context.Context, userID int64, hash string, now int64) (bool, error) {
	res, err := t.exec(ctx, `UPDATE recovery_codes SET used_at = $3
		WHERE id = (SELECT id FROM recovery_codes WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL LIMIT 1)`,
		userID, hash, now)
	if err != nil {
		return false, fmt.Errorf("store: unable to use recovery code: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// CountRecoveryCodes returns how many unused recovery codes a user has.
func (t *Tx) CountRecoveryCodes(ctx context.Context, userID int64) (int, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: unable to count recovery codes: %w", err)
	}
	return n, nil
}
