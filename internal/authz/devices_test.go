// SPDX-License-Identifier: AGPL-3.0-or-later

package authz_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/store/storetest"
)

// TestDeviceCookies checks which device cookies make a browser trusted:
// only one issued to the same account, by this server, within DeviceTTL.
func TestDeviceCookies(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, storetest.SQLiteDSN(t))
	clk := clock.NewFake(time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC))
	acc := authz.NewAccounts(s, clk)
	for _, email := range []string{"ann@example.org", "bob@example.org"} {
		if _, err := acc.CreateUser(ctx, &authz.Actor{Via: "cli"}, authz.NewUser{Email: email, Name: email, Password: password}); err != nil {
			t.Fatal(err)
		}
	}
	signIn := func(email, pw, device string) (authz.SignInResult, error) {
		return acc.SignIn(ctx, authz.SignInAttempt{Email: email, Password: pw, RemoteAddr: "192.0.2.1", UserAgent: "test", Device: device})
	}
	ann, err := signIn("ann@example.org", password, "")
	if err != nil || ann.Device == "" {
		t.Fatalf("first sign-in: %v, device %q", err, ann.Device)
	}
	bob, err := signIn("bob@example.org", password, "")
	if err != nil {
		t.Fatal(err)
	}
	otherServer, err := authz.NewAccounts(s, clk).SignIn(ctx, authz.SignInAttempt{Email: "ann@example.org", Password: password, RemoteAddr: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	// Lock untrusted browsers out of ann's account.
	for range 12 {
		signIn("ann@example.org", "a wrong guess", "")
	}
	tests := []struct {
		name    string
		device  string
		advance time.Duration
		trusted bool
	}{
		{"no cookie", "", 0, false},
		{"ann's cookie", ann.Device, 0, true},
		{"bob's cookie for ann's account", bob.Device, 0, false},
		{"sealed under another key", otherServer.Device, 0, false},
		{"damaged", ann.Device[:len(ann.Device)-2] + "AA", 0, false},
		{"not base64", "!!!", 0, false},
		{"expired", ann.Device, authz.DeviceTTL + time.Hour, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.advance > 0 {
				clk.Advance(tc.advance)
				defer clk.Advance(-tc.advance)
				for range 12 { // the old lock-out has run out
					signIn("ann@example.org", "a wrong guess", "")
				}
			}
			_, err := signIn("ann@example.org", password, tc.device)
			if trusted := err == nil; trusted != tc.trusted {
				t.Errorf("trusted = %v (err %v), want %v", trusted, err, tc.trusted)
			}
			if !tc.trusted && !errors.Is(err, authz.ErrRateLimited) {
				t.Errorf("err = %v, want ErrRateLimited", err)
			}
		})
	}
}
