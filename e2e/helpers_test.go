// SPDX-License-Identifier: AGPL-3.0-or-later

package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to make and drop test schemas

	// The tests run a binary that go build makes in a subprocess, which
	// the test cache cannot see. Linking the application into the test
	// binary makes every change to it (templates and static files
	// included) a change to this package, so go test ./... never reports
	// a stale "(cached)" pass.
	_ "embargo/internal/app"
)

// binDir holds the binary built for this run; TestMain removes it.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "embargo-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// buildBinary compiles cmd/embargo once per test run and returns its path.
// The tests run the real binary, not app.Main in-process, so that flag
// parsing, signals, exit codes and stderr are what an operator gets.
func buildBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		out := filepath.Join(binDir, "embargo")
		cmd := exec.Command(goTool, "build", "-o", out, "./cmd/embargo")
		cmd.Dir = ".." // the module root: go test runs in the package directory
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if msg, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/embargo: %v\n%s", err, msg)
			return
		}
		binPath = out
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// childEnv is the environment of every process the tests start: ours,
// minus EMBARGO_* settings, so that an operator's shell cannot change what
// the tests run against.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "EMBARGO_") {
			env = append(env, kv)
		}
	}
	return env
}

// cliResult is what one run of the embargo command produced.
type cliResult struct {
	Stdout, Stderr string
	Code           int
}

// runCLI runs the embargo binary with args, feeding it stdin, and returns
// its output and exit status. It fails the test only if the process cannot
// be run or does not finish within a minute.
func runCLI(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, buildBinary(t), args...)
	cmd.Env = childEnv()
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{Stdout: stdout.String(), Stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && ctx.Err() == nil:
		res.Code = exit.ExitCode()
	default:
		t.Fatalf("embargo %s: %v\nstderr:\n%s", strings.Join(args, " "), err, res.Stderr)
	}
	return res
}

// mustCLI is runCLI for commands that must succeed.
func mustCLI(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	res := runCLI(t, stdin, args...)
	if res.Code != 0 {
		t.Fatalf("embargo %s: exit status %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), res.Code, res.Stdout, res.Stderr)
	}
	return res
}

// setupLinkRE finds the one-time first-admin link the server prints.
var setupLinkRE = regexp.MustCompile(`https?://\S+/setup\?token=\S+`)

// startServer runs "embargo serve" on a free loopback port with the given
// data directory (and extra flags, such as --database) and waits until
// /readyz answers. It returns the base URL and the one-time setup link,
// which is empty when the instance already has users. At cleanup it stops
// the server with SIGTERM and fails the test unless it shuts down
// gracefully with exit status 0.
func startServer(t *testing.T, dataDir string, extra ...string) (baseURL, setupLink string) {
	t.Helper()
	bin := buildBinary(t)
	// The port is picked here and handed over, rather than passing :0,
	// because the server derives its base URL, and so the setup link, from
	// --addr. Another process can take the port in between; then the
	// server exits and we try another one.
	var lastLog string
	for attempt := 0; attempt < 3; attempt++ {
		addr := freeAddr(t)
		logPath := filepath.Join(t.TempDir(), "server.log")
		logFile, err := os.Create(logPath)
		if err != nil {
			t.Fatal(err)
		}
		args := append([]string{"serve", "--addr", addr, "--data", dataDir}, extra...)
		cmd := exec.Command(bin, args...)
		cmd.Env = childEnv()
		// A regular file, not a pipe: everything the server wrote before
		// it answered /readyz, such as the setup link, is then readable
		// as soon as it answers.
		cmd.Stdout, cmd.Stderr = logFile, logFile
		if err := cmd.Start(); err != nil {
			logFile.Close()
			t.Fatalf("start embargo serve: %v", err)
		}
		logFile.Close()
		done := make(chan struct{})
		var waitErr error
		go func() { waitErr = cmd.Wait(); close(done) }()

		base := "http://" + addr
		if err := waitReady(base, done, 30*time.Second); err != nil {
			cmd.Process.Kill() // harmless if it already exited
			<-done
			lastLog = readFile(logPath)
			if strings.Contains(lastLog, "address already in use") {
				continue
			}
			t.Fatalf("embargo serve did not become ready: %v\nserver log:\n%s", err, lastLog)
		}
		t.Cleanup(func() {
			stopServer(t, cmd, done, &waitErr, logPath)
		})
		return base, setupLinkRE.FindString(readFile(logPath))
	}
	t.Fatalf("embargo serve could not get a free port in 3 attempts; last log:\n%s", lastLog)
	return "", ""
}

// stopServer sends SIGTERM and expects a graceful exit with status 0
// within the shutdown timeout.
func stopServer(t *testing.T, cmd *exec.Cmd, done <-chan struct{}, waitErr *error, logPath string) {
	t.Helper()
	select {
	case <-done:
		t.Errorf("embargo serve exited before the test ended: %v\nserver log:\n%s", *waitErr, readFile(logPath))
		return
	default:
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("signal server: %v", err)
	}
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Errorf("embargo serve did not stop within 20s of SIGTERM\nserver log:\n%s", readFile(logPath))
		return
	}
	if *waitErr != nil {
		t.Errorf("embargo serve did not shut down gracefully: %v\nserver log:\n%s", *waitErr, readFile(logPath))
	} else if t.Failed() {
		t.Logf("server log:\n%s", readFile(logPath))
	}
}

// waitReady polls /readyz until it answers 200, the process exits, or the
// timeout passes.
func waitReady(base string, exited <-chan struct{}, timeout time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-exited:
			return errors.New("the server exited")
		default:
		}
		resp, err := client.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no 200 from %s/readyz within %s (last error: %v)", base, timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freeAddr returns a loopback address whose port was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func readFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	return string(b)
}

// storeArgs returns the flags that point a command at a fresh, empty
// database: nothing (SQLite in the data directory) or, for engine
// "postgres", --database with a schema made for this test.
func storeArgs(t *testing.T, engine string) []string {
	t.Helper()
	if engine == "postgres" {
		return []string{"--database", postgresSchema(t)}
	}
	return nil
}

// postgresSchema creates a schema of its own for the test in the database
// named by EMBARGO_TEST_POSTGRES, drops it at cleanup, and returns a URL
// that selects it through search_path. It skips the test when the
// variable is unset.
func postgresSchema(t *testing.T) string {
	t.Helper()
	base := os.Getenv("EMBARGO_TEST_POSTGRES")
	if base == "" {
		t.Skip("EMBARGO_TEST_POSTGRES is not set; set it to a postgres:// URL to run the PostgreSQL variant")
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("EMBARGO_TEST_POSTGRES: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	var suffix [6]byte
	rand.Read(suffix[:])
	schema := "e2e_" + hex.EncodeToString(suffix[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema %s: %v", schema, err)
	}
	// Registered after the schema exists and before any server starts, so
	// it runs after every server of the test has stopped.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("EMBARGO_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// apiResponse is one answer of the JSON API.
type apiResponse struct {
	Status int
	Header http.Header
	Body   []byte
	JSON   map[string]any // nil when the body is not a JSON object
}

// api sends a JSON request with an optional bearer token and decodes the
// answer. body is encoded as JSON unless it is nil.
func api(t *testing.T, method, url, token string, body any) apiResponse {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	out := apiResponse{Status: resp.StatusCode, Header: resp.Header, Body: raw}
	var obj map[string]any
	if json.Unmarshal(raw, &obj) == nil {
		out.JSON = obj
	}
	return out
}

// browser is a headless Chromium tab. Its methods fail the test with the
// page's address and text when a step does not work, so a broken page is
// diagnosed from the test log alone.
type browser struct {
	t   *testing.T
	ctx context.Context

	mu      sync.Mutex
	console []string // console messages and browser log entries, in order
}

// stepTimeout bounds every browser step; a page that never shows the
// element a step waits for fails instead of hanging the suite.
const stepTimeout = 20 * time.Second

// chromiumPath is where the browser is found: EMBARGO_CHROMIUM, or
// Debian's package.
func chromiumPath() string {
	if p := os.Getenv("EMBARGO_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// newBrowser starts a headless Chromium with a fresh profile and returns
// its first tab. Without a browser the test skips, or fails when CI=true,
// so that CI cannot pass by silently not running the browser tests.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := chromiumPath()
	if _, err := os.Stat(path); err != nil {
		msg := fmt.Sprintf("Chromium not found at %s (%v): install Debian's chromium package or set EMBARGO_CHROMIUM", path, err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg + "; CI=true turns this skip into a failure")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // containers and CI runners have no user namespaces for it
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1024),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	// The first action starts the browser; it gets no timeout of its own,
	// because a deadline on it would bound the browser's whole life.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	b := &browser{t: t, ctx: ctx}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.console = append(b.console, fmt.Sprintf("%s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line+1))
			b.mu.Unlock()
		}
	}()
	return b
}

// consoleMessages returns what the pages logged so far.
func (b *browser) consoleMessages() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

// do runs steps with the step timeout and fails the test on error.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fatalf("%s: %v", what, err)
	}
}

// fatalf fails the test, adding where the browser is and what it shows.
func (b *browser) fatalf(format string, args ...any) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if len(text) > 1500 {
		text = text[:1500] + "…"
	}
	b.t.Fatalf(format+"\n  page: %s\n  text:\n%s", append(args, loc, text)...)
}

// page is the document a navigation or form submission ended on.
type page struct {
	URL    string
	Status int
	Header http.Header
}

func toPage(loc string, status int64, headers map[string]any) page {
	p := page{URL: loc, Status: int(status), Header: http.Header{}}
	for k, v := range headers {
		// The protocol joins repeated headers with newlines.
		for _, line := range strings.Split(fmt.Sprint(v), "\n") {
			p.Header.Add(k, line)
		}
	}
	return p
}

// open navigates to url and returns the page it ends on, after redirects.
func (b *browser) open(url string) page {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		b.fatalf("open %s: %v", url, err)
	}
	return toPage(b.location(), resp.Status, resp.Headers)
}

// fill sets the value of the form control matched by the CSS selector; it
// works for inputs, textareas and selects alike.
func (b *browser) fill(selector, value string) {
	b.t.Helper()
	b.do("fill "+selector, chromedp.SetValue(chromedp.CSS(selector), value))
}

// submit clicks the element matched by the CSS selector (a submit button)
// and waits for the page the form leads to, after redirects.
func (b *browser) submit(selector string) page {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
	if err != nil {
		b.fatalf("click %s and wait for the next page: %v", selector, err)
	}
	return toPage(b.location(), resp.Status, resp.Headers)
}

// click follows a link matched by the CSS selector and waits for the page.
func (b *browser) click(selector string) page {
	b.t.Helper()
	return b.submit(selector)
}

// text returns the visible text of the first element matching the CSS
// selector, waiting for it to appear.
func (b *browser) text(selector string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selector)))
	if err != nil {
		b.fatalf("read text of %s: %v", selector, err)
	}
	return s
}

// texts returns the text of every element matching the CSS selector, now,
// without waiting.
func (b *browser) texts(selector string) []string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	js := `Array.from(document.querySelectorAll(` + strconv.Quote(selector) + `), e => e.innerText)`
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](js))
	if err != nil {
		b.fatalf("read texts of %s: %v", selector, err)
	}
	return out
}

// has reports whether an element matches the CSS selector now.
func (b *browser) has(selector string) bool {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector(`+strconv.Quote(selector)+`) !== null`))
	if err != nil {
		b.fatalf("look for %s: %v", selector, err)
	}
	return ok
}

// location returns the address of the current page.
func (b *browser) location() string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("read location: %v", err)
	}
	return loc
}

// screenshot saves a PNG of the whole page to path.
func (b *browser) screenshot(path string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Errorf("screenshot: %v", err)
		return
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Errorf("screenshot: %v", err)
	}
}

// login signs in through the /login form and returns the page it leads to.
func login(t *testing.T, b *browser, baseURL, email, password string) page {
	t.Helper()
	b.open(baseURL + "/login")
	b.fill(`input[name="email"]`, email)
	b.fill(`input[name="password"]`, password)
	return b.submit(`form:has(input[name="password"]) button[type="submit"]`)
}

// logout signs out through the header's form#logout.
func logout(t *testing.T, b *browser) page {
	t.Helper()
	return b.submit(`form#logout button[type="submit"], form#logout [type="submit"]`)
}

// upload chooses files (paths on this machine) in the file input matched
// by the CSS selector.
func (b *browser) upload(selector string, paths ...string) {
	b.t.Helper()
	b.do("choose files for "+selector, chromedp.SetUploadFiles(chromedp.CSS(selector), paths))
}

// waitVisible waits until the element matched by the CSS selector is
// shown, such as a control a script reveals.
func (b *browser) waitVisible(selector string) {
	b.t.Helper()
	b.do("wait for "+selector+" to show", chromedp.WaitVisible(chromedp.CSS(selector)))
}

// checked reports whether the checkbox matched by the CSS selector is
// ticked now.
func (b *browser) checked(selector string) bool {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!(document.querySelector(`+strconv.Quote(selector)+`) || {}).checked`))
	if err != nil {
		b.fatalf("read %s: %v", selector, err)
	}
	return ok
}

// watchRequests records the address of every request the tab makes from
// now on (documents, scripts, fetches, everything) and returns a function
// that lists them so far, to check that pages load nothing from other
// origins.
func (b *browser) watchRequests() func() []string {
	b.t.Helper()
	var mu sync.Mutex
	var urls []string
	err := chromedp.Listen(b.ctx, func(ev any) {
		if ev, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			urls = append(urls, ev.Request.URL)
			mu.Unlock()
		}
	})
	if err != nil {
		b.t.Fatalf("watch requests: %v", err)
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), urls...)
	}
}

// press clicks the element matched by the CSS selector where the click
// does not load a page: a script's button, a checkbox, a summary.
func (b *browser) press(selector string) {
	b.t.Helper()
	b.do("click "+selector, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
}

// value returns the current value of the form control matched by the
// CSS selector, as a script or the user left it.
func (b *browser) value(selector string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(selector)))
	if err != nil {
		b.fatalf("read value of %s: %v", selector, err)
	}
	return v
}

// choose sets the value of the select or input matched by the CSS
// selector as a person would, so that the page's scripts see the change
// (fill sets the value without telling them).
func (b *browser) choose(selector, value string) {
	b.t.Helper()
	b.fill(selector, value)
	js := `document.querySelector(` + strconv.Quote(selector) + `).dispatchEvent(new Event("change", {bubbles: true}))`
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err != nil {
		b.fatalf("choose %s: %v", selector, err)
	}
}

// visible reports whether the element matched by the CSS selector is
// shown now (present and not hidden).
func (b *browser) visible(selector string) bool {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	js := `(function (e) { return !!e && e.offsetParent !== null && !e.hidden; })(document.querySelector(` + strconv.Quote(selector) + `))`
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
	if err != nil {
		b.fatalf("look at %s: %v", selector, err)
	}
	return ok
}

// axeViolation is one rule of axe-core that the page breaks, with the
// elements that break it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// axeSource is the vendored axe-core, read once per run.
var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// accessibilityViolations runs every rule axe-core enables by default (the
// WCAG 2.x A and AA rules and the best practices), and WCAG 2.2's target
// size (2.5.8), which it does not, over the current page and returns what
// it finds. axe-core is test data (testdata/axe): it is
// evaluated in the page here, never served by the application.
func (b *browser) accessibilityViolations() []axeViolation {
	b.t.Helper()
	axeOnce.Do(func() {
		src, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
		axeSource, axeErr = string(src), err
	})
	if axeErr != nil {
		b.t.Fatalf("read axe-core: %v", axeErr)
	}
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	// A page that has just loaded may still be running its deferred
	// scripts, which add and show controls; axe looks once they are done.
	const run = `(typeof axe === "undefined" ? Promise.reject(new Error("axe-core did not load")) :
		new Promise(r => document.readyState === "complete" ? r() : addEventListener("load", r, {once: true}))
		.then(() => axe.run(document, {resultTypes: ["violations"], rules: {"target-size": {enabled: true}}}))
		.then(r => r.violations))`
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe !== "undefined"`))
	if err != nil {
		b.fatalf("look for axe-core in the page: %v", err)
	}
	if !loaded {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSource+";true")); err != nil {
			b.fatalf("load axe-core into the page: %v", err)
		}
	}
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](run, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fatalf("run axe-core: %v", err)
	}
	return v
}

// viewport sets the size of the tab's window in CSS pixels.
func (b *browser) viewport(width, height int64) {
	b.t.Helper()
	b.do(fmt.Sprintf("resize to %dx%d", width, height), chromedp.EmulateViewport(width, height))
}

// overflowX returns by how many CSS pixels the page is wider than the
// window (more than zero means it scrolls sideways) and the innermost
// elements that stick out past the window's right edge.
func (b *browser) overflowX() (int, []string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	const js = `(() => {
		const w = document.documentElement.clientWidth;
		const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
			(typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\s+/).join(".") : "");
		// What a box that fits scrolls or clips does not widen the page.
		const contained = e => {
			for (let p = e.parentElement; p; p = p.parentElement) {
				if (getComputedStyle(p).overflowX !== "visible" && p.getBoundingClientRect().right <= w + 0.5) return true;
			}
			return false;
		};
		const out = [];
		for (const e of document.body.querySelectorAll("*")) {
			const right = e.getBoundingClientRect().right;
			if (right > w + 0.5 && !contained(e) && !Array.from(e.children).some(c => c.getBoundingClientRect().right > w + 0.5)) {
				out.push(name(e) + " (right edge at " + Math.round(right) + ")");
			}
		}
		// Text can stick out of a box that fits.
		const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			const r = document.createRange();
			r.selectNodeContents(n);
			const right = r.getBoundingClientRect().right;
			if (right > w + 0.5 && !contained(n)) {
				out.push("text " + JSON.stringify(n.textContent.trim().slice(0, 40)) + " in " + name(n.parentElement) + " (right edge at " + Math.round(right) + ")");
			}
		}
		return {n: document.documentElement.scrollWidth - w, out};
	})()`
	r, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		N   int      `json:"n"`
		Out []string `json:"out"`
	}](js))
	if err != nil {
		b.fatalf("measure the page's width: %v", err)
	}
	return r.N, r.Out
}

// focusRing is how one control shows keyboard focus.
type focusRing struct {
	Element string  `json:"element"` // tag, id and classes
	Style   string  `json:"style"`   // outline-style
	Width   float64 `json:"width"`   // outline width in CSS pixels
	Color   string  `json:"color"`
	Behind  string  `json:"behind"` // the colour the ring is drawn against
	Ratio   float64 `json:"ratio"`  // contrast of Color against Behind
}

// tabThrough presses Tab up to n times from the top of the page and
// returns how each control it reaches draws its focus ring: the outline
// and its contrast against what is beside it (the element's own
// background for a ring drawn inside it, what is behind the element
// otherwise). It stops early when focus leaves the page.
func (b *browser) tabThrough(n int) []focusRing {
	b.t.Helper()
	const measure = `(() => {
		const e = document.activeElement;
		if (!e || e === document.body) return null;
		const rgba = s => { const m = s.match(/[\d.]+/g).map(Number); return m.length < 4 ? [...m, 1] : m; };
		const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
		const bgOf = el => { for (; el; el = el.parentElement) { const c = rgba(getComputedStyle(el).backgroundColor); if (c[3] > 0) return c; } return [255, 255, 255, 1]; };
		const cs = getComputedStyle(e);
		const inside = parseFloat(cs.outlineOffset) < 0;
		const behind = inside ? bgOf(e) : bgOf(e.parentElement);
		const color = rgba(cs.outlineColor);
		const l1 = lum(color), l2 = lum(behind);
		const name = e.tagName.toLowerCase() + (e.type ? "[type=" + e.type + "]" : "") + (e.id ? "#" + e.id : "") +
			(typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\s+/).join(".") : "") +
			" " + JSON.stringify((e.innerText || e.value || "").trim().slice(0, 30));
		return {element: name, style: cs.outlineStyle, width: parseFloat(cs.outlineWidth), color: cs.outlineColor,
			behind: "rgb(" + behind.slice(0, 3).join(", ") + ")", ratio: (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05)};
	})()`
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	// Focusing the body for a moment moves the point that Tab starts
	// from to the top of the page.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.body.tabIndex = -1; document.body.focus(); document.body.removeAttribute("tabindex"); true`)); err != nil {
		b.fatalf("reset focus: %v", err)
	}
	var rings []focusRing
	for range n {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			b.fatalf("press Tab: %v", err)
		}
		r, err := chromedp.Run(ctx, chromedp.Evaluate[*focusRing](measure))
		if err != nil {
			b.fatalf("measure the focus ring: %v", err)
		}
		if r == nil {
			break
		}
		rings = append(rings, *r)
	}
	return rings
}

// acceptConfirms makes the page's confirmation questions (window.confirm,
// asked by forms with data-confirm) answer yes until the next navigation.
func (b *browser) acceptConfirms() {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.confirm = () => true; true`)); err != nil {
		b.fatalf("accept confirmations: %v", err)
	}
}
