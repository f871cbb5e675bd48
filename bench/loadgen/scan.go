// SPDX-License-Identifier: AGPL-3.0-or-later

package main

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sort"
	"time"

	"embargo/internal/clock"
	"embargo/internal/deadlines"
	"embargo/internal/store"
)

// targetScan is issue 4's target for the reminder scan over all open cases.
const targetScan = time.Second

// scanResult is the deadline scan's measurements on the seeded data.
type scanResult struct {
	OpenCases int
	Due       int // deadlines made due for the busy scan
	Busy      time.Duration
	Alarms    int
	Idle      []time.Duration // scans with nothing due
}

// measureScan times the scheduler's deadline scan in-process on the
// seeded database (the server stopped): once with due deadlines spread
// over the whole project, as after a day on which many promises fall due
// together, and several times with nothing due, which is what the scan
// costs every minute. The busy scan queues real alarm mail and audit
// events in the seed, as a live server would.
func measureScan(ctx context.Context, dir string, nCases, due int) (*scanResult, error) {
	s, err := store.Open(ctx, seedDSN(dir))
	if err != nil {
		return nil, err
	}
	defer s.Close()
	res := &scanResult{}
	err = s.Read(ctx, func(tx *store.Tx) error {
		p, err := tx.ProjectBySlug(ctx, benchSlug)
		if err != nil {
			return err
		}
		counts, err := tx.CountCasesByProject(ctx, []int64{p.ID}, []string{"new", "acknowledged", "triage", "accepted", "fixing", "fix-ready"})
		res.OpenCases = counts[p.ID]
		return err
	})
	if err != nil {
		return nil, err
	}
	now := time.Now()
	rng := rand.New(rand.NewPCG(3, 4))
	err = s.Write(ctx, func(tx *store.Tx) error {
		for tries := 0; res.Due < due && tries < 50*due; tries++ {
			c, err := tx.CaseByKey(ctx, fmt.Sprintf("%s-%d", "ACME", 1+rng.IntN(nCases)), false)
			if err != nil {
				return err
			}
			list, err := tx.CaseDeadlines(ctx, c.ID)
			if err != nil {
				return err
			}
			for _, d := range list {
				if d.Open() && d.NextCheckAt == 0 {
					d.RemindedAt, d.AlarmedAt, d.NextCheckAt = 0, 0, clock.Millis(now)-1
					if err := tx.PutDeadline(ctx, d); err != nil {
						return err
					}
					res.Due++
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sc := &deadlines.Scanner{Store: s, Clock: clock.Real{}, BaseURL: "http://127.0.0.1", Log: slog.New(slog.DiscardHandler)}
	start := time.Now()
	r, err := sc.Scan(ctx)
	res.Busy = time.Since(start)
	if err != nil {
		return nil, err
	}
	res.Alarms = r.Alarms + r.Reminders
	for range 7 {
		start := time.Now()
		if _, err := sc.Scan(ctx); err != nil {
			return nil, err
		}
		res.Idle = append(res.Idle, time.Since(start))
	}
	sort.Slice(res.Idle, func(i, j int) bool { return res.Idle[i] < res.Idle[j] })
	return res, nil
}

func (r *scanResult) markdown(p func(string, ...any)) {
	p("#### Deadline scan (in-process, server stopped)\n\n")
	p("| scan | open cases | deadlines due | sent | time | target | verdict |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	p("| with due deadlines | %d | %d | %d alarms | %s | < %s | %s |\n", r.OpenCases, r.Due, r.Alarms, ms(r.Busy), ms(targetScan), verdict(r.Busy < targetScan))
	med, worst := r.Idle[len(r.Idle)/2], r.Idle[len(r.Idle)-1]
	p("| nothing due (%d runs) | %d | 0 | 0 | median %s, max %s | < %s | %s |\n\n", len(r.Idle), r.OpenCases, ms(med), ms(worst), ms(targetScan), verdict(worst < targetScan))
}
