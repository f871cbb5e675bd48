// SPDX-License-Identifier: AGPL-3.0-or-later

package main

import (
	"cmp"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// scenario is one kind of request the load generator repeats.
type scenario struct {
	Name string
	// Path returns the i-th request's path, so a scenario can rotate
	// through several cases instead of hammering one cached row.
	Path func(i int) string
	// Auth sets the credential on a request.
	Auth func(r *http.Request)
	// Target is the p95 the scenario must stay under; 0 is targetP95.
	Target time.Duration
}

// result is what one scenario measured.
type result struct {
	Name     string
	Example  string // one path, for the report
	Target   time.Duration
	Skipped  string // why it did not run, when it did not
	N        int    // successful requests measured
	Errors   int
	Elapsed  time.Duration
	Mean     time.Duration
	P50, P95 time.Duration
	P99, Max time.Duration
	RPS      float64
	Bytes    int64 // body size of the example request
}

// loadConfig bounds a run: it stops after Requests requests or Duration,
// whichever comes first.
type loadConfig struct {
	Workers  int
	Requests int
	Duration time.Duration
	Warmup   int
	// ScanDue is how many deadlines the deadline-scan measurement makes due.
	ScanDue int
	// Only, when set, picks the scenarios measured by name.
	Only *regexp.Regexp
}

func newClient(workers int) *http.Client {
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        workers,
			MaxIdleConnsPerHost: workers,
			MaxConnsPerHost:     workers,
			DisableCompression:  true,
		},
	}
}

// do sends one GET and reads the whole body, so the time includes the
// transfer, as a user waits for it.
func do(client *http.Client, url string, auth func(*http.Request)) (status int, n int64, err error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return 0, 0, err
	}
	if auth != nil {
		auth(req)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	n, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, n, err
}

// runScenario drives sc with a closed loop of cfg.Workers workers: each
// sends its next request as soon as the previous answer has arrived, so
// the offered load adapts to the server and latencies are not inflated by
// a queue in the generator.
func runScenario(client *http.Client, base string, sc scenario, cfg loadConfig) result {
	res := result{Name: sc.Name, Example: sc.Path(0), Target: cmp.Or(sc.Target, targetP95)}
	status, n, err := do(client, base+res.Example, sc.Auth)
	if err != nil || status != http.StatusOK {
		res.Skipped = fmt.Sprintf("GET %s answered %d (%v)", res.Example, status, err)
		return res
	}
	res.Bytes = n

	var next atomic.Int64
	run := func(limit int, deadline time.Time, record bool) ([][]time.Duration, int64) {
		next.Store(0)
		var errs atomic.Int64
		lat := make([][]time.Duration, cfg.Workers)
		var wg sync.WaitGroup
		for w := range cfg.Workers {
			wg.Go(func() {
				for {
					i := int(next.Add(1) - 1)
					if i >= limit || time.Now().After(deadline) {
						return
					}
					t0 := time.Now()
					status, _, err := do(client, base+sc.Path(i), sc.Auth)
					d := time.Since(t0)
					if err != nil || status != http.StatusOK {
						errs.Add(1)
						continue
					}
					if record {
						lat[w] = append(lat[w], d)
					}
				}
			})
		}
		wg.Wait()
		return lat, errs.Load()
	}
	run(cfg.Warmup, time.Now().Add(cfg.Duration), false)
	start := time.Now()
	lat, errs := run(cfg.Requests, start.Add(cfg.Duration), true)
	res.Elapsed = time.Since(start)
	all := slices.Concat(lat...)
	slices.Sort(all)
	res.N, res.Errors = len(all), int(errs)
	if len(all) == 0 {
		res.Skipped = "every request failed"
		return res
	}
	var sum time.Duration
	for _, d := range all {
		sum += d
	}
	res.Mean = sum / time.Duration(len(all))
	res.P50, res.P95, res.P99 = quantile(all, 0.50), quantile(all, 0.95), quantile(all, 0.99)
	res.Max = all[len(all)-1]
	res.RPS = float64(len(all)) / res.Elapsed.Seconds()
	return res
}

// quantile returns the nearest-rank q-quantile of sorted durations.
func quantile(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
