// SPDX-License-Identifier: AGPL-3.0-or-later

package clock_test

import (
	"testing"
	"time"

	"embargo/internal/clock"
)

func TestAddBusinessDays(t *testing.T) {
	zone := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Skipf("no time zone data for %s", name)
		}
		return loc
	}
	berlin, auckland, la := zone("Europe/Berlin"), zone("Pacific/Auckland"), zone("America/Los_Angeles")
	tests := []struct {
		name string
		at   time.Time
		n    int
		loc  *time.Location
		want time.Time
	}{
		{"Monday + 3", time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC), 3, time.UTC, time.Date(2026, 5, 7, 10, 0, 0, 0, time.UTC)},
		{"Thursday + 3 skips the weekend", time.Date(2026, 5, 7, 10, 0, 0, 0, time.UTC), 3, time.UTC, time.Date(2026, 5, 12, 10, 0, 0, 0, time.UTC)},
		{"Friday + 1 is Monday", time.Date(2026, 5, 8, 10, 0, 0, 0, time.UTC), 1, time.UTC, time.Date(2026, 5, 11, 10, 0, 0, 0, time.UTC)},
		{"Saturday + 1 is Monday", time.Date(2026, 5, 9, 10, 0, 0, 0, time.UTC), 1, time.UTC, time.Date(2026, 5, 11, 10, 0, 0, 0, time.UTC)},
		{"Sunday + 1 is Monday", time.Date(2026, 5, 10, 23, 59, 0, 0, time.UTC), 1, time.UTC, time.Date(2026, 5, 11, 23, 59, 0, 0, time.UTC)},
		{"Friday + 10 spans two weekends", time.Date(2026, 5, 8, 9, 0, 0, 0, time.UTC), 10, time.UTC, time.Date(2026, 5, 22, 9, 0, 0, 0, time.UTC)},
		// 23:30 UTC on Friday is already Saturday in Berlin.
		{"Berlin: Friday night UTC is Saturday", time.Date(2026, 5, 8, 23, 30, 0, 0, time.UTC), 1, berlin, time.Date(2026, 5, 11, 1, 30, 0, 0, berlin)},
		// Friday 23:00 UTC is Saturday 11:00 in Auckland (UTC+12): three
		// business days are Monday, Tuesday, Wednesday.
		{"Auckland: Friday 23:00 UTC", time.Date(2026, 5, 8, 23, 0, 0, 0, time.UTC), 3, auckland, time.Date(2026, 5, 13, 11, 0, 0, 0, auckland)},
		// Friday 11:00 UTC is still Friday 23:00 in Auckland.
		{"Auckland: Friday 11:00 UTC", time.Date(2026, 5, 8, 11, 0, 0, 0, time.UTC), 1, auckland, time.Date(2026, 5, 11, 23, 0, 0, 0, auckland)},
		// Monday 03:00 UTC is Sunday evening in Los Angeles.
		{"Los Angeles: Monday morning UTC is Sunday", time.Date(2026, 5, 11, 3, 0, 0, 0, time.UTC), 1, la, time.Date(2026, 5, 11, 20, 0, 0, 0, la)},
		// Berlin moves to summer time on 29 March 2026: the local hour holds.
		{"across a daylight saving change", time.Date(2026, 3, 27, 9, 0, 0, 0, berlin), 1, berlin, time.Date(2026, 3, 30, 9, 0, 0, 0, berlin)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := clock.AddBusinessDays(tc.at, tc.n, tc.loc)
			if !got.Equal(tc.want) {
				t.Errorf("AddBusinessDays(%v, %d, %v) = %v, want %v", tc.at, tc.n, tc.loc, got, tc.want)
			}
			if got.Location() != tc.loc {
				t.Errorf("result in %v, want %v", got.Location(), tc.loc)
			}
		})
	}
}
