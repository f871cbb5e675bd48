// SPDX-License-Identifier: AGPL-3.0-or-later

package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"embargo/internal/app"
	"embargo/internal/clock"
	"embargo/internal/config"
	"embargo/internal/store/storetest"
)

func TestOperationalEndpointsAndHeaders(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, storetest.SQLiteDSN(t))
	cfg := &config.Config{Addr: "127.0.0.1:0", BaseURL: "http://example.test", ShutdownTimeout: time.Second}
	a := app.Build(cfg, s, slog.New(slog.DiscardHandler), clock.Real{})
	tests := []struct {
		method, path string
		status       int
		contentType  string
		body         string
	}{
		{"GET", "/healthz", 200, "text/plain", "ok"},
		{"GET", "/readyz", 200, "text/plain", "ready"},
		{"GET", "/metrics", 404, "text/html", "Not found"},
		{"GET", "/login", 200, "text/html", "password"},
		{"GET", "/no/such/page", 404, "text/html", "Not found"},
		{"GET", "/api/v1/no/such/endpoint", 404, "application/json", `"error"`},
		{"POST", "/healthz", 405, "", ""},
		{"GET", "/api/v1/projects", 401, "application/json", `"unauthenticated"`},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			a.Handler.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, tc.contentType) {
				t.Errorf("Content-Type %q, want %q", ct, tc.contentType)
			}
			if !strings.Contains(rec.Body.String(), tc.body) {
				t.Errorf("body lacks %q", tc.body)
			}
			h := rec.Header()
			csp := h.Get("Content-Security-Policy")
			if csp == "" || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("CSP = %q", csp)
			}
			for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
				if h.Get(k) != v {
					t.Errorf("%s = %q, want %q", k, h.Get(k), v)
				}
			}
		})
	}
}

func TestCrossOriginPostsAreRefused(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, storetest.SQLiteDSN(t))
	cfg := &config.Config{Addr: "127.0.0.1:0", BaseURL: "http://example.test", ShutdownTimeout: time.Second}
	a := app.Build(cfg, s, slog.New(slog.DiscardHandler), clock.Real{})
	for _, path := range []string{"/login", "/api/v1/projects"} {
		req := httptest.NewRequest("POST", path, strings.NewReader("email=a%40b.org&password=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		rec := httptest.NewRecorder()
		a.Handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("cross-site POST %s: %d, want 403", path, rec.Code)
		}
	}
}

// TestMetricsOnlyOnTheirOwnListener runs servers and checks that the main
// listener never serves metrics, that none is served unless configured,
// and that a configured token is required.
func TestMetricsOnlyOnTheirOwnListener(t *testing.T) {
	const token = "scrape-0123456789abcdef"
	tests := []struct {
		name        string
		metricsAddr string
		token       string
		requests    []metricsProbe
	}{
		{name: "off by default"},
		{name: "listener without token", metricsAddr: "127.0.0.1:0", requests: []metricsProbe{
			{path: "/metrics", status: 200, body: "embargo_http_requests_total"},
			{path: "/healthz", status: 404},
		}},
		{name: "listener with token", metricsAddr: "127.0.0.1:0", token: token, requests: []metricsProbe{
			{path: "/metrics", status: 401, body: "Bearer"},
			{path: "/metrics", auth: "Bearer wrong-0123456789abcdef", status: 401},
			{path: "/metrics", auth: token, status: 401},
			{path: "/metrics", auth: "Bearer " + token, status: 200, body: `embargo_http_requests_total{code="404",method="GET",route="unmatched"}`},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), ShutdownTimeout: 5 * time.Second,
				MetricsAddr: tc.metricsAddr, MetricsToken: tc.token}
			a, addr := serveApp(t, cfg)
			for _, path := range []string{"/metrics", "/metrics/", "/api/v1/metrics"} {
				if code, _ := get(t, "http://"+addr+path, ""); code != http.StatusNotFound {
					t.Errorf("main listener GET %s: %d, want 404", path, code)
				}
			}
			for _, path := range []string{"/healthz", "/readyz"} {
				if code, body := get(t, "http://"+addr+path, ""); code != 200 || len(body) > 10 {
					t.Errorf("main listener GET %s: %d %q, want 200 and a word", path, code, body)
				}
			}
			if tc.metricsAddr == "" {
				if a.MetricsListenAddr != "" {
					t.Fatalf("metrics listener on %s without being configured", a.MetricsListenAddr)
				}
				return
			}
			for _, p := range tc.requests {
				code, body := get(t, "http://"+a.MetricsListenAddr+p.path, p.auth)
				if code != p.status || !strings.Contains(body, p.body) {
					t.Errorf("metrics listener GET %s (Authorization %q): %d, want %d with %q; body %.200q", p.path, p.auth, code, p.status, p.body, body)
				}
			}
		})
	}
}

type metricsProbe struct {
	path, auth, body string
	status           int
}

// serveApp runs a server for cfg until t ends and returns it with its
// main listener's address.
func serveApp(t *testing.T, cfg *config.Config) (*app.App, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler), clock.Real{})
	if err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, func(addr string) { ready <- addr }) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-served:
		t.Fatalf("serve: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	return a, addr
}

func get(t *testing.T, url, auth string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}
