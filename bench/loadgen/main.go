// SPDX-License-Identifier: AGPL-3.0-or-later

// Command loadgen measures Embargo against its performance targets:
//
//   - start-up: "embargo serve" on an empty data directory answers /readyz
//     within 300 ms, and idles in under 40 MB of resident memory;
//   - load: with 100,000 cases and 1,000,000 audit events in SQLite, the
//     case list (first page, one filter) and a case page with 50 events
//     answer in under 20 ms at the 95th percentile;
//   - intake (-intake): at least 1,000 reports per second accepted through
//     the API for 60 s at 64 concurrent clients, each committed with its
//     audit event before the answer, with a 95th percentile under 50 ms,
//     compared with raw single-row commits on the same disk.
//
// It builds the real binary, runs it as a separate process on loopback,
// seeds a data directory through internal/store (cached under -out, since
// seeding takes minutes), and drives the server with a closed-loop load
// generator. It prints a Markdown report and writes it to -out/latest.md;
// bench/RESULTS.md keeps the runs worth keeping. Run it from the module
// root: go run ./bench/loadgen.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/store"
)

// The targets, from the design.
const (
	targetReady = 300 * time.Millisecond
	targetRSS   = 40 << 20
	targetP95   = 20 * time.Millisecond
	// targetSearchP95 is full-text search's target with 100,000 cases,
	// 1,000,000 events and 500,000 thread messages.
	targetSearchP95 = 50 * time.Millisecond
)

func main() {
	out := flag.String("out", "bench/out", "directory for the binary, the seeded data and the report")
	nCases := flag.Int("cases", 100_000, "cases to seed")
	nEvents := flag.Int64("events", 1_000_000, "audit events to seed in total")
	nMessages := flag.Int("messages", 500_000, "reporter thread messages to seed")
	reseed := flag.Bool("reseed", false, "seed again even if a matching seed is cached")
	startupRuns := flag.Int("startup-runs", 10, "start-up measurements on empty data directories")
	workers := flag.Int("workers", 4, "concurrent closed-loop workers")
	requests := flag.Int("requests", 5000, "requests measured per scenario (at most)")
	duration := flag.Duration("duration", 30*time.Second, "time per scenario (at most)")
	warmup := flag.Int("warmup", 200, "unmeasured requests before each scenario")
	skipStartup := flag.Bool("skip-startup", false, "skip the start-up measurements")
	skipLoad := flag.Bool("skip-load", false, "skip seeding and the load test")
	intakeOnly := flag.Bool("intake", false, "run only the report intake benchmark (on an empty data directory) and the raw-commit comparison")
	intakeWorkers := flag.Int("intake-workers", 64, "concurrent closed-loop clients posting reports")
	intakeDuration := flag.Duration("intake-duration", 60*time.Second, "measured time of the intake benchmark")
	intakeWarmup := flag.Duration("intake-warmup", 5*time.Second, "unmeasured intake load before the measured time")
	only := flag.String("only", "", "measure only the load scenarios whose name matches this regular expression")
	scanDue := flag.Int("scan-due", 1000, "deadlines made due for the measured deadline scan after the load (0: no scan)")
	rawDuration := flag.Duration("raw-duration", 10*time.Second, "time of each raw-commit measurement")
	flag.StringVar(&postgresBase, "postgres", "", "seed and serve on this PostgreSQL server (postgres://…) instead of SQLite; the seed gets a schema of its own")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("loadgen: ")

	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	bin, err := build(*out)
	if err != nil {
		log.Fatal(err)
	}
	r := &report{command: "go run ./bench/loadgen " + strings.Join(os.Args[1:], " ")}
	r.machine = machine()
	if *intakeOnly {
		*skipStartup, *skipLoad = true, true
		cfg := intakeConfig{Workers: *intakeWorkers, Duration: *intakeDuration, Warmup: *intakeWarmup, RawDuration: *rawDuration}
		r.intake, err = measureIntake(bin, *out, cfg)
		if err != nil {
			log.Fatal(err)
		}
	}
	if !*skipStartup {
		r.startup, err = measureStartup(bin, *out, *startupRuns)
		if err != nil {
			log.Fatal(err)
		}
	}
	if !*skipLoad {
		cfg := loadConfig{Workers: *workers, Requests: *requests, Duration: *duration, Warmup: *warmup, ScanDue: *scanDue}
		if *only != "" {
			if cfg.Only, err = regexp.Compile(*only); err != nil {
				log.Fatalf("-only: %v", err)
			}
		}
		r.load, err = measureLoad(bin, *out, *nCases, *nEvents, *nMessages, *reseed, cfg)
		if err != nil {
			log.Fatal(err)
		}
	}
	text := r.markdown()
	fmt.Print(text)
	if err := os.WriteFile(filepath.Join(*out, "latest.md"), []byte(text), 0o644); err != nil {
		log.Fatal(err)
	}
}

// startupResult is the start-up phase's measurements.
type startupResult struct {
	Ready []time.Duration
	RSS   []int64
}

// measureStartup starts the server runs times, each on a new empty data
// directory, timing exec → first 200 from /readyz, then reads its idle
// resident memory after a few requests.
func measureStartup(bin, out string, runs int) (*startupResult, error) {
	res := &startupResult{}
	client := &http.Client{Timeout: 5 * time.Second}
	for i := range runs {
		dir := filepath.Join(out, fmt.Sprintf("startup-%d", i))
		os.RemoveAll(dir)
		s, err := startServer(bin, dir)
		if err != nil {
			return nil, err
		}
		res.Ready = append(res.Ready, s.Ready)
		// A few requests of the kinds a fresh instance gets: health
		// checks, the sign-in page, the API description.
		for _, p := range []string{"/readyz", "/healthz", "/login", "/setup", "/api/v1/openapi.json"} {
			if _, _, err := do(client, s.URL+p, nil); err != nil {
				s.Stop()
				return nil, err
			}
		}
		time.Sleep(2 * time.Second) // let the runtime settle, as an idle server would
		rss, _, err := s.memory()
		if err != nil {
			s.Stop()
			return nil, err
		}
		res.RSS = append(res.RSS, rss)
		if err := s.Stop(); err != nil {
			return nil, err
		}
		os.RemoveAll(dir)
		os.Remove(dir + ".log")
		log.Printf("start-up run %d: ready in %s, idle RSS %s", i+1, ms(s.Ready), mib(rss))
	}
	return res, nil
}

// loadResult is the load phase's measurements.
type loadResult struct {
	Meta       *seedMeta
	Cached     bool
	Ready      time.Duration
	RSSIdle    int64
	RSSAfter   int64
	RSSPeak    int64
	Config     loadConfig
	Scenarios  []result
	Scan       *scanResult
	ServerLog  string
	StopClean  bool
	StopReport string
}

func measureLoad(bin, out string, nCases int, nEvents int64, nMessages int, reseed bool, cfg loadConfig) (*loadResult, error) {
	ctx := context.Background()
	dir := filepath.Join(out, fmt.Sprintf("seed-%d-%d-%d", nCases, nEvents, nMessages))
	if postgresBase != "" {
		dir = filepath.Join(out, fmt.Sprintf("seed-pg-%d-%d-%d", nCases, nEvents, nMessages))
	}
	res := &loadResult{Config: cfg}
	meta := loadMeta(dir)
	if meta == nil || reseed || len(meta.SearchQueries) == 0 {
		log.Printf("seeding %s: %d cases, %d events, %d messages", dir, nCases, nEvents, nMessages)
		var err error
		if meta, err = seed(ctx, dir, nCases, nEvents, nMessages, log.Printf); err != nil {
			return nil, err
		}
	} else {
		res.Cached = true
		log.Printf("using the cached seed in %s (seeded %s)", dir, meta.SeededAt.Format(time.RFC3339))
	}
	res.Meta = meta

	s, err := startServer(bin, dir, serverEnv(dir)...)
	if err != nil {
		return nil, err
	}
	res.Ready = s.Ready
	session, err := login(ctx, dir, meta)
	if err != nil {
		s.Stop()
		return nil, err
	}
	time.Sleep(time.Second)
	res.RSSIdle, _, _ = s.memory()

	busy := meta.BusyKeys
	bearer := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+meta.Token) }
	cookie := func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "embargo_session", Value: session}) }
	scenarios := []scenario{
		{Name: "case list, API (state=triage, first page)", Auth: bearer,
			Path: func(int) string { return "/api/v1/projects/" + meta.Project + "/cases?state=triage" }},
		{Name: "case, API", Auth: bearer,
			Path: func(i int) string { return "/api/v1/cases/" + busy[i%len(busy)] }},
		{Name: "case events, API (limit=50)", Auth: bearer,
			Path: func(i int) string { return "/api/v1/cases/" + busy[i%len(busy)] + "/events?limit=50" }},
		{Name: "case list page, HTML (state=triage, first page)", Auth: cookie,
			Path: func(int) string { return "/projects/" + meta.Project + "?state=triage" }},
		{Name: fmt.Sprintf("case page, HTML (case with %d events)", meta.BusyEvents), Auth: cookie,
			Path: func(i int) string { return "/cases/" + busy[i%len(busy)] }},
		{Name: fmt.Sprintf("search, API (project, %d selective queries rotating)", len(meta.SearchQueries)), Auth: bearer, Target: targetSearchP95,
			Path: func(i int) string {
				return "/api/v1/projects/" + meta.Project + "/cases?q=" + url.QueryEscape(meta.SearchQueries[i%len(meta.SearchQueries)])
			}},
		{Name: "search, API (instance-wide, same queries)", Auth: bearer, Target: targetSearchP95,
			Path: func(i int) string {
				return "/api/v1/search?q=" + url.QueryEscape(meta.SearchQueries[i%len(meta.SearchQueries)])
			}},
		{Name: "search, API (broad: one word in a fifth of all cases)", Auth: bearer, Target: targetSearchP95,
			Path: func(int) string { return "/api/v1/projects/" + meta.Project + "/cases?q=overflow" }},
		{Name: "search, API (broad, two words)", Auth: bearer, Target: targetSearchP95,
			Path: func(int) string {
				return "/api/v1/projects/" + meta.Project + "/cases?q=" + url.QueryEscape("buffer fuzzer")
			}},
		{Name: "search page, HTML (instance-wide, selective queries)", Auth: cookie, Target: targetSearchP95,
			Path: func(i int) string {
				return "/search?q=" + url.QueryEscape(meta.SearchQueries[i%len(meta.SearchQueries)])
			}},
	}
	scenarios = append(scenarios, queueScenarios(bearer, cookie)...)
	scenarios = append(scenarios, metricsScenarios(meta.Project, bearer, cookie)...)
	client := newClient(cfg.Workers)
	for _, sc := range scenarios {
		if cfg.Only != nil && !cfg.Only.MatchString(sc.Name) {
			continue
		}
		r := runScenario(client, s.URL, sc, cfg)
		if r.Skipped != "" {
			log.Printf("%s: skipped: %s", r.Name, r.Skipped)
		} else {
			log.Printf("%s: p50 %s p95 %s p99 %s, %.0f req/s", r.Name, ms(r.P50), ms(r.P95), ms(r.P99), r.RPS)
		}
		res.Scenarios = append(res.Scenarios, r)
	}
	res.RSSAfter, res.RSSPeak, _ = s.memory()
	if err := s.Stop(); err != nil {
		res.StopReport = err.Error()
	} else {
		res.StopClean = true
	}
	if cfg.ScanDue > 0 {
		if res.Scan, err = measureScan(ctx, dir, nCases, cfg.ScanDue); err != nil {
			return nil, fmt.Errorf("deadline scan: %w", err)
		}
		log.Printf("deadline scan: %d due in %s; idle %s", res.Scan.Due, ms(res.Scan.Busy), ms(res.Scan.Idle[len(res.Scan.Idle)/2]))
	}
	return res, nil
}

// login opens a browser session for the seeded admin through the same
// account code the sign-in form uses, and returns the cookie value.
func login(ctx context.Context, dir string, meta *seedMeta) (string, error) {
	s, err := store.Open(ctx, seedDSN(dir))
	if err != nil {
		return "", err
	}
	defer s.Close()
	secret, pending, err := authz.NewAccounts(s, clock.Real{}).Login(ctx, meta.Email, meta.Password, "127.0.0.1", "loadgen")
	if err != nil {
		return "", fmt.Errorf("sign in the seeded admin: %w", err)
	}
	if pending {
		return "", fmt.Errorf("the seeded admin unexpectedly owes a second factor")
	}
	return secret, nil
}

// report renders the measurements.
type report struct {
	command string
	machine string
	startup *startupResult
	load    *loadResult
	intake  *intakeResult
}

func (r *report) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("## Run of %s\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	p("- Machine: %s\n", r.machine)
	p("- Command: `%s` (from the module root)\n\n", r.command)

	if s := r.startup; s != nil {
		p("### Start-up on an empty data directory (%d runs)\n\n", len(s.Ready))
		p("| measure | median | max | target | verdict |\n| --- | --- | --- | --- | --- |\n")
		readyMed, readyMax := medianMax(s.Ready)
		p("| exec → first 200 from /readyz | %s | %s | < %s | %s |\n", ms(readyMed), ms(readyMax), ms(targetReady), verdict(readyMax < targetReady))
		rss := make([]time.Duration, len(s.RSS)) // reuse medianMax on byte counts
		for i, v := range s.RSS {
			rss[i] = time.Duration(v)
		}
		rssMed, rssMax := medianMax(rss)
		p("| idle VmRSS after 6 requests and 2 s | %s | %s | < %s | %s |\n\n", mib(int64(rssMed)), mib(int64(rssMax)), mib(targetRSS), verdict(int64(rssMax) < targetRSS))
	}

	if l := r.load; l != nil {
		m := l.Meta
		how := fmt.Sprintf("seeded in %.0f s", m.SeedSeconds)
		if l.Cached {
			how = fmt.Sprintf("cached seed from %s (seeding took %.0f s)", m.SeededAt.Format("2006-01-02"), m.SeedSeconds)
		}
		p("### Load on a seeded %s database\n\n", engineName())
		p("- Data: %d cases in one project (%d in triage), %d audit events (hash chain verified after seeding), %d notes, "+
			"%d reports with %d reporter thread messages; %d busy cases with %d events each; database file %s; %s.\n",
			m.Cases, m.TriageCases, m.Events, m.Notes, m.Reports, m.Messages, len(m.BusyKeys), m.BusyEvents, mib(m.DBBytes), how)
		p("- Server: start-up to ready on this data %s; VmRSS %s idle, %s after the load (peak %s); stopped with SIGTERM: %s.\n",
			ms(l.Ready), mib(l.RSSIdle), mib(l.RSSAfter), mib(l.RSSPeak), cleanStop(l))
		workers := fmt.Sprintf("%d workers", l.Config.Workers)
		if l.Config.Workers == 1 {
			workers = "1 worker"
		}
		p("- Load: closed loop on 127.0.0.1, %s, at most %d requests or %s per scenario after %d unmeasured warm-up requests; "+
			"case requests rotate over the busy cases; times include reading the whole body.\n\n",
			workers, l.Config.Requests, l.Config.Duration, l.Config.Warmup)
		p("| scenario | example request | n | errors | p50 | p95 | p99 | max | req/s | body | target p95 | verdict |\n")
		p("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
		for _, s := range l.Scenarios {
			if s.Skipped != "" {
				p("| %s | `%s` | – | – | – | – | – | – | – | – | < %s | not measured: %s |\n", s.Name, s.Example, ms(s.Target), s.Skipped)
				continue
			}
			p("| %s | `%s` | %d | %d | %s | %s | %s | %s | %.0f | %s | < %s | %s |\n", s.Name, s.Example, s.N, s.Errors,
				ms(s.P50), ms(s.P95), ms(s.P99), ms(s.Max), s.RPS, kib(s.Bytes), ms(s.Target), verdict(s.P95 < s.Target))
		}
		p("\n")
		if l.Scan != nil {
			l.Scan.markdown(p)
		}
	}
	if r.intake != nil {
		r.intake.markdown(p)
	}
	return b.String()
}

func cleanStop(l *loadResult) string {
	if l.StopClean {
		return "exit 0"
	}
	return l.StopReport
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

func medianMax(ds []time.Duration) (time.Duration, time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2], s[len(s)-1]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
func mib(n int64) string        { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
func kib(n int64) string        { return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10)) }

// machine describes where the numbers come from.
func machine() string {
	cpu := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				var kb int64
				fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
				mem = fmt.Sprintf(", %.1f GiB RAM", float64(kb)/(1<<20))
			}
		}
	}
	commit := "unknown commit"
	if b, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		commit = "commit " + strings.TrimSpace(string(b))
		if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
			commit += " with uncommitted changes"
		}
	}
	return fmt.Sprintf("nproc %d (%s)%s, %s/%s, %s, %s", runtime.NumCPU(), cpu, mem, runtime.GOOS, runtime.GOARCH, runtime.Version(), commit)
}
