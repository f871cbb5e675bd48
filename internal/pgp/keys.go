// SPDX-License-Identifier: AGPL-3.0-or-later

package pgp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"embargo/internal/audit"
	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/secrets"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// ErrNoKey is returned when a project has no OpenPGP key.
var ErrNoKey = errors.New("pgp: the project has no OpenPGP key")

// PublicKey is the public half of a stored key, safe to show anyone.
type PublicKey struct {
	// Fingerprint is upper-case hex, 40 digits for a v4 key.
	Fingerprint string
	// Armored is the ASCII-armored public key.
	Armored string
	// CreatedAt is when the key was stored (generated or imported).
	CreatedAt time.Time
}

// Keys stores, seals and uses the projects' keys and the instance key.
// Every change is recorded in the audit log, never with private material.
type Keys struct {
	Store *store.Store
	Clock clock.Clock
	// Sealer returns the server's sealing key (secrets.Lazy.Sealer).
	Sealer func() (*secrets.Sealer, error)
	// BaseURL's host names the keys' user IDs (security@host).
	BaseURL string

	mu       sync.Mutex
	instance *Key // unsealed instance key, cached: it never changes
}

// sealContext binds a sealed key to where it is stored, so a sealed value
// copied into another row does not open.
func projectSealContext(projectID int64) []byte {
	return []byte("embargo/project_keys/" + strconv.FormatInt(projectID, 10))
}

var instanceSealContext = []byte("embargo/instance_keys/1")

// securityEmail returns security@host for BaseURL's host when it is a DNS
// name, or "" (an IP address or a single-label name makes no address).
func (k *Keys) securityEmail() string {
	u, err := url.Parse(k.BaseURL)
	if err != nil {
		return ""
	}
	host := u.Hostname()
	if host == "" || net.ParseIP(host) != nil || !strings.Contains(host, ".") {
		return ""
	}
	return "security@" + host
}

// GenerateProjectKey makes a new key for project, user ID "<Name> Security
// <security@host>", and stores it, replacing any earlier key.
func (k *Keys) GenerateProjectKey(ctx context.Context, actor *authz.Actor, project *store.Project) (*PublicKey, error) {
	now := k.Clock.Now()
	key, err := Generate(project.Name+" Security", k.securityEmail(), now)
	if err != nil {
		return nil, err
	}
	return k.storeProjectKey(ctx, actor, project, key, "pgp_key.generate", now)
}

// ImportProjectKey stores an ASCII-armored private key as project's key,
// replacing any earlier key. A key Import refuses comes back as a
// *validation.Error on the field "armored".
func (k *Keys) ImportProjectKey(ctx context.Context, actor *authz.Actor, project *store.Project, armored []byte) (*PublicKey, error) {
	now := k.Clock.Now()
	key, err := Import(armored, now)
	if err != nil {
		var ke *KeyError
		if errors.As(err, &ke) {
			return nil, validation.Errorf("armored", "%s", ke.Reason)
		}
		return nil, err
	}
	return k.storeProjectKey(ctx, actor, project, key, "pgp_key.import", now)
}

func (k *Keys) storeProjectKey(ctx context.Context, actor *authz.Actor, project *store.Project, key *Key, action string, now time.Time) (*PublicKey, error) {
	sealer, err := k.Sealer()
	if err != nil {
		return nil, err
	}
	armored, err := key.ArmoredPublic()
	if err != nil {
		return nil, err
	}
	private, err := key.MarshalPrivate()
	if err != nil {
		return nil, err
	}
	sealed, err := sealer.Seal(private, projectSealContext(project.ID))
	if err != nil {
		return nil, err
	}
	clear(private)
	row := &store.OpenPGPKey{ProjectID: project.ID, Fingerprint: key.Fingerprint(), PublicArmored: armored,
		PrivateSealed: sealed, CreatedAt: clock.Millis(now), CreatedBy: actor.UserID}
	err = k.Store.Write(ctx, func(tx *store.Tx) error {
		var before any
		old, err := tx.ProjectKey(ctx, project.ID)
		switch {
		case err == nil:
			before = map[string]any{"fingerprint": old.Fingerprint}
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		if err := tx.PutProjectKey(ctx, row); err != nil {
			return err
		}
		e, err := audit.NewEvent(row.CreatedAt, actor.UserID, actor.Label(), action, before,
			map[string]any{"fingerprint": row.Fingerprint})
		if err != nil {
			return err
		}
		e.ProjectID, e.SubjectType, e.SubjectID = project.ID, "pgp_key", row.Fingerprint
		return tx.AppendEvent(ctx, e)
	})
	if err != nil {
		return nil, err
	}
	return publicOf(row), nil
}

func publicOf(row *store.OpenPGPKey) *PublicKey {
	return &PublicKey{Fingerprint: row.Fingerprint, Armored: row.PublicArmored, CreatedAt: time.UnixMilli(row.CreatedAt).UTC()}
}

// ProjectPublicKey returns a project's public key, or ErrNoKey.
func (k *Keys) ProjectPublicKey(ctx context.Context, projectID int64) (*PublicKey, error) {
	row, err := k.projectKeyRow(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return publicOf(row), nil
}

// projectKey loads and unseals a project's key, or returns ErrNoKey.
func (k *Keys) projectKey(ctx context.Context, projectID int64) (*Key, error) {
	row, err := k.projectKeyRow(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return k.unseal(row.PrivateSealed, projectSealContext(projectID))
}

// projectKeyRow loads a project's stored key, mapping absence to ErrNoKey.
func (k *Keys) projectKeyRow(ctx context.Context, projectID int64) (*store.OpenPGPKey, error) {
	var row *store.OpenPGPKey
	err := k.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		row, err = tx.ProjectKey(ctx, projectID)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoKey
	}
	return row, err
}

func (k *Keys) unseal(sealed, context []byte) (*Key, error) {
	sealer, err := k.Sealer()
	if err != nil {
		return nil, err
	}
	private, err := sealer.Open(sealed, context)
	if err != nil {
		return nil, fmt.Errorf("pgp: unseal stored key (is EMBARGO_SECRET_KEY the one it was sealed with?): %w", err)
	}
	defer clear(private)
	return ParsePrivate(private)
}

// DecryptForProject decrypts an ASCII-armored or binary message with the
// project's key. It returns ErrNoKey, or Decrypt's errors
// (ErrNotForThisKey, ErrMalformed, ErrTooLarge, ErrInputTooLarge,
// ErrNotEncrypted), whose messages can be shown to the sender.
func (k *Keys) DecryptForProject(ctx context.Context, projectID int64, data []byte) ([]byte, error) {
	if len(data) > MaxMessageSize {
		return nil, ErrInputTooLarge
	}
	key, err := k.projectKey(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return key.Decrypt(data, k.Clock.Now())
}

// instanceKey returns the instance signing key, making and storing it
// (sealed, audit-logged) on first use. Replicas racing to make it agree on
// whichever was stored first.
func (k *Keys) instanceKey(ctx context.Context) (*Key, *PublicKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	var row *store.OpenPGPKey
	err := k.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		row, err = tx.InstanceKey(ctx)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		row, err = k.createInstanceKey(ctx)
	}
	if err != nil {
		return nil, nil, err
	}
	if k.instance == nil || k.instance.Fingerprint() != row.Fingerprint {
		key, err := k.unseal(row.PrivateSealed, instanceSealContext)
		if err != nil {
			return nil, nil, err
		}
		k.instance = key
	}
	return k.instance, publicOf(row), nil
}

func (k *Keys) createInstanceKey(ctx context.Context) (*store.OpenPGPKey, error) {
	now := k.Clock.Now()
	name := "Embargo"
	if email := k.securityEmail(); email != "" {
		name = "Embargo at " + strings.TrimPrefix(email, "security@")
	}
	key, err := Generate(name, k.securityEmail(), now)
	if err != nil {
		return nil, err
	}
	sealer, err := k.Sealer()
	if err != nil {
		return nil, err
	}
	armored, err := key.ArmoredPublic()
	if err != nil {
		return nil, err
	}
	private, err := key.MarshalPrivate()
	if err != nil {
		return nil, err
	}
	sealed, err := sealer.Seal(private, instanceSealContext)
	clear(private)
	if err != nil {
		return nil, err
	}
	row := &store.OpenPGPKey{Fingerprint: key.Fingerprint(), PublicArmored: armored, PrivateSealed: sealed, CreatedAt: clock.Millis(now)}
	err = k.Store.Write(ctx, func(tx *store.Tx) error {
		created, err := tx.CreateInstanceKey(ctx, row)
		if err != nil {
			return err
		}
		if !created {
			row, err = tx.InstanceKey(ctx)
			return err
		}
		e, err := audit.NewEvent(row.CreatedAt, 0, "system", "instance_key.create", nil,
			map[string]any{"fingerprint": row.Fingerprint})
		if err != nil {
			return err
		}
		e.SubjectType, e.SubjectID = "instance_key", row.Fingerprint
		return tx.AppendEvent(ctx, e)
	})
	if err != nil {
		return nil, err
	}
	return row, nil
}

// ClearSignInstance returns text wrapped in an OpenPGP cleartext signature
// by the instance key (for security.txt), creating the key on first use.
func (k *Keys) ClearSignInstance(ctx context.Context, text []byte) ([]byte, error) {
	key, _, err := k.instanceKey(ctx)
	if err != nil {
		return nil, err
	}
	return key.ClearSign(text, k.Clock.Now())
}

// InstancePublicKey returns the instance signing key's public half,
// creating the key on first use.
func (k *Keys) InstancePublicKey(ctx context.Context) (*PublicKey, error) {
	_, pub, err := k.instanceKey(ctx)
	return pub, err
}
