// SPDX-License-Identifier: AGPL-3.0-or-later

// Package metrics tells a project's team how it performs over time: how
// long it takes to acknowledge, assess, fix and disclose (median and 90th
// percentile, overall and per month), how many of its deadlines it kept,
// and what is open now, by severity and age.
//
// Percentiles are nearest-rank: the p-th percentile of n sorted values is
// the value at rank ceil(p/100 × n), so it is always a measured duration.
package metrics

import (
	"context"
	"math"
	"slices"
	"time"

	"embargo/internal/clock"
	"embargo/internal/deadlines"
	"embargo/internal/projects"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// The response times measured, from a case's creation.
var Measures = []string{"acknowledge", "triage", "fix", "disclose"}

// AgeBuckets name the open-case age buckets, youngest first.
var AgeBuckets = []string{"under_7_days", "7_to_30_days", "30_to_90_days", "over_90_days"}

var ageBounds = []int{7, 30, 90} // days

// MaxMonths is the longest period the metrics cover.
const MaxMonths = 36

// Stat is the distribution of one response time.
type Stat struct {
	Count  int
	Median time.Duration // 0 when Count is 0
	P90    time.Duration
}

// Month is one calendar month (in the project's time zone) of a measure.
type Month struct {
	Month string // YYYY-MM
	Stat
}

// Measure is one response time over the period and per month.
type Measure struct {
	Name    string
	Overall Stat
	ByMonth []Month
}

// Deadlines is how many deadlines of a kind due in the period were kept.
type Deadlines struct {
	Kind, Label string
	Met, Missed int
}

// ShareMet is Met ÷ (Met + Missed), or -1 when none fell due.
func (d Deadlines) ShareMet() float64 {
	if d.Met+d.Missed == 0 {
		return -1
	}
	return float64(d.Met) / float64(d.Met+d.Missed)
}

// Open counts the open cases of one severity by age bucket.
type Open struct {
	Severity string
	ByAge    []int // per AgeBuckets
	Total    int
}

// Report is a project's metrics over a period.
type Report struct {
	From, To  time.Time
	Months    []string // YYYY-MM, oldest first
	Measures  []Measure
	Deadlines []Deadlines
	Open      []Open
	OpenTotal int
}

// Service computes metrics.
type Service struct {
	Store *store.Store
	Clock clock.Clock
}

// Percentile returns the nearest-rank p-th percentile of sorted.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func statOf(ds []time.Duration) Stat {
	slices.Sort(ds)
	return Stat{Count: len(ds), Median: Percentile(ds, 50), P90: Percentile(ds, 90)}
}

// For computes project p's metrics over the last months calendar months
// (the current one included) in the project's time zone. months must be
// between 1 and MaxMonths.
func (s *Service) For(ctx context.Context, p *store.Project, months int, openStates []string) (*Report, error) {
	if months < 1 || months > MaxMonths {
		return nil, validation.Errorf("months", "must be between 1 and %d", MaxMonths)
	}
	set, err := projects.ParseSettings(p.Settings)
	if err != nil {
		set = projects.DefaultSettings()
	}
	loc := set.Location()
	now := s.Clock.Now().In(loc)
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc).AddDate(0, -(months - 1), 0)
	r := &Report{From: start, To: now}
	for m := start; m.Before(now); m = m.AddDate(0, 1, 0) {
		r.Months = append(r.Months, m.Format("2006-01"))
	}
	from, to := clock.Millis(start), clock.Millis(now)+1
	err = s.Store.Read(ctx, func(tx *store.Tx) error {
		for _, name := range Measures {
			reached, err := tx.MilestonesReached(ctx, p.ID, name, from, to)
			if err != nil {
				return err
			}
			var all []time.Duration
			perMonth := map[string][]time.Duration{}
			for _, x := range reached {
				d := time.Duration(max(x.DurationMs, 0)) * time.Millisecond
				all = append(all, d)
				key := clock.FromMillis(x.At).In(loc).Format("2006-01")
				perMonth[key] = append(perMonth[key], d)
			}
			m := Measure{Name: name, Overall: statOf(all)}
			for _, key := range r.Months {
				m.ByMonth = append(m.ByMonth, Month{Month: key, Stat: statOf(perMonth[key])})
			}
			r.Measures = append(r.Measures, m)
		}
		outcomes, err := tx.DeadlineOutcomes(ctx, p.ID, from, to, clock.Millis(now))
		if err != nil {
			return err
		}
		byKind := map[string]store.DeadlineOutcome{}
		for _, o := range outcomes {
			byKind[o.Kind] = o
		}
		for _, k := range deadlines.Kinds {
			r.Deadlines = append(r.Deadlines, Deadlines{Kind: k, Label: deadlines.Label(k), Met: byKind[k].Met, Missed: byKind[k].Missed})
		}
		bounds := make([]int64, len(ageBounds))
		for i, days := range ageBounds {
			bounds[i] = clock.Millis(now.Add(-time.Duration(days) * 24 * time.Hour))
		}
		open, err := tx.OpenCasesByAge(ctx, p.ID, openStates, bounds)
		if err != nil {
			return err
		}
		for _, o := range open {
			one := Open{Severity: o.Severity, ByAge: o.Buckets}
			for _, n := range o.Buckets {
				one.Total += n
			}
			r.OpenTotal += one.Total
			r.Open = append(r.Open, one)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}
