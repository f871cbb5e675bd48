// SPDX-License-Identifier: AGPL-3.0-or-later

package metrics_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/clock"
	"embargo/internal/metrics"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// A month that has ended is kept once computed; every change that the
// month's figures read must make the next view compute it again, on both
// engines.
func TestKeptMonthsFollowChanges(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		at := func(month time.Month, day, hour int) int64 {
			return clock.Millis(time.Date(2026, month, day, hour, 0, 0, 0, time.UTC))
		}
		clk := clock.NewFake(time.Date(2026, time.March, 15, 12, 0, 0, 0, time.UTC))
		svc := &metrics.Service{Store: s, Clock: clk}
		write := func(fn func(tx *store.Tx) error) {
			t.Helper()
			if err := s.Write(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		p := &store.Project{Slug: "acme", Name: "Acme", Settings: "{}", CreatedAt: at(1, 1, 0), UpdatedAt: at(1, 1, 0)}
		write(func(tx *store.Tx) error { return tx.CreateProject(ctx, p) })
		mk := func(created, acknowledged int64) *store.Case {
			c := &store.Case{ProjectID: p.ID, ProjectSlug: p.Slug, State: "acknowledged", Severity: "unknown",
				CreatedAt: created, UpdatedAt: created, Milestones: store.Milestones{AcknowledgedAt: acknowledged}}
			write(func(tx *store.Tx) error {
				n, err := tx.NextCaseNumber(ctx, p.ID)
				c.Number, c.Key = n, fmt.Sprintf("ACME-%d", n)
				if err != nil {
					return err
				}
				return tx.CreateCase(ctx, c)
			})
			return c
		}
		c1 := mk(at(1, 5, 8), at(1, 5, 10))   // 2 h, in January
		c2 := mk(at(1, 10, 8), at(1, 10, 12)) // 4 h, in January
		c3 := mk(at(1, 31, 22), at(2, 1, 1))  // 3 h, in February
		d1 := &store.Deadline{CaseID: c1.ID, Kind: "acknowledge", Basis: "b", StartedAt: c1.CreatedAt, DueAt: at(1, 6, 8), MetAt: c1.AcknowledgedAt}
		d2 := &store.Deadline{CaseID: c2.ID, Kind: "acknowledge", Basis: "b", StartedAt: c2.CreatedAt, DueAt: at(1, 11, 8), MetAt: at(1, 12, 8)}
		write(func(tx *store.Tx) error {
			if err := tx.PutDeadline(ctx, d1); err != nil {
				return err
			}
			return tx.PutDeadline(ctx, d2)
		})

		type figures struct {
			Months   []string
			Counts   []int // acknowledgements per month
			Medians  []time.Duration
			Overall  metrics.Stat
			Met, Mis int // acknowledgement deadlines
		}
		view := func() figures {
			t.Helper()
			r, err := svc.For(ctx, p, 3, []string{"new", "acknowledged"})
			if err != nil {
				t.Fatal(err)
			}
			f := figures{Months: r.Months, Overall: r.Measures[0].Overall}
			for _, m := range r.Measures[0].ByMonth {
				f.Counts = append(f.Counts, m.Count)
				f.Medians = append(f.Medians, m.Median)
			}
			for _, d := range r.Deadlines {
				if d.Kind == "acknowledge" {
					f.Met, f.Mis = d.Met, d.Missed
				}
			}
			return f
		}
		kept := func() int {
			t.Helper()
			var n int
			if err := s.Read(ctx, func(tx *store.Tx) error {
				m, err := tx.MetricMonths(ctx, p.ID, 0, at(3, 1, 0))
				n = len(m)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		check := func(step string, want figures) {
			t.Helper()
			for _, pass := range []string{"computed", "kept"} {
				if diff := cmp.Diff(want, view()); diff != "" {
					t.Fatalf("%s, %s (-want +got):\n%s", step, pass, diff)
				}
				if n := kept(); n != 2 {
					t.Fatalf("%s, %s: %d months kept, want January and February", step, pass, n)
				}
			}
		}
		months := []string{"2026-01", "2026-02", "2026-03"}
		check("at first", figures{Months: months, Counts: []int{2, 1, 0}, Medians: []time.Duration{2 * time.Hour, 3 * time.Hour, 0},
			Overall: metrics.Stat{Count: 3, Median: 3 * time.Hour, P90: 4 * time.Hour}, Met: 1, Mis: 1})

		// The late case turns out to be spam: it leaves January's times
		// and its deadline's outcome.
		c2.Resolution = "spam"
		write(func(tx *store.Tx) error { return tx.UpdateCase(ctx, c2) })
		check("spam", figures{Months: months, Counts: []int{1, 1, 0}, Medians: []time.Duration{2 * time.Hour, 3 * time.Hour, 0},
			Overall: metrics.Stat{Count: 2, Median: 2 * time.Hour, P90: 3 * time.Hour}, Met: 1, Mis: 0})

		// A milestone moves from February to January.
		c3.AcknowledgedAt = at(1, 31, 23)
		write(func(tx *store.Tx) error { return tx.UpdateCase(ctx, c3) })
		check("moved", figures{Months: months, Counts: []int{2, 0, 0}, Medians: []time.Duration{time.Hour, 0, 0},
			Overall: metrics.Stat{Count: 2, Median: time.Hour, P90: 2 * time.Hour}, Met: 1, Mis: 0})

		// A deadline kept on time is reopened and cancelled: neither met
		// nor missed.
		d1.MetAt, d1.CancelledAt = 0, at(1, 7, 0)
		write(func(tx *store.Tx) error { return tx.PutDeadline(ctx, d1) })
		check("cancelled", figures{Months: months, Counts: []int{2, 0, 0}, Medians: []time.Duration{time.Hour, 0, 0},
			Overall: metrics.Stat{Count: 2, Median: time.Hour, P90: 2 * time.Hour}, Met: 0, Mis: 0})

		// A deadline of February, still open, is missed; removed, it
		// counts no more.
		d3 := &store.Deadline{CaseID: c1.ID, Kind: "assessment", Basis: "b", StartedAt: c1.CreatedAt, DueAt: at(2, 10, 0)}
		write(func(tx *store.Tx) error { return tx.PutDeadline(ctx, d3) })
		r, err := svc.For(ctx, p, 3, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d := r.Deadlines[1]; d.Kind != "assessment" || d.Missed != 1 {
			t.Fatalf("open deadline of February: %+v", d)
		}
		write(func(tx *store.Tx) error { return tx.DeleteDeadline(ctx, c1.ID, "assessment") })
		if r, err = svc.For(ctx, p, 3, nil); err != nil {
			t.Fatal(err)
		}
		if d := r.Deadlines[1]; d.Missed != 0 {
			t.Fatalf("removed deadline of February still counts: %+v", d)
		}

		// The project moves to another time zone: its months have other
		// bounds, and those kept in the old ones are replaced.
		p.Settings = `{"time_zone": "Pacific/Auckland"}`
		write(func(tx *store.Tx) error { return tx.UpdateProject(ctx, p) })
		if _, err := svc.For(ctx, p, 3, nil); err != nil {
			t.Fatal(err)
		}
		if n := kept(); n != 2 {
			t.Fatalf("%d months kept after the time zone changed, want 2", n)
		}
	})
}
