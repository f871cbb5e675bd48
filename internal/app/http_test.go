// SPDX-License-Identifier: AGPL-3.0-or-later

package app_test

import (
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
		{"GET", "/metrics", 200, "text/plain", "embargo_http_requests_total"},
		{"GET", "/login", 200, "text/html", "password"},
		{"GET", "/no/such/page", 404, "text/html", "Not found"},
		{"GET", "/api/v1/no/such/endpoint", 404, "application/json", `"error"`},
		{"POST", "/healthz", 405, "", ""},
		{"GET", "/api/v1/projects", 401, "application/json", `"unauthenticated"`},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			// /metrics counts the earlier requests of this table.
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
