// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
)

// OpenPGPKey is a stored OpenPGP key: a project's key or the instance's
// signing key. PrivateSealed is the private key sealed by internal/secrets;
// the store keeps it as base64 text so backups move between engines.
type OpenPGPKey struct {
	ProjectID     int64 // 0 for the instance key
	Fingerprint   string
	PublicArmored string
	PrivateSealed []byte
	CreatedAt     int64
	CreatedBy     int64 // user ID, 0 when unknown or for the instance key
}

func scanKey(row interface{ Scan(...any) error }, k *OpenPGPKey, dst ...any) error {
	var sealed string
	if err := row.Scan(append(dst, &k.Fingerprint, &k.PublicArmored, &sealed, &k.CreatedAt)...); err != nil {
		return err
	}
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return fmt.Errorf("sealed key is not base64: %w", err)
	}
	k.PrivateSealed = b
	return nil
}

// PutProjectKey stores k as its project's key, replacing any earlier one.
func (t *Tx) PutProjectKey(ctx context.Context, k *OpenPGPKey) error {
	var createdBy sql.NullInt64
	if k.CreatedBy != 0 {
		createdBy = sql.NullInt64{Int64: k.CreatedBy, Valid: true}
	}
	_, err := t.exec(ctx, `INSERT INTO project_keys (project_id, fingerprint, public_armored, private_sealed, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (project_id) DO UPDATE SET fingerprint = excluded.fingerprint,
			public_armored = excluded.public_armored, private_sealed = excluded.private_sealed,
			created_at = excluded.created_at, created_by = excluded.created_by`,
		k.ProjectID, k.Fingerprint, k.PublicArmored, base64.StdEncoding.EncodeToString(k.PrivateSealed), k.CreatedAt, createdBy)
	if err != nil {
		return fmt.Errorf("store: unable to save project key: %w", err)
	}
	return nil
}

// ProjectKey returns a project's key; ErrNotFound if it has none.
func (t *Tx) ProjectKey(ctx context.Context, projectID int64) (*OpenPGPKey, error) {
	k := &OpenPGPKey{}
	var createdBy sql.NullInt64
	row := t.queryRow(ctx, `SELECT project_id, created_by, fingerprint, public_armored, private_sealed, created_at
		FROM project_keys WHERE project_id = $1`, projectID)
	if err := scanKey(row, k, &k.ProjectID, &createdBy); err != nil {
		return nil, notFound(err, "project key")
	}
	k.CreatedBy = createdBy.Int64
	return k, nil
}

// CreateInstanceKey stores k as the instance key unless one exists already
// (another replica may have made it first). It reports whether k was stored;
// read the key that won with InstanceKey.
func (t *Tx) CreateInstanceKey(ctx context.Context, k *OpenPGPKey) (bool, error) {
	res, err := t.exec(ctx, `INSERT INTO instance_keys (id, fingerprint, public_armored, private_sealed, created_at)
		VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
		k.Fingerprint, k.PublicArmored, base64.StdEncoding.EncodeToString(k.PrivateSealed), k.CreatedAt)
	if err != nil {
		return false, fmt.Errorf("store: unable to save instance key: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: unable to save instance key: %w", err)
	}
	return n == 1, nil
}

// InstanceKey returns the instance signing key; ErrNotFound if none was made.
func (t *Tx) InstanceKey(ctx context.Context) (*OpenPGPKey, error) {
	k := &OpenPGPKey{}
	row := t.queryRow(ctx, `SELECT fingerprint, public_armored, private_sealed, created_at FROM instance_keys WHERE id = 1`)
	if err := scanKey(row, k); err != nil {
		return nil, notFound(err, "instance key")
	}
	return k, nil
}
