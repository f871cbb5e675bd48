// SPDX-License-Identifier: AGPL-3.0-or-later

package policy

import (
	"context"
	"errors"

	"embargo/internal/pgp"
)

// pgpKeys adapts the OpenPGP key service to Keys.
type pgpKeys struct{ keys *pgp.Keys }

// FromPGP returns Keys backed by the OpenPGP key service, or nil when keys
// is nil (no key service: no project offers encryption).
func FromPGP(keys *pgp.Keys) Keys {
	if keys == nil {
		return nil
	}
	return pgpKeys{keys}
}

// PublicKey returns the project's key fingerprint, or ErrNoKey.
func (k pgpKeys) PublicKey(ctx context.Context, projectID int64) (Key, error) {
	pub, err := k.keys.ProjectPublicKey(ctx, projectID)
	if errors.Is(err, pgp.ErrNoKey) {
		return Key{}, ErrNoKey
	}
	if err != nil {
		return Key{}, err
	}
	return Key{Fingerprint: pub.Fingerprint}, nil
}
