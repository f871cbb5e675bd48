// SPDX-License-Identifier: AGPL-3.0-or-later

package authz

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"embargo/internal/secrets"
)

// Device cookies follow OWASP's "Slow Down Online Guessing Attacks with
// Device Cookies": a browser that signed in to an account before carries
// a sealed cookie naming that account, and its sign-in attempts for that
// account count only against the cookie, never against the account's
// shared limit. Knowing a member's email therefore lets a stranger lock
// out strangers (untrusted browsers), but not the member.
const (
	// DeviceCookie is the cookie's name.
	DeviceCookie = "embargo_device"
	// DeviceTTL is how long a device stays trusted after its last
	// successful sign-in; each sign-in issues a fresh cookie.
	DeviceTTL = 180 * 24 * time.Hour
	// deviceLen is the cookie's plaintext: user ID, issue time in
	// milliseconds, and a random nonce that names the device in limits.
	deviceLen = 8 + 8 + 16
)

// deviceContext binds sealed device cookies to their purpose, so no other
// sealed value can be passed off as one.
var deviceContext = []byte("embargo device cookie v1")

// device is an opened device cookie.
type device struct {
	userID   int64
	issuedAt time.Time
	nonce    string // hex, the key of the device's own limit
}

// deviceSealer returns the sealer for device cookies: the server's, so
// that every replica accepts a cookie another issued, or, for an Accounts
// built without one (tests, tools), a key of this process's own.
func (a *Accounts) deviceSealer() (*secrets.Sealer, error) {
	if a.DeviceSealer != nil {
		return a.DeviceSealer()
	}
	a.ephemeralOnce.Do(func() {
		key := make([]byte, 32)
		rand.Read(key)
		a.ephemeral, a.ephemeralErr = secrets.New(key)
	})
	return a.ephemeral, a.ephemeralErr
}

// issueDevice returns a new device cookie value for userID.
func (a *Accounts) issueDevice(userID int64, now time.Time) (string, error) {
	s, err := a.deviceSealer()
	if err != nil {
		return "", fmt.Errorf("authz: device cookie: %w", err)
	}
	plain := make([]byte, deviceLen)
	binary.BigEndian.PutUint64(plain[0:8], uint64(userID))
	binary.BigEndian.PutUint64(plain[8:16], uint64(now.UnixMilli()))
	if _, err := rand.Read(plain[16:]); err != nil {
		return "", fmt.Errorf("authz: device cookie: %w", err)
	}
	sealed, err := s.Seal(plain, deviceContext)
	if err != nil {
		return "", fmt.Errorf("authz: device cookie: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(sealed), nil
}

// openDevice returns the device a cookie names, or nil when the value is
// absent, forged, damaged or expired: such a browser is untrusted.
func (a *Accounts) openDevice(value string, now time.Time) *device {
	if value == "" || len(value) > 256 {
		return nil
	}
	sealed, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil {
		return nil
	}
	s, err := a.deviceSealer()
	if err != nil {
		return nil
	}
	plain, err := s.Open(sealed, deviceContext)
	if err != nil || len(plain) != deviceLen {
		return nil
	}
	d := &device{
		userID:   int64(binary.BigEndian.Uint64(plain[0:8])),
		issuedAt: time.UnixMilli(int64(binary.BigEndian.Uint64(plain[8:16]))),
		nonce:    hex.EncodeToString(plain[16:]),
	}
	if now.Sub(d.issuedAt) > DeviceTTL || d.issuedAt.After(now.Add(time.Minute)) {
		return nil
	}
	return d
}

// ephemeralSealer is the fallback key's state, kept apart so that the
// zero Accounts value stays usable.
type ephemeralSealer struct {
	ephemeralOnce sync.Once
	ephemeral     *secrets.Sealer
	ephemeralErr  error
}
