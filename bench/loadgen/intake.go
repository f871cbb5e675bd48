// SPDX-License-Identifier: AGPL-3.0-or-later

package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"embargo/internal/audit"
	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/projects"
	"embargo/internal/store"
)

// The intake targets, from the private-reporting issue.
const (
	targetIntakeRate = 1000 // accepted reports per second, sustained
	targetIntakeP95  = 50 * time.Millisecond
)

// intakeConfig bounds the intake run.
type intakeConfig struct {
	Workers  int
	Duration time.Duration
	// Warmup is unmeasured time before the measured window; its reports
	// are stored and verified like the others.
	Warmup time.Duration
	// RawDuration is how long each raw-commit measurement runs.
	RawDuration time.Duration
}

// intakeResult is the intake run's measurements.
type intakeResult struct {
	Config   intakeConfig
	Ready    time.Duration
	Load     result
	Statuses map[int]int // non-201 answers and transport errors (status 0) in the measured window
	// Accepted is every 201 of the run (warm-up included) and Verified
	// how many of those references the database holds with their
	// report.create event, after the server stopped.
	Accepted, Verified int
	Events             int64 // audit events in the verified chain
	DBBytes, WALBytes  int64
	RSSPeak            int64
	StopReport         string
	// LoadBefore and LoadAfter are /proc/loadavg around the measured
	// window: on a shared machine they say how much else was running.
	LoadBefore, LoadAfter string
	// Raw are the raw durable single-row commit rates on the same disk.
	Raw []rawResult
}

// rawResult is one raw-commit measurement.
type rawResult struct {
	Synchronous string
	Workers     int
	Commits     int
	Elapsed     time.Duration
	P50, P95    time.Duration
	Rate        float64
}

// measureIntake starts the real binary on an empty SQLite data directory
// with the report limits raised out of the way, has cfg.Workers
// closed-loop clients post JSON reports for cfg.Duration, stops the
// server, proves that every accepted reference is stored with its audit
// event and that the chain verifies, and finally measures raw
// single-row commits on the same disk.
func measureIntake(bin, out string, cfg intakeConfig) (*intakeResult, error) {
	ctx := context.Background()
	dir, err := filepath.Abs(filepath.Join(out, "intake"))
	if err != nil {
		return nil, err
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := prepareIntake(ctx, dir); err != nil {
		return nil, err
	}
	s, err := startServer(bin, dir,
		"EMBARGO_REPORT_RATE_PER_ADDRESS=100000000", "EMBARGO_REPORT_RATE_PER_PROJECT=100000000")
	if err != nil {
		return nil, err
	}
	res := &intakeResult{Config: cfg, Ready: s.Ready, Statuses: map[int]int{}}
	client := newClient(cfg.Workers)
	url := s.URL + "/api/v1/projects/" + benchSlug + "/reports"
	example := "POST /api/v1/projects/" + benchSlug + "/reports"

	var mu sync.Mutex
	var refs []string
	run := func(d time.Duration, record bool) ([][]time.Duration, time.Duration) {
		var seq atomic.Int64
		lat := make([][]time.Duration, cfg.Workers)
		statuses := make([]map[int]int, cfg.Workers)
		var wg sync.WaitGroup
		start := time.Now()
		deadline := start.Add(d)
		for w := range cfg.Workers {
			statuses[w] = map[int]int{}
			wg.Go(func() {
				var mine []string
				for time.Now().Before(deadline) {
					body := reportBody(int(seq.Add(1)))
					t0 := time.Now()
					status, ref := postReport(client, url, body)
					d := time.Since(t0)
					if status != http.StatusCreated {
						statuses[w][status]++
						continue
					}
					mine = append(mine, ref)
					if record {
						lat[w] = append(lat[w], d)
					}
				}
				mu.Lock()
				refs = append(refs, mine...)
				mu.Unlock()
			})
		}
		wg.Wait()
		elapsed := time.Since(start)
		if record {
			for _, m := range statuses {
				for k, v := range m {
					res.Statuses[k] += v
				}
			}
		}
		return lat, elapsed
	}
	log.Printf("intake: warming up for %s with %d workers", cfg.Warmup, cfg.Workers)
	run(cfg.Warmup, false)
	log.Printf("intake: measuring for %s with %d workers", cfg.Duration, cfg.Workers)
	res.LoadBefore = loadAvg()
	lat, elapsed := run(cfg.Duration, true)
	res.LoadAfter = loadAvg()
	all := slices.Concat(lat...)
	slices.Sort(all)
	r := result{Name: "report intake, API (JSON, SQLite)", Example: example, N: len(all), Elapsed: elapsed}
	for _, n := range res.Statuses {
		r.Errors += n
	}
	if len(all) > 0 {
		var sum time.Duration
		for _, d := range all {
			sum += d
		}
		r.Mean = sum / time.Duration(len(all))
		r.P50, r.P95, r.P99 = quantile(all, 0.50), quantile(all, 0.95), quantile(all, 0.99)
		r.Max = all[len(all)-1]
		r.RPS = float64(len(all)) / elapsed.Seconds()
	}
	res.Load = r
	_, res.RSSPeak, _ = s.memory()
	if fi, err := os.Stat(filepath.Join(dir, dbFile)); err == nil {
		res.DBBytes = fi.Size()
	}
	if fi, err := os.Stat(filepath.Join(dir, dbFile+"-wal")); err == nil {
		res.WALBytes = fi.Size()
	}
	log.Printf("intake: %d accepted in %s (%.0f/s), %d errors, p50 %s p95 %s p99 %s",
		r.N, elapsed.Round(time.Millisecond), r.RPS, r.Errors, ms(r.P50), ms(r.P95), ms(r.P99))
	if err := s.Stop(); err != nil {
		res.StopReport = err.Error()
	}

	res.Accepted = len(refs)
	if res.Verified, res.Events, err = verifyIntake(ctx, dir, refs); err != nil {
		return nil, err
	}
	log.Printf("intake: %d of %d accepted references stored with their event; chain of %d events verifies",
		res.Verified, res.Accepted, res.Events)

	for _, m := range []struct {
		sync    string
		workers int
	}{{"NORMAL", cfg.Workers}, {"NORMAL", 1}, {"FULL", cfg.Workers}, {"FULL", 1}} {
		rr, err := rawCommits(ctx, dir, m.sync, m.workers, cfg.RawDuration)
		if err != nil {
			return nil, err
		}
		log.Printf("raw commits, synchronous=%s, %d workers: %.0f/s (p95 %s)", rr.Synchronous, rr.Workers, rr.Rate, ms(rr.P95))
		res.Raw = append(res.Raw, *rr)
	}
	return res, nil
}

// prepareIntake creates an empty, migrated data directory with one
// project, through the same services the server uses.
func prepareIntake(ctx context.Context, dir string) error {
	s, err := store.Open(ctx, filepath.Join(dir, dbFile))
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		return err
	}
	clk := clock.Real{}
	cli := &authz.Actor{Via: "cli"}
	password, err := authz.NewSecret("")
	if err != nil {
		return err
	}
	u, err := authz.NewAccounts(s, clk).CreateUser(ctx, cli, authz.NewUser{Email: benchEmail, Name: "Bench Admin", Password: password, Admin: true})
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	admin := &authz.Actor{UserID: u.ID, Email: u.Email, Name: u.Name, InstanceAdmin: true, Via: "cli"}
	name := "Acme"
	if _, err := (&projects.Service{Store: s, Clock: clk}).Create(ctx, admin, benchSlug, projects.Input{Name: &name}); err != nil {
		return fmt.Errorf("create project: %w", err)
	}
	return nil
}

// reportBody is the i-th report: a realistic size (about 1.5 KiB), every
// field a reporter commonly fills, no attachment.
func reportBody(i int) []byte {
	b, _ := json.Marshal(map[string]any{
		"title":       "Stored XSS in the admin dashboard via project names #" + strconv.Itoa(i),
		"description": "A project name containing markup is rendered without escaping on the dashboard. " + string(bytes.Repeat([]byte("Details of the finding. "), 30)),
		"product":     "acme-server", "versions": "2.3.0 to 2.4.1",
		"steps_to_reproduce": "1. Create a project named <img src=x onerror=alert(1)>\n2. Open the dashboard.\n3. Observe the alert.",
		"impact":             "An authenticated user can run script in an administrator's session.",
		"contact":            map[string]any{"name": "Ada", "email": "ada" + strconv.Itoa(i) + "@example.org"},
		"credit_preference":  "anonymous", "disclosure_preference": "90 days",
	})
	return b
}

// postReport sends one report and returns the status and, on 201, the
// reference; a transport error is status 0.
func postReport(client *http.Client, url string, body []byte) (int, string) {
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, ""
	}
	if resp.StatusCode != http.StatusCreated {
		return resp.StatusCode, ""
	}
	var created struct {
		Reference string `json:"reference"`
	}
	if json.Unmarshal(b, &created) != nil || created.Reference == "" {
		return -1, ""
	}
	return resp.StatusCode, created.Reference
}

// verifyIntake reopens the stopped server's database, walks and verifies
// the whole audit chain, and counts the accepted references that have
// both a report.create event and a stored report with that reference. It
// fails unless every accepted reference is found.
func verifyIntake(ctx context.Context, dir string, refs []string) (int, int64, error) {
	s, err := store.Open(ctx, filepath.Join(dir, dbFile))
	if err != nil {
		return 0, 0, err
	}
	defer s.Close()
	want := make(map[string]bool, len(refs))
	for _, r := range refs {
		want[r] = true
	}
	found := 0
	var v audit.Verifier
	err = s.Read(ctx, func(tx *store.Tx) error {
		byCase := map[int64]string{}
		err := tx.WalkEvents(ctx, func(e *audit.Event) error {
			if e.Action == "report.create" {
				var after struct {
					Reference string `json:"reference"`
				}
				if err := json.Unmarshal(e.After, &after); err != nil {
					return fmt.Errorf("event %d: %w", e.Seq, err)
				}
				byCase[e.CaseID] = after.Reference
			}
			return v.Next(e)
		})
		if err != nil {
			return err
		}
		seq, hash, err := tx.AuditHead(ctx)
		if err != nil {
			return err
		}
		if err := v.Finish(seq, hash); err != nil {
			return err
		}
		for caseID, ref := range byCase {
			if !want[ref] {
				continue
			}
			r, err := tx.ReportByCase(ctx, caseID, false)
			if err != nil {
				return fmt.Errorf("report %s (case %d): %w", ref, caseID, err)
			}
			if r.Reference == ref {
				found++
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("verify the intake database: %w", err)
	}
	if found != len(want) {
		return found, v.Count(), fmt.Errorf("only %d of %d accepted references are stored with their report.create event", found, len(want))
	}
	return found, v.Count(), nil
}

// rawCommits measures single-row commits on a SQLite file in dir, opened
// the way internal/store opens its writer (WAL, busy_timeout, one
// connection, BEGIN IMMEDIATE) but with the given synchronous mode:
// workers goroutines each commit one small INSERT per transaction, in a
// closed loop, for d. With one writer connection the commits are serial
// whatever the number of workers; the workers only queue for it, as the
// server's requests do.
func rawCommits(ctx context.Context, dir, synchronous string, workers int, d time.Duration) (*rawResult, error) {
	path := filepath.Join(dir, "rawcommit.db")
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		os.Remove(p)
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=synchronous(" + synchronous + ")" +
		"&_pragma=journal_mode(WAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, body TEXT NOT NULL)`); err != nil {
		return nil, err
	}
	body := string(bytes.Repeat([]byte("x"), 200))
	lat := make([][]time.Duration, workers)
	var failed atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for w := range workers {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				t0 := time.Now()
				err := func() error {
					tx, err := db.BeginTx(ctx, nil)
					if err != nil {
						return err
					}
					if _, err := tx.ExecContext(ctx, `INSERT INTO t (at, body) VALUES ($1, $2)`, t0.UnixMilli(), body); err != nil {
						tx.Rollback()
						return err
					}
					return tx.Commit()
				}()
				if err != nil {
					failed.Store(err)
					return
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err, _ := failed.Load().(error); err != nil {
		return nil, fmt.Errorf("raw commits: %w", err)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	rr := &rawResult{Synchronous: synchronous, Workers: workers, Commits: len(all), Elapsed: elapsed,
		Rate: float64(len(all)) / elapsed.Seconds()}
	if len(all) > 0 {
		rr.P50, rr.P95 = quantile(all, 0.50), quantile(all, 0.95)
	}
	db.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		os.Remove(p)
	}
	return rr, nil
}

// markdown renders the intake run.
func (r *intakeResult) markdown(p func(string, ...any)) {
	l := r.Load
	p("### Report intake through the API on SQLite\n\n")
	p("- Server: the real binary on an empty data directory with one project, report limits raised "+
		"(`EMBARGO_REPORT_RATE_PER_ADDRESS` and `EMBARGO_REPORT_RATE_PER_PROJECT` = 100000000); ready in %s; peak VmRSS %s; stop: %s.\n",
		ms(r.Ready), mib(r.RSSPeak), orClean(r.StopReport))
	p("- Load: %d closed-loop clients on 127.0.0.1 posting JSON reports (about %s each, no attachment) for %s after %s of unmeasured warm-up.\n",
		r.Config.Workers, kib(int64(len(reportBody(1)))), r.Config.Duration, r.Config.Warmup)
	p("- Durability check after the server stopped: %d of %d accepted references (warm-up included) found with their report and `report.create` event; "+
		"audit chain of %d events verifies. Database %s, WAL %s at the end of the load.\n\n",
		r.Verified, r.Accepted, r.Events, mib(r.DBBytes), mib(r.WALBytes))
	p("| measure | value | target | verdict |\n| --- | --- | --- | --- |\n")
	p("| accepted reports (201) in the measured window | %d in %.1f s | | |\n", l.N, l.Elapsed.Seconds())
	p("| throughput | %.0f reports/s | ≥ %d/s | %s |\n", l.RPS, targetIntakeRate, verdict(l.RPS >= targetIntakeRate))
	p("| p50 / p95 / p99 / max | %s / %s / %s / %s | p95 < %s | %s |\n", ms(l.P50), ms(l.P95), ms(l.P99), ms(l.Max), ms(targetIntakeP95), verdict(l.N > 0 && l.P95 < targetIntakeP95))
	errs := "none"
	if l.Errors > 0 {
		errs = fmt.Sprint(r.Statuses)
	}
	p("| errors (status → count; 0 is a transport error) | %s | none | %s |\n\n", errs, verdict(l.Errors == 0))
	p("Load average (1, 5, 15 min) before the measured window %s, after it %s.\n\n", r.LoadBefore, r.LoadAfter)
	p("Raw single-row commits on the same disk, same run (a fresh SQLite file in the same directory, "+
		"opened like the store's writer: WAL, one connection, `BEGIN IMMEDIATE`, one 200-byte INSERT per transaction, %s each). "+
		"With WAL, `synchronous=NORMAL` (the store's setting) survives a crash of the process but not a power cut; "+
		"`FULL` syncs at each commit:\n\n", r.Config.RawDuration)
	p("| synchronous | workers | commits | commits/s | p50 | p95 | intake ÷ raw |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, rr := range r.Raw {
		ratio := 0.0
		if rr.Rate > 0 {
			ratio = l.RPS / rr.Rate
		}
		p("| %s | %d | %d | %.0f | %s | %s | %.2f |\n", rr.Synchronous, rr.Workers, rr.Commits, rr.Rate, ms(rr.P50), ms(rr.P95), ratio)
	}
	p("\n")
}

// loadAvg returns the first three fields of /proc/loadavg, or "unknown".
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func orClean(stop string) string {
	if stop == "" {
		return "exit 0"
	}
	return stop
}
