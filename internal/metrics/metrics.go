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
	"sort"
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
func Percentile[T ~int64](sorted []T, p float64) T {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// statOf is the distribution of sorted, in milliseconds.
func statOf(sorted []int64) Stat {
	ms := func(v int64) time.Duration { return time.Duration(v) * time.Millisecond }
	return Stat{Count: len(sorted), Median: ms(Percentile(sorted, 50)), P90: ms(Percentile(sorted, 90))}
}

// statOfAll is the distribution of the sorted lists taken together.
// Each percentile is found by bisecting on the value, counting in each
// list, rather than merging lists three years long on every view.
func statOfAll(lists [][]int64) Stat {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	if n == 0 {
		return Stat{}
	}
	at := func(p float64) time.Duration {
		rank := min(max(int(math.Ceil(p/100*float64(n))), 1), n)
		return time.Duration(nthSmallest(lists, rank)) * time.Millisecond
	}
	return Stat{Count: n, Median: at(50), P90: at(90)}
}

// nthSmallest returns the rank-th smallest value (from 1) of the sorted
// lists, which hold at least rank values: the least v that at least rank
// values do not exceed.
func nthSmallest(lists [][]int64, rank int) int64 {
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, l := range lists {
		if len(l) > 0 {
			lo, hi = min(lo, l[0]), max(hi, l[len(l)-1])
		}
	}
	for lo < hi {
		mid := lo + (hi-lo)/2
		count := 0
		for _, l := range lists {
			count += sort.Search(len(l), func(i int) bool { return l[i] > mid })
		}
		if count >= rank {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// months returns each span's data. Months that have ended are read from
// those kept, and those not kept yet are computed and kept, each in a
// write transaction of its own so that a first view of three years holds
// the writer for one month at a time; the current month is always read
// afresh.
func (s *Service) months(ctx context.Context, projectID int64, spans []store.MonthSpan, nowMs int64) ([]*monthData, error) {
	out := make([]*monthData, len(spans))
	last := len(spans) - 1
	var kept map[store.MonthSpan][]byte
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		if last > 0 {
			if kept, err = tx.MetricMonths(ctx, projectID, spans[0].From, spans[last-1].To); err != nil {
				return err
			}
		}
		out[last], err = computeMonth(ctx, tx, projectID, spans[last], nowMs)
		return err
	})
	if err != nil {
		return nil, err
	}
	for i, span := range spans[:last] {
		if b, ok := kept[span]; ok {
			if d, err := decodeMonth(b); err == nil {
				out[i] = d
				continue
			}
		}
		err := s.Store.Write(ctx, func(tx *store.Tx) error {
			if err := tx.LockMetricMonths(ctx); err != nil {
				return err
			}
			d, err := computeMonth(ctx, tx, projectID, span, nowMs)
			if err != nil {
				return err
			}
			out[i] = d
			return tx.PutMetricMonth(ctx, projectID, span, d.encode(), nowMs)
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
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
	nowMs := clock.Millis(now)
	var spans []store.MonthSpan // the last one, the current month, ends now
	for m := start; !m.After(now); m = m.AddDate(0, 1, 0) {
		r.Months = append(r.Months, m.Format("2006-01"))
		spans = append(spans, store.MonthSpan{From: clock.Millis(m), To: min(clock.Millis(m.AddDate(0, 1, 0)), nowMs+1)})
	}
	data, err := s.months(ctx, p.ID, spans, nowMs)
	if err != nil {
		return nil, err
	}
	for i, name := range Measures {
		m := Measure{Name: name}
		lists := make([][]int64, len(r.Months))
		for j, key := range r.Months {
			lists[j] = data[j].durations[i]
			m.ByMonth = append(m.ByMonth, Month{Month: key, Stat: statOf(lists[j])})
		}
		m.Overall = statOfAll(lists)
		r.Measures = append(r.Measures, m)
	}
	for _, k := range deadlines.Kinds {
		d := Deadlines{Kind: k, Label: deadlines.Label(k)}
		for _, month := range data {
			d.Met += month.outcomes[k][0]
			d.Missed += month.outcomes[k][1]
		}
		r.Deadlines = append(r.Deadlines, d)
	}
	err = s.Store.Read(ctx, func(tx *store.Tx) error {
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
