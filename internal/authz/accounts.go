// SPDX-License-Identifier: AGPL-3.0-or-later

package authz

import (
	"context"
	"errors"
	"net"
	"strconv"
	"time"

	"embargo/internal/audit"
	"embargo/internal/clock"
	"embargo/internal/identity"
	"embargo/internal/secrets"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// Session and link lifetimes.
const (
	SessionTTL     = 7 * 24 * time.Hour // sliding: extended on use
	MFAPendingTTL  = 10 * time.Minute   // between password and second factor
	SetupTokenTTL  = 24 * time.Hour
	RecoveryCodes  = 10
	MaxNameLength  = 100
	MaxTokenLabel  = 100
	loginPerEmail  = 10
	loginPerIP     = 50
	loginWindow    = 15 * time.Minute
	touchThreshold = time.Minute // write last_seen at most this often
)

// Errors the account functions return; their messages are safe to show.
var (
	ErrBadCredentials = errors.New("the email or password is wrong")
	ErrRateLimited    = errors.New("too many sign-in attempts; wait a few minutes and try again")
	ErrBadCode        = errors.New("that code is not valid")
	ErrNoSession      = errors.New("not signed in")
)

// Accounts manages users, sign-in, sessions, second factors and API tokens.
type Accounts struct {
	Store *store.Store
	Clock clock.Clock
	// DeviceSealer seals device cookies (see devices.go); nil uses a key
	// of this process's own, which a restart forgets.
	DeviceSealer func() (*secrets.Sealer, error)
	ephemeralSealer

	limiter     *Limiter // per email from untrusted browsers, and per second-factor user
	deviceLimit *Limiter // per device cookie: a trusted browser's own failures
	ipLimit     *Limiter // per client address: looser, as a team may share one
}

// NewAccounts returns an Accounts with its sign-in rate limiters.
func NewAccounts(s *store.Store, c clock.Clock) *Accounts {
	return &Accounts{Store: s, Clock: c, limiter: NewLimiter(loginPerEmail, loginWindow, c.Now),
		deviceLimit: NewLimiter(loginPerEmail, loginWindow, c.Now),
		ipLimit:     NewLimiter(loginPerIP, loginWindow, c.Now)}
}

func (a *Accounts) now() int64 { return clock.Millis(a.Clock.Now()) }

func (a *Accounts) record(ctx context.Context, tx *store.Tx, actor *Actor, action, subject string, before, after any) error {
	e, err := audit.NewEvent(a.now(), actor.UserID, actor.Label(), action, before, after)
	if err != nil {
		return err
	}
	e.SubjectType, e.SubjectID = "user", subject
	return tx.AppendEvent(ctx, e)
}

// NewUser is an account to create.
type NewUser struct {
	Email    string
	Name     string
	Password string
	Admin    bool
}

func (n *NewUser) validate() (*store.User, error) {
	email, err := identity.Email("email", n.Email)
	if err != nil {
		return nil, err
	}
	name, err := validation.Text("name", n.Name, true, MaxNameLength, false)
	if err != nil {
		return nil, err
	}
	if err := ValidatePassword(n.Password); err != nil {
		return nil, validation.Errorf("password", "%s", err.Error())
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return nil, err
	}
	return &store.User{Email: email, Name: name, PasswordHash: hash, IsAdmin: n.Admin}, nil
}

// CreateUser creates an account on behalf of actor (an instance admin or
// the CLI).
func (a *Accounts) CreateUser(ctx context.Context, actor *Actor, n NewUser) (*store.User, error) {
	u, err := n.validate()
	if err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = a.now(), a.now()
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		if like, err := Resembled(ctx, tx, u.Email); err != nil {
			return err
		} else if like != "" {
			return validation.Errorf("email", "looks like the existing account %s (they differ only in characters that print alike); use another address", like)
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return validation.Conflictf("an account with email %s already exists", u.Email)
			}
			return err
		}
		return a.record(ctx, tx, actor, "user.create", u.Email, nil, map[string]any{"email": u.Email, "name": u.Name, "admin": u.IsAdmin})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// NeedsSetup reports whether the instance has no users yet.
func (a *Accounts) NeedsSetup(ctx context.Context) (bool, error) {
	var n int
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.CountUsers(ctx)
		return err
	})
	return n == 0, err
}

// NewSetupToken returns a one-time secret for the first-admin link.
func (a *Accounts) NewSetupToken(ctx context.Context) (string, error) {
	secret, err := NewSecret("setup_")
	if err != nil {
		return "", err
	}
	now := a.Clock.Now()
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		return tx.CreateSetupToken(ctx, HashSecret(secret), clock.Millis(now), clock.Millis(now.Add(SetupTokenTTL)))
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// ValidSetupToken reports whether secret is a usable first-admin link while
// the instance still has no users.
func (a *Accounts) ValidSetupToken(ctx context.Context, secret string) bool {
	ok := false
	a.Store.Read(ctx, func(tx *store.Tx) error {
		n, err := tx.CountUsers(ctx)
		if err != nil || n > 0 {
			return err
		}
		ok, err = tx.ValidSetupToken(ctx, HashSecret(secret), a.now())
		return err
	})
	return ok
}

// CompleteSetup uses the one-time link to create the first instance admin.
// It fails once any user exists, so the link cannot make a second admin.
func (a *Accounts) CompleteSetup(ctx context.Context, secret string, n NewUser) (*store.User, error) {
	n.Admin = true
	u, err := n.validate()
	if err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = a.now(), a.now()
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		count, err := tx.CountUsers(ctx)
		if err != nil {
			return err
		}
		if count > 0 {
			return validation.Conflictf("setup is already complete; sign in instead")
		}
		if err := tx.UseSetupToken(ctx, HashSecret(secret), a.now()); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return &validation.NotFound{What: "setup link (it expired or was used; restart the server for a new one)"}
			}
			return err
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		who := &Actor{UserID: u.ID, Email: u.Email, Via: "setup"}
		return a.record(ctx, tx, who, "user.create", u.Email, nil, map[string]any{"email": u.Email, "name": u.Name, "admin": true})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Login checks a password and opens a session, for a browser without a
// device cookie. See SignIn.
func (a *Accounts) Login(ctx context.Context, email, password, remoteAddr, userAgent string) (secret string, mfaPending bool, err error) {
	res, err := a.SignIn(ctx, SignInAttempt{Email: email, Password: password, RemoteAddr: remoteAddr, UserAgent: userAgent})
	return res.Session, res.MFAPending, err
}

// SignInAttempt is one try at the password step.
type SignInAttempt struct {
	Email, Password       string
	RemoteAddr, UserAgent string
	// Device is the browser's device cookie, or "".
	Device string
}

// SignInResult is a successful password step.
type SignInResult struct {
	// Session is the session secret for the cookie.
	Session string
	// MFAPending says a second factor is still owed.
	MFAPending bool
	// Device is the device cookie to set: a fresh one on every success.
	Device string
	// Failures is the number of failed sign-ins to this account since
	// its last complete sign-in, and LastFailure the newest one's time,
	// to show the member once signed in; zero while a second factor is
	// owed (VerifySecondFactor reports them then).
	Failures    int
	LastFailure time.Time
}

// SignIn checks a password and opens a session. Unknown emails cost the
// same time as known ones, and both fail with ErrBadCredentials, so
// sign-in does not reveal who has an account.
//
// Attempts are limited per client address, and then either per device,
// when the browser holds a device cookie for this account from an earlier
// success, or per account for all other browsers together: a stranger
// guessing a member's password exhausts only the untrusted browsers'
// share, and the member signs in from their own browser all the same.
func (a *Accounts) SignIn(ctx context.Context, at SignInAttempt) (SignInResult, error) {
	var res SignInResult
	email := store.NormalizeEmail(at.Email)
	if len(email) > 254 || len(at.Password) > 1024 {
		return res, ErrBadCredentials
	}
	remoteAddr := at.RemoteAddr
	if host, _, err := net.SplitHostPort(remoteAddr); err == nil {
		remoteAddr = host // the port changes with every connection
	}
	if !a.ipLimit.Allow("ip:" + remoteAddr) {
		return res, ErrRateLimited
	}
	now := a.Clock.Now()
	var u *store.User
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		u, err = tx.UserByEmail(ctx, email)
		return err
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return res, err
	}
	limitKey := "email:" + email
	limit := a.limiter
	if d := a.openDevice(at.Device, now); d != nil && u != nil && d.userID == u.ID {
		limitKey, limit = "device:"+d.nonce, a.deviceLimit
	}
	if !limit.Allow(limitKey) {
		if u != nil && !u.Disabled {
			// The member is told of refused guesses too.
			if err := a.recordFailure(ctx, u.ID, now); err != nil {
				return res, err
			}
		}
		return res, ErrRateLimited
	}
	if u == nil {
		DummyVerify(at.Password)
		return res, ErrBadCredentials
	}
	ok, err := VerifyPassword(u.PasswordHash, at.Password)
	if err != nil || !ok || u.Disabled {
		if !u.Disabled {
			if err := a.recordFailure(ctx, u.ID, now); err != nil {
				return res, err
			}
		}
		return res, ErrBadCredentials
	}
	limit.Reset(limitKey)
	if res.Device, err = a.issueDevice(u.ID, now); err != nil {
		return res, err
	}
	if res.Session, err = NewSecret(""); err != nil {
		return res, err
	}
	s := &store.Session{IDHash: HashSecret(res.Session), UserID: u.ID, MFAPending: u.TOTPEnabled,
		CreatedAt: clock.Millis(now), LastSeenAt: clock.Millis(now), ExpiresAt: clock.Millis(now.Add(SessionTTL)),
		UserAgent: truncate(at.UserAgent, 200), RemoteAddr: truncate(remoteAddr, 64)}
	if s.MFAPending {
		s.ExpiresAt = clock.Millis(now.Add(MFAPendingTTL))
	}
	res.MFAPending = s.MFAPending
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateSession(ctx, s); err != nil {
			return err
		}
		if !s.MFAPending {
			if err := a.takeFailures(ctx, tx, u.ID, &res); err != nil {
				return err
			}
		}
		who := &Actor{UserID: u.ID, Email: u.Email, Via: "session"}
		return a.record(ctx, tx, who, "user.login", u.Email, nil, map[string]any{"remote_addr": s.RemoteAddr, "mfa_pending": s.MFAPending})
	})
	if err != nil {
		return SignInResult{}, err
	}
	return res, nil
}

// recordFailure counts a failed sign-in to the user's account.
func (a *Accounts) recordFailure(ctx context.Context, userID int64, now time.Time) error {
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		return tx.RecordSignInFailure(ctx, userID, clock.Millis(now))
	})
}

// takeFailures moves the account's count of failed sign-ins into res and
// starts it again from zero: the member has now been told.
func (a *Accounts) takeFailures(ctx context.Context, tx *store.Tx, userID int64, res *SignInResult) error {
	n, last, err := tx.TakeSignInFailures(ctx, userID)
	if err != nil {
		return err
	}
	res.Failures = n
	if n > 0 {
		res.LastFailure = clock.FromMillis(last)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// VerifySecondFactor completes a sign-in whose password was accepted, with
// a TOTP code or an unused recovery code.
func (a *Accounts) VerifySecondFactor(ctx context.Context, secret, code string) error {
	_, err := a.CompleteSecondFactor(ctx, secret, code)
	return err
}

// CompleteSecondFactor is VerifySecondFactor that also reports, as SignIn
// does for an account without one, the failed sign-ins since the last
// complete one (only Failures and LastFailure are set).
func (a *Accounts) CompleteSecondFactor(ctx context.Context, secret, code string) (SignInResult, error) {
	var res SignInResult
	if len(code) > 64 {
		return res, ErrBadCode
	}
	hash := HashSecret(secret)
	var userKey string
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		now := a.Clock.Now()
		s, err := tx.SessionByHash(ctx, hash, clock.Millis(now))
		if errors.Is(err, store.ErrNotFound) {
			return ErrNoSession
		}
		if err != nil {
			return err
		}
		u, err := tx.UserByID(ctx, s.UserID)
		if err != nil {
			return err
		}
		userKey = "mfa:" + u.Email
		if !a.limiter.Allow(userKey) {
			return ErrRateLimited
		}
		method := "totp"
		if step, ok := MatchTOTP(u.TOTPSecret, code, now); ok && step > u.TOTPLastStep {
			u.TOTPLastStep = step
			if err := tx.UpdateUser(ctx, u); err != nil {
				return err
			}
		} else if used, err := tx.UseRecoveryCode(ctx, u.ID, HashRecoveryCode(code), clock.Millis(now)); err != nil {
			return err
		} else if !used {
			return ErrBadCode
		} else {
			method = "recovery-code"
		}
		if err := tx.CompleteSessionMFA(ctx, hash); err != nil {
			return err
		}
		if err := tx.TouchSession(ctx, hash, clock.Millis(now), clock.Millis(now.Add(SessionTTL))); err != nil {
			return err
		}
		if err := a.takeFailures(ctx, tx, u.ID, &res); err != nil {
			return err
		}
		who := &Actor{UserID: u.ID, Email: u.Email, Via: "session"}
		return a.record(ctx, tx, who, "user.mfa", u.Email, nil, map[string]any{"method": method})
	})
	if err != nil {
		return SignInResult{}, err
	}
	a.limiter.Reset(userKey)
	return res, nil
}

// Logout ends a session.
func (a *Accounts) Logout(ctx context.Context, secret string) error {
	hash := HashSecret(secret)
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		s, err := tx.SessionByHash(ctx, hash, a.now())
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		u, err := tx.UserByID(ctx, s.UserID)
		if err != nil {
			return err
		}
		if err := tx.DeleteSession(ctx, hash); err != nil {
			return err
		}
		return a.record(ctx, tx, &Actor{UserID: u.ID, Email: u.Email, Via: "session"}, "user.logout", u.Email, nil, nil)
	})
}

// actorFor builds the actor for a user: memberships become roles.
func actorFor(ctx context.Context, tx *store.Tx, u *store.User, via string, mfa bool) (*Actor, error) {
	ms, err := tx.MembershipsOfUser(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	act := &Actor{UserID: u.ID, Email: u.Email, Name: u.Name, InstanceAdmin: u.IsAdmin, MFA: mfa,
		Roles: make(map[int64]Role, len(ms)), Via: via}
	for _, m := range ms {
		act.Roles[m.ProjectID] = Role(m.Role)
	}
	return act, nil
}

// SessionActor resolves a session cookie to its actor. A session still
// owing a second factor returns ErrNoSession and pending=true.
func (a *Accounts) SessionActor(ctx context.Context, secret string) (act *Actor, pending bool, err error) {
	if secret == "" || len(secret) > 128 {
		return nil, false, ErrNoSession
	}
	hash := HashSecret(secret)
	now := a.Clock.Now()
	var s *store.Session
	err = a.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		s, err = tx.SessionByHash(ctx, hash, clock.Millis(now))
		if err != nil {
			return err
		}
		if s.MFAPending {
			return nil
		}
		u, err := tx.UserByID(ctx, s.UserID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return store.ErrNotFound
		}
		act, err = actorFor(ctx, tx, u, "session", u.TOTPEnabled)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, ErrNoSession
	}
	if err != nil {
		return nil, false, err
	}
	if s.MFAPending {
		return nil, true, ErrNoSession
	}
	if now.Sub(clock.FromMillis(s.LastSeenAt)) > touchThreshold {
		a.Store.Write(ctx, func(tx *store.Tx) error {
			return tx.TouchSession(ctx, hash, clock.Millis(now), clock.Millis(now.Add(SessionTTL)))
		})
	}
	return act, false, nil
}

// TokenActor resolves an API bearer token to its actor.
func (a *Accounts) TokenActor(ctx context.Context, token string) (*Actor, error) {
	if token == "" || len(token) > 128 {
		return nil, ErrNoSession
	}
	var act *Actor
	var tk *store.APIToken
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		tk, err = tx.APITokenByHash(ctx, HashSecret(token))
		if err != nil {
			return err
		}
		u, err := tx.UserByID(ctx, tk.UserID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return store.ErrNotFound
		}
		// A token is created by a signed-in user or by the operator's CLI;
		// it stands in for the second factor of a user who has one.
		act, err = actorFor(ctx, tx, u, "token", u.TOTPEnabled)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	now := a.Clock.Now()
	if now.Sub(clock.FromMillis(tk.LastUsedAt)) > touchThreshold {
		a.Store.Write(ctx, func(tx *store.Tx) error { return tx.TouchAPIToken(ctx, tk.ID, clock.Millis(now)) })
	}
	return act, nil
}

// CreateToken issues an API token for the user with email, returning the
// plain token (shown once; only its hash is kept).
func (a *Accounts) CreateToken(ctx context.Context, actor *Actor, email, label string) (string, *store.APIToken, error) {
	label, err := validation.Text("name", label, true, MaxTokenLabel, false)
	if err != nil {
		return "", nil, err
	}
	plain, err := NewSecret("emb_")
	if err != nil {
		return "", nil, err
	}
	tk := &store.APIToken{Name: label, TokenHash: HashSecret(plain), CreatedAt: a.now()}
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByEmail(ctx, email)
		if errors.Is(err, store.ErrNotFound) {
			return &validation.NotFound{What: "user " + email}
		}
		if err != nil {
			return err
		}
		tk.UserID = u.ID
		if err := tx.CreateAPIToken(ctx, tk); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, "token.create", u.Email, nil, map[string]any{"token_id": tk.ID, "name": label})
	})
	if err != nil {
		return "", nil, err
	}
	return plain, tk, nil
}

// Tokens lists a user's API tokens.
func (a *Accounts) Tokens(ctx context.Context, userID int64) ([]*store.APIToken, error) {
	var out []*store.APIToken
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListAPITokens(ctx, userID)
		return err
	})
	return out, err
}

// RevokeToken revokes one of actor's own tokens.
func (a *Accounts) RevokeToken(ctx context.Context, actor *Actor, tokenID int64) error {
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.RevokeAPIToken(ctx, actor.UserID, tokenID, a.now()); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return &validation.NotFound{What: "token"}
			}
			return err
		}
		return a.record(ctx, tx, actor, "token.revoke", actor.Email, nil, map[string]any{"token_id": tokenID})
	})
}

// User loads a user by ID.
func (a *Accounts) User(ctx context.Context, id int64) (*store.User, error) {
	var u *store.User
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		u, err = tx.UserByID(ctx, id)
		return err
	})
	return u, err
}

// Users lists every account.
func (a *Accounts) Users(ctx context.Context) ([]*store.User, error) {
	var out []*store.User
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListUsers(ctx)
		return err
	})
	return out, err
}

// BeginTOTP creates a new, not yet active TOTP secret for actor and returns
// it with its otpauth:// URL for an authenticator app.
func (a *Accounts) BeginTOTP(ctx context.Context, actor *Actor, issuer string) (secret, url string, err error) {
	secret, url, err = NewTOTPKey(issuer, actor.Email)
	if err != nil {
		return "", "", err
	}
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByID(ctx, actor.UserID)
		if err != nil {
			return err
		}
		if u.TOTPEnabled {
			return validation.Conflictf("two-factor authentication is already on; turn it off first to enrol a new device")
		}
		u.TOTPSecret, u.UpdatedAt = secret, a.now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		// The secret itself never enters the log.
		return a.record(ctx, tx, actor, "user.mfa.begin", u.Email, nil, nil)
	})
	if err != nil {
		return "", "", err
	}
	return secret, url, nil
}

// ConfirmTOTP turns two-factor on once the user proves their app works, and
// returns fresh recovery codes (shown once).
func (a *Accounts) ConfirmTOTP(ctx context.Context, actor *Actor, code string) ([]string, error) {
	codes, err := NewRecoveryCodes(RecoveryCodes)
	if err != nil {
		return nil, err
	}
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByID(ctx, actor.UserID)
		if err != nil {
			return err
		}
		if u.TOTPEnabled || u.TOTPSecret == "" {
			return validation.Conflictf("start two-factor enrolment first")
		}
		step, ok := MatchTOTP(u.TOTPSecret, code, a.Clock.Now())
		if !ok {
			return validation.Errorf("code", "that code is not valid; check your device's clock and try the next code")
		}
		u.TOTPEnabled, u.TOTPLastStep, u.UpdatedAt = true, step, a.now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		hashes := make([]string, len(codes))
		for i, c := range codes {
			hashes[i] = HashRecoveryCode(c)
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, hashes); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, "user.mfa.enable", u.Email, map[string]any{"totp": false}, map[string]any{"totp": true})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// DisableTOTP turns two-factor off after checking the password again.
func (a *Accounts) DisableTOTP(ctx context.Context, actor *Actor, password string) error {
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByID(ctx, actor.UserID)
		if err != nil {
			return err
		}
		if ok, _ := VerifyPassword(u.PasswordHash, password); !ok {
			return validation.Errorf("password", "is wrong")
		}
		u.TOTPEnabled, u.TOTPSecret, u.TOTPLastStep, u.UpdatedAt = false, "", 0, a.now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, nil); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, "user.mfa.disable", u.Email, map[string]any{"totp": true}, map[string]any{"totp": false})
	})
}

// RecoveryCodesLeft returns how many unused recovery codes actor has.
func (a *Accounts) RecoveryCodesLeft(ctx context.Context, actor *Actor) (int, error) {
	var n int
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.CountRecoveryCodes(ctx, actor.UserID)
		return err
	})
	return n, err
}

// ChangePassword sets a new password after checking the current one, and
// ends every other session of the user.
func (a *Accounts) ChangePassword(ctx context.Context, actor *Actor, current, next, keepSessionSecret string) error {
	if err := ValidatePassword(next); err != nil {
		return validation.Errorf("new_password", "%s", err.Error())
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByID(ctx, actor.UserID)
		if err != nil {
			return err
		}
		if ok, _ := VerifyPassword(u.PasswordHash, current); !ok {
			return validation.Errorf("current_password", "is wrong")
		}
		u.PasswordHash, u.UpdatedAt = hash, a.now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		if keepSessionSecret != "" {
			now := a.Clock.Now()
			s := &store.Session{IDHash: HashSecret(keepSessionSecret), UserID: u.ID, CreatedAt: clock.Millis(now),
				LastSeenAt: clock.Millis(now), ExpiresAt: clock.Millis(now.Add(SessionTTL))}
			if err := tx.CreateSession(ctx, s); err != nil {
				return err
			}
		}
		return a.record(ctx, tx, actor, "user.password", u.Email, nil, nil)
	})
}

// SetDisabled disables or re-enables an account; disabling ends its sessions.
func (a *Accounts) SetDisabled(ctx context.Context, actor *Actor, userID int64, disabled bool) error {
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByID(ctx, userID)
		if errors.Is(err, store.ErrNotFound) {
			return &validation.NotFound{What: "user " + strconv.FormatInt(userID, 10)}
		}
		if err != nil {
			return err
		}
		if u.ID == actor.UserID && disabled {
			return validation.Conflictf("you cannot disable your own account")
		}
		u.Disabled, u.UpdatedAt = disabled, a.now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if disabled {
			if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
				return err
			}
		}
		return a.record(ctx, tx, actor, "user.disable", u.Email, map[string]any{"disabled": !disabled}, map[string]any{"disabled": disabled})
	})
}

// ErrorMessage is err's text when it is safe to show a user.
func ErrorMessage(err error) (string, bool) {
	for _, known := range []error{ErrBadCredentials, ErrRateLimited, ErrBadCode, ErrNoSession} {
		if errors.Is(err, known) {
			return known.Error(), true
		}
	}
	return "", false
}
