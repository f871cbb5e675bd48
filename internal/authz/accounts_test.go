// SPDX-License-Identifier: AGPL-3.0-or-later

package authz_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
	"embargo/internal/validation"
)

const password = "correct horse battery staple"

func TestSetupLoginAndSecondFactor(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clk := clock.NewFake(time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC))
		acc := authz.NewAccounts(s, clk)

		need, err := acc.NeedsSetup(ctx)
		if err != nil || !need {
			t.Fatalf("NeedsSetup = %v, %v", need, err)
		}
		secret, err := acc.NewSetupToken(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !acc.ValidSetupToken(ctx, secret) || acc.ValidSetupToken(ctx, "setup_nope") {
			t.Fatal("setup token validity is wrong")
		}
		if _, err := acc.CompleteSetup(ctx, secret, authz.NewUser{Email: "lead@example.org", Name: "Lead", Password: "short"}); err == nil {
			t.Fatal("a weak password must be refused")
		}
		admin, err := acc.CompleteSetup(ctx, secret, authz.NewUser{Email: "Lead@Example.org", Name: "Lead", Password: password})
		if err != nil {
			t.Fatal(err)
		}
		if !admin.IsAdmin || admin.Email != "lead@example.org" {
			t.Errorf("first user = %+v", admin)
		}
		if _, err := acc.CompleteSetup(ctx, secret, authz.NewUser{Email: "two@example.org", Name: "Two", Password: password}); err == nil {
			t.Fatal("the setup link must not work twice")
		}

		if _, _, err := acc.Login(ctx, "lead@example.org", "wrong password!!", "10.0.0.1", "test"); !errors.Is(err, authz.ErrBadCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
		if _, _, err := acc.Login(ctx, "ghost@example.org", password, "10.0.0.1", "test"); !errors.Is(err, authz.ErrBadCredentials) {
			t.Fatalf("unknown email must look like a wrong password: %v", err)
		}
		sess, pending, err := acc.Login(ctx, "LEAD@example.org", password, "10.0.0.1", "test")
		if err != nil || pending {
			t.Fatalf("login: pending=%v err=%v", pending, err)
		}
		act, _, err := acc.SessionActor(ctx, sess)
		if err != nil || act.UserID != admin.ID || !act.InstanceAdmin || act.MFA {
			t.Fatalf("SessionActor = %+v, %v", act, err)
		}

		// Enrol TOTP.
		totpSecret, url, err := acc.BeginTOTP(ctx, act, "Embargo")
		if err != nil || url == "" {
			t.Fatal(err)
		}
		if _, err := acc.ConfirmTOTP(ctx, act, "000000"); err == nil {
			t.Fatal("a wrong code must not enable two-factor")
		}
		code, _ := totp.GenerateCode(totpSecret, clk.Now())
		recovery, err := acc.ConfirmTOTP(ctx, act, code)
		if err != nil || len(recovery) != authz.RecoveryCodes {
			t.Fatalf("ConfirmTOTP: %d codes, %v", len(recovery), err)
		}

		// Sign in again: the password alone leaves the session pending.
		clk.Advance(time.Minute)
		sess2, pending, err := acc.Login(ctx, "lead@example.org", password, "10.0.0.1", "test")
		if err != nil || !pending {
			t.Fatalf("login with 2FA: pending=%v err=%v", pending, err)
		}
		if _, isPending, err := acc.SessionActor(ctx, sess2); !errors.Is(err, authz.ErrNoSession) || !isPending {
			t.Fatalf("a pending session must not act: pending=%v err=%v", isPending, err)
		}
		if err := acc.VerifySecondFactor(ctx, sess2, "123456"); !errors.Is(err, authz.ErrBadCode) {
			t.Fatalf("wrong code: %v", err)
		}
		code, _ = totp.GenerateCode(totpSecret, clk.Now())
		if err := acc.VerifySecondFactor(ctx, sess2, code); err != nil {
			t.Fatal(err)
		}
		act2, _, err := acc.SessionActor(ctx, sess2)
		if err != nil || !act2.MFA {
			t.Fatalf("after TOTP: %+v, %v", act2, err)
		}

		// The same code cannot be replayed on another session.
		sess3, _, _ := acc.Login(ctx, "lead@example.org", password, "10.0.0.1", "test")
		if err := acc.VerifySecondFactor(ctx, sess3, code); !errors.Is(err, authz.ErrBadCode) {
			t.Fatalf("replayed TOTP code: %v", err)
		}
		// A recovery code works once.
		if err := acc.VerifySecondFactor(ctx, sess3, recovery[0]); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		sess4, _, _ := acc.Login(ctx, "lead@example.org", password, "10.0.0.1", "test")
		if err := acc.VerifySecondFactor(ctx, sess4, recovery[0]); !errors.Is(err, authz.ErrBadCode) {
			t.Fatalf("reused recovery code: %v", err)
		}

		// Logout ends the session.
		if err := acc.Logout(ctx, sess2); err != nil {
			t.Fatal(err)
		}
		if _, _, err := acc.SessionActor(ctx, sess2); !errors.Is(err, authz.ErrNoSession) {
			t.Fatalf("after logout: %v", err)
		}
		// Sessions expire.
		clk.Advance(authz.SessionTTL + time.Hour)
		if _, _, err := acc.SessionActor(ctx, sess3); !errors.Is(err, authz.ErrNoSession) {
			t.Fatalf("expired session: %v", err)
		}
	})
}

func TestLoginRateLimit(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, storetest.SQLiteDSN(t))
	acc := authz.NewAccounts(s, clock.NewFake(time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)))
	var limited bool
	for i := 0; i < 12; i++ {
		_, _, err := acc.Login(ctx, "victim@example.org", "guess", "10.0.0.9", "test")
		if errors.Is(err, authz.ErrRateLimited) {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("repeated failed sign-ins for one email were never limited")
	}
}

func TestTokens(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		acc := authz.NewAccounts(s, clock.NewFake(time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)))
		cli := &authz.Actor{Via: "cli"}
		u, err := acc.CreateUser(ctx, cli, authz.NewUser{Email: "bot@example.org", Name: "Bot", Password: password})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := acc.CreateUser(ctx, cli, authz.NewUser{Email: "BOT@example.org", Name: "Bot", Password: password}); err == nil {
			t.Fatal("duplicate email accepted")
		} else {
			var c *validation.Conflict
			if !errors.As(err, &c) {
				t.Fatalf("duplicate email: %v, want conflict", err)
			}
		}
		plain, tk, err := acc.CreateToken(ctx, cli, "bot@example.org", "ci")
		if err != nil {
			t.Fatal(err)
		}
		if tk.TokenHash == plain || tk.TokenHash != authz.HashSecret(plain) {
			t.Fatal("the token must be stored hashed")
		}
		act, err := acc.TokenActor(ctx, plain)
		if err != nil || act.UserID != u.ID || act.Via != "token" {
			t.Fatalf("TokenActor = %+v, %v", act, err)
		}
		if _, err := acc.TokenActor(ctx, plain+"x"); !errors.Is(err, authz.ErrNoSession) {
			t.Fatalf("wrong token: %v", err)
		}
		if err := acc.RevokeToken(ctx, act, tk.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := acc.TokenActor(ctx, plain); !errors.Is(err, authz.ErrNoSession) {
			t.Fatalf("revoked token still works: %v", err)
		}
		// Disabled accounts lose their credentials at once.
		plain2, _, _ := acc.CreateToken(ctx, cli, "bot@example.org", "ci2")
		admin := &authz.Actor{UserID: -1, Email: "root", Via: "cli"}
		if err := acc.SetDisabled(ctx, admin, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := acc.TokenActor(ctx, plain2); !errors.Is(err, authz.ErrNoSession) {
			t.Fatalf("disabled user's token still works: %v", err)
		}
	})
}

func TestLoginRateLimitPerAddressIsLooser(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, storetest.SQLiteDSN(t))
	acc := authz.NewAccounts(s, clock.NewFake(time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)))
	// A team behind one address signing in one after another is not
	// locked out by the per-email limit; ports differ per connection.
	for i := 0; i < 15; i++ {
		email := "member" + string(rune('a'+i)) + "@example.org"
		_, _, err := acc.Login(ctx, email, "guess", "192.0.2.7:"+string(rune('1'+i%9))+"000", "test")
		if errors.Is(err, authz.ErrRateLimited) {
			t.Fatalf("sign-in %d from a shared address was limited", i+1)
		}
	}
}
