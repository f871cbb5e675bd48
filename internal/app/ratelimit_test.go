// SPDX-License-Identifier: AGPL-3.0-or-later

package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"embargo/internal/app"
	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/config"
	"embargo/internal/projects"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestReplicasShareReportLimits runs two instances on one PostgreSQL
// database, as two replicas behind a load balancer, and sends reports to
// them in turn: together they accept the configured per-address and
// per-project limits, not twice them, and then answer 429 with the time
// left in the window as Retry-After.
func TestReplicasShareReportLimits(t *testing.T) {
	t.Parallel()
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	// 12:30: the window is 12:00 to 13:00, so half an hour remains.
	clk := clock.NewFake(time.Date(2026, 5, 4, 12, 30, 0, 0, time.UTC))
	cfg := &config.Config{Addr: "127.0.0.1:0", BaseURL: "http://example.test", ShutdownTimeout: time.Second,
		TrustProxy: true, ReportRatePerAddress: 3, ReportRatePerProject: 5}
	var replicas []*httptest.Server
	var first *app.App
	for range 2 {
		s := storetest.Open(t, dsn)
		a := app.Build(cfg, s, slog.New(slog.DiscardHandler), clk)
		srv := httptest.NewServer(a.Handler)
		t.Cleanup(srv.Close)
		replicas = append(replicas, srv)
		if first == nil {
			first = a
		}
	}
	now := clock.Millis(clk.Now())
	lead := &store.User{Email: "lead@example.org", Name: "Lead", CreatedAt: now, UpdatedAt: now}
	if err := first.Store.Write(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, lead) }); err != nil {
		t.Fatal(err)
	}
	acme, err := first.Projects.Create(ctx, &authz.Actor{UserID: lead.ID, Email: lead.Email, Via: "test"}, "acme",
		projects.Input{Name: ptr("Acme")})
	if err != nil {
		t.Fatal(err)
	}

	sent := 0
	report := func(address string) *http.Response {
		t.Helper()
		srv := replicas[sent%len(replicas)] // the load balancer alternates
		sent++
		body := fmt.Sprintf(`{"title":"Report %d","description":"Details of report %d."}`, sent, sent)
		req, err := http.NewRequest("POST", srv.URL+"/api/v1/projects/acme/reports", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", address)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	expect := func(what string, resp *http.Response, want int) {
		t.Helper()
		if resp.StatusCode != want {
			t.Fatalf("%s: status %d, want %d", what, resp.StatusCode, want)
		}
		if want == http.StatusTooManyRequests {
			if got := resp.Header.Get("Retry-After"); got != "1800" {
				t.Errorf("%s: Retry-After %q, want \"1800\" (the half hour left in the window)", what, got)
			}
		}
	}

	for i := range 3 {
		expect(fmt.Sprintf("report %d from 192.0.2.1", i+1), report("192.0.2.1"), http.StatusCreated)
	}
	expect("4th report from 192.0.2.1, over the address limit", report("192.0.2.1"), http.StatusTooManyRequests)
	for i := range 2 {
		expect(fmt.Sprintf("report %d from 192.0.2.2", i+1), report("192.0.2.2"), http.StatusCreated)
	}
	expect("6th report to the project, over the project limit", report("192.0.2.3"), http.StatusTooManyRequests)
	expect("another refusal on the other replica", report("192.0.2.3"), http.StatusTooManyRequests)

	var cases map[int64]int
	if err := first.Store.Read(ctx, func(tx *store.Tx) (err error) {
		cases, err = tx.CountCasesByProject(ctx, []int64{acme.ID}, nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if cases[acme.ID] != 5 {
		t.Errorf("the project holds %d cases, want 5 (refused reports write nothing)", cases[acme.ID])
	}

	// The next window starts afresh, on either replica.
	clk.Advance(30 * time.Minute)
	expect("a report in the next window", report("192.0.2.1"), http.StatusCreated)
}
