// SPDX-License-Identifier: AGPL-3.0-or-later

package intake

import (
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/clock"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// fixedClock is a clock that stands still, so a whole test falls in one
// rate window.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

func TestGateLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		perClient, perProject int
		clients               int // distinct addresses, each sending until refused
		wantAccepted          int
	}{
		{"one address stops at its own limit", 3, 100, 1, 3},
		{"the project limit bounds many addresses", 3, 7, 5, 7},
		{"raised limits", 1000, 5000, 2, 2000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var clk clock.Clock = fixedClock{time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
			g := NewGateLimits(clk, tt.perClient, tt.perProject)
			accepted := 0
			for c := range tt.clients {
				for {
					wait, ok := g.AllowReport(t.Context(), fmt.Sprintf("192.0.2.%d", c+1), 1)
					if !ok {
						if wait != RateWindow {
							t.Errorf("refusal wait = %v, want %v", wait, RateWindow)
						}
						break
					}
					accepted++
				}
			}
			if accepted != tt.wantAccepted {
				t.Errorf("accepted %d reports, want %d", accepted, tt.wantAccepted)
			}
			if _, ok := g.AllowReport(t.Context(), "198.51.100.1", 2); !ok {
				t.Error("another project's report was refused; limits must be per project")
			}
		})
	}
}

// TestSharedGate checks the gate PostgreSQL replicas share, on both
// engines' rate_counters: the limits, the Retry-After left in the window,
// and that an attempt one limit refuses is not charged to the other.
func TestSharedGate(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		// 12:45: a quarter of an hour is left in the window.
		clk := clock.NewFake(time.Date(2026, 11, 23, 12, 45, 0, 0, time.UTC))
		g := NewSharedGate(s, clk, slog.New(slog.DiscardHandler), 2, 3)
		allow := func(client string, project int64) bool {
			t.Helper()
			wait, ok := g.AllowReport(t.Context(), client, project)
			if !ok && wait != 15*time.Minute {
				t.Errorf("refusal wait = %v, want 15m0s", wait)
			}
			return ok
		}
		got := []bool{
			allow("192.0.2.1", 1), allow("192.0.2.1", 1), allow("192.0.2.1", 1), // the address limit
			allow("192.0.2.2", 1), allow("192.0.2.3", 1), // the project limit
			allow("192.0.2.3", 2), allow("192.0.2.3", 2), allow("192.0.2.3", 2), // the refusal above cost 192.0.2.3 nothing
		}
		want := []bool{true, true, false, true, false, true, true, false}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("attempts accepted (-want +got):\n%s", diff)
		}
		for range MessagesPerClientCase {
			if _, ok := g.AllowMessage(t.Context(), "192.0.2.1", 7); !ok {
				t.Fatal("a message within the limit was refused")
			}
		}
		if _, ok := g.AllowMessage(t.Context(), "192.0.2.1", 7); ok {
			t.Error("a message over the limit was accepted")
		}

		clk.Advance(15 * time.Minute)
		if err := g.Purge(t.Context()); err != nil {
			t.Fatal(err)
		}
		if !allow("192.0.2.1", 1) {
			t.Error("the next window did not start afresh")
		}
	})
}
