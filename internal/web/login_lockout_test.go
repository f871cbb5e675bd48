// SPDX-License-Identifier: AGPL-3.0-or-later

package web_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"embargo/internal/app"
	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/config"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestKnownEmailCannotLockOutMember guesses a member's password from
// thirty addresses and checks that the guessers are limited while the
// member still signs in from the browser they used before, and is then
// told of every failed attempt.
func TestKnownEmailCannotLockOutMember(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		clk := clock.NewFake(time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC))
		// Behind a proxy, so each request can come from its own address.
		cfg := &config.Config{Addr: "127.0.0.1:0", BaseURL: "http://example.test", ShutdownTimeout: time.Second, TrustProxy: true}
		a := app.Build(cfg, s, slog.New(slog.DiscardHandler), clk)
		srv := httptest.NewServer(a.Handler)
		t.Cleanup(srv.Close)
		e := &env{t: t, app: a, clk: clk, srv: srv}

		// The member's own browser signed in before: it holds a device cookie.
		member := e.setUp("ada@example.org")
		u, _ := url.Parse(srv.URL)
		if deviceCookie(member, u) == "" {
			t.Fatal("no device cookie after a successful sign-in")
		}
		member.post("/logout", nil).redirectsTo("/")

		signIn := func(b *browser, from, password string) *response {
			req, err := http.NewRequest("POST", srv.URL+"/login", strings.NewReader(url.Values{
				"email": {"ada@example.org"}, "password": {password}}.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.Header.Set("X-Forwarded-For", from)
			return b.do(req)
		}

		// Thirty wrong passwords, each from another address and browser.
		limited := 0
		for i := range 30 {
			res := signIn(e.browser(), fmt.Sprintf("203.0.113.%d", i+1), "wrong password number "+fmt.Sprint(i))
			switch res.Status {
			case http.StatusUnprocessableEntity:
			case http.StatusTooManyRequests:
				limited++
			default:
				t.Fatalf("guess %d: status %d", i+1, res.Status)
			}
		}
		if limited == 0 {
			t.Fatal("thirty guesses for one account from untrusted browsers were never limited")
		}

		// Untrusted browsers stay limited, even with the right password
		// and a forged device cookie.
		stranger := e.browser()
		signIn(stranger, "203.0.113.99", testPassword).want(http.StatusTooManyRequests)
		forged := e.browser()
		forged.c.Jar.SetCookies(u, []*http.Cookie{{Name: authz.DeviceCookie, Value: strings.Repeat("A", 80)}})
		signIn(forged, "203.0.113.98", testPassword).want(http.StatusTooManyRequests)

		// The member's browser is limited by its own failures only.
		signIn(member, "198.51.100.7", testPassword).want(http.StatusOK).
			contains("32 failed sign-in attempts", "since you last signed in", `href="/"`)
		member.get("/").want(http.StatusOK)

		// Told once: the next sign-in goes straight on.
		member.post("/logout", nil).redirectsTo("/")
		signIn(member, "198.51.100.7", testPassword).redirectsTo("/")

		// A trusted browser that keeps failing is limited too.
		member.post("/logout", nil).redirectsTo("/")
		refused := false
		for i := range 15 {
			if signIn(member, "198.51.100.7", fmt.Sprintf("member typo %d", i)).Status == http.StatusTooManyRequests {
				refused = true
				break
			}
		}
		if !refused {
			t.Error("a trusted browser's own failures were never limited")
		}
	})
}

func deviceCookie(b *browser, u *url.URL) string {
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == authz.DeviceCookie {
			return c.Value
		}
	}
	return ""
}
