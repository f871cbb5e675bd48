// SPDX-License-Identifier: AGPL-3.0-or-later

package intake

import (
	"fmt"
	"testing"
	"time"

	"embargo/internal/clock"
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
					wait, ok := g.AllowReport(fmt.Sprintf("192.0.2.%d", c+1), 1)
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
			if _, ok := g.AllowReport("198.51.100.1", 2); !ok {
				t.Error("another project's report was refused; limits must be per project")
			}
		})
	}
}
