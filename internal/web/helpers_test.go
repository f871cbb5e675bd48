// SPDX-License-Identifier: AGPL-3.0-or-later

package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"embargo/internal/app"
	"embargo/internal/clock"
	"embargo/internal/config"
	"embargo/internal/store"
)

// testPassword satisfies the password policy.
const testPassword = "correct horse battery staple"

// env is a running instance of the whole application.
type env struct {
	t   *testing.T
	app *app.App
	clk *clock.Fake
	srv *httptest.Server
}

func newEnv(t *testing.T, s *store.Store) *env {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC))
	cfg := &config.Config{Addr: "127.0.0.1:0", BaseURL: "http://example.test", ShutdownTimeout: time.Second}
	a := app.Build(cfg, s, slog.New(slog.DiscardHandler), clk)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	return &env{t: t, app: a, clk: clk, srv: srv}
}

// browser is one visitor with its own cookies. It does not follow
// redirects, so tests see where each answer points.
type browser struct {
	t   *testing.T
	env *env
	c   *http.Client
}

func (e *env) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &browser{t: e.t, env: e, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// response is a finished request.
type response struct {
	t      *testing.T
	Status int
	Header http.Header
	Body   string
}

func (b *browser) do(req *http.Request) *response {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return &response{t: b.t, Status: res.StatusCode, Header: res.Header, Body: string(body)}
}

func (b *browser) get(path string) *response {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.env.srv.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post sends a form the way a same-origin browser does.
func (b *browser) post(path string, form url.Values) *response {
	b.t.Helper()
	req, err := http.NewRequest("POST", b.env.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.env.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

// want fails the test unless the response has status.
func (r *response) want(status int) *response {
	r.t.Helper()
	if r.Status != status {
		r.t.Fatalf("status %d, want %d; body:\n%s", r.Status, status, r.Body)
	}
	return r
}

// redirectsTo fails the test unless the response is a 303 to location.
func (r *response) redirectsTo(location string) *response {
	r.t.Helper()
	r.want(http.StatusSeeOther)
	if got := r.Header.Get("Location"); got != location {
		r.t.Fatalf("redirect to %q, want %q", got, location)
	}
	return r
}

// contains fails the test unless the body contains every s.
func (r *response) contains(ss ...string) *response {
	r.t.Helper()
	for _, s := range ss {
		if !strings.Contains(r.Body, s) {
			r.t.Fatalf("body lacks %q:\n%s", s, r.Body)
		}
	}
	return r
}

// lacks fails the test if the body contains any s.
func (r *response) lacks(ss ...string) *response {
	r.t.Helper()
	for _, s := range ss {
		if strings.Contains(r.Body, s) {
			r.t.Fatalf("body contains %q:\n%s", s, r.Body)
		}
	}
	return r
}

// doc parses the body as HTML.
func (r *response) doc() *html.Node {
	r.t.Helper()
	n, err := html.Parse(strings.NewReader(r.Body))
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

// attr returns an attribute of n.
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// findAll returns the elements under n for which match is true, in
// document order.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// byID returns the element with id, or nil.
func byID(n *html.Node, id string) *html.Node {
	if found := findAll(n, func(n *html.Node) bool { return attr(n, "id") == id }); len(found) > 0 {
		return found[0]
	}
	return nil
}

// tag matches elements by name.
func tag(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}

// text returns the text content of n.
func text(n *html.Node) string {
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return sb.String()
}

// setUp creates the first admin through the setup link and returns their
// signed-in browser.
func (e *env) setUp(email string) *browser {
	e.t.Helper()
	token, err := e.app.Accounts.NewSetupToken(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	b := e.browser()
	b.get("/setup?token="+url.QueryEscape(token)).want(http.StatusOK).
		contains(`name="email"`, `name="name"`, `name="password"`, `type="submit"`)
	b.post("/setup", url.Values{"token": {token}, "email": {email}, "name": {"Ada Admin"}, "password": {testPassword}}).
		redirectsTo("/")
	return b
}

// login signs in with a password and returns the browser.
func (e *env) login(email string) *browser {
	e.t.Helper()
	b := e.browser()
	b.post("/login", url.Values{"email": {email}, "password": {testPassword}}).redirectsTo("/")
	return b
}
