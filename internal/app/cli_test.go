// SPDX-License-Identifier: AGPL-3.0-or-later

package app

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/config"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

const testPassword = "correct horse battery"

// result is what one run of the command line produced.
type result struct {
	code           int
	stdout, stderr string
}

// cli runs the embargo command line in-process, with stdin as given.
func cli(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

// mustCLI runs the command line and fails the test unless it exits 0.
func mustCLI(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	r := cli(t, stdin, args...)
	if r.code != 0 {
		t.Fatalf("embargo %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// cleanEnv keeps the developer's own EMBARGO_* settings out of the tests;
// an empty value counts as unset.
func cleanEnv(t *testing.T) {
	for _, o := range config.Options() {
		t.Setenv(o.Env, "")
		if fe := o.FileEnv(); fe != "" {
			t.Setenv(fe, "")
		}
	}
}

// openData opens the SQLite database of a data directory the way serve
// would, for checks behind the command line's back.
func openData(t *testing.T, dataDir string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(dataDir, "embargo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestCLIUserCreate(t *testing.T) {
	cleanEnv(t)
	data := t.TempDir()
	steps := []struct {
		name       string
		stdin      string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string // a part of stderr
	}{
		{"admin", testPassword + "\n", []string{"--email", "Ann@Example.org", "--name", "Ann", "--admin", "--password-stdin"},
			0, "created user ann@example.org (admin)\n", ""},
		{"not admin, CRLF line end, spaces kept", "  spaced pass phrase  \r\nignored second line\n",
			[]string{"--email", "ben@example.org", "--name", "Ben", "--password-stdin"},
			0, "created user ben@example.org\n", ""},
		{"no final newline", testPassword, []string{"--email", "cy@example.org", "--name", "Cy", "--password-stdin"},
			0, "created user cy@example.org\n", ""},
		{"duplicate email in another case", testPassword, []string{"--email", "ANN@example.org", "--name", "Ann 2", "--password-stdin"},
			1, "", "an account with email ann@example.org already exists"},
		{"duplicate email in fullwidth", testPassword, []string{"--email", "ａｎｎ@example.org", "--name", "Ann 3", "--password-stdin"},
			1, "", "an account with email ann@example.org already exists"},
		{"invisible character", testPassword, []string{"--email", "a\u200Bnn@example.org", "--name", "Ann 4", "--password-stdin"},
			1, "", "email: must not contain invisible or control characters (U+200B at position 2)"},
		{"lookalike of another script", testPassword, []string{"--email", "\u0430nn@example.org", "--name", "Ann 5", "--password-stdin"},
			1, "", "email: looks like the existing account ann@example.org"},
		{"without --password-stdin", testPassword, []string{"--email", "dee@example.org", "--name", "Dee"},
			2, "", "--password-stdin is required"},
		{"empty stdin", "", []string{"--email", "dee@example.org", "--name", "Dee", "--password-stdin"},
			1, "", "no password on standard input"},
		{"short password", "short\n", []string{"--email", "dee@example.org", "--name", "Dee", "--password-stdin"},
			1, "", "password: "},
		{"bad email", testPassword, []string{"--email", "not-an-email", "--name", "Dee", "--password-stdin"},
			1, "", "email: is not an email address"},
		{"missing email", testPassword, []string{"--name", "Dee", "--password-stdin"}, 2, "", "--email is required"},
		{"missing name", testPassword, []string{"--email", "dee@example.org", "--password-stdin"}, 2, "", "--name is required"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			args := append([]string{"user", "create", "--data", data}, st.args...)
			r := cli(t, st.stdin, args...)
			if r.code != st.wantCode || r.stdout != st.wantStdout || !strings.Contains(r.stderr, st.wantStderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr containing %q",
					r.code, r.stdout, r.stderr, st.wantCode, st.wantStdout, st.wantStderr)
			}
			if r.code != 0 && strings.Count(strings.TrimSuffix(r.stderr, "\n"), "\n") > 1 {
				t.Errorf("error is not short:\n%s", r.stderr)
			}
		})
	}

	s := openData(t, data)
	accounts := authz.NewAccounts(s, clock.Real{})
	ctx := context.Background()
	for _, login := range []struct{ email, password string }{
		{"ann@example.org", testPassword},
		{"ben@example.org", "  spaced pass phrase  "},
		{"cy@example.org", testPassword},
	} {
		if _, _, err := accounts.Login(ctx, login.email, login.password, "192.0.2.1", "test"); err != nil {
			t.Errorf("login as %s with the password given on stdin: %v", login.email, err)
		}
	}
	users, err := accounts.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	admins := map[string]bool{}
	for _, u := range users {
		admins[u.Email] = u.IsAdmin
	}
	if diff := cmp.Diff(map[string]bool{"ann@example.org": true, "ben@example.org": false, "cy@example.org": false}, admins); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
	err = s.Read(ctx, func(tx *store.Tx) error {
		events, err := tx.ProjectEvents(ctx, 0, 100)
		if err != nil {
			return err
		}
		var created []string
		for _, e := range events {
			if e.Action == "user.create" {
				if e.ActorLabel != "cli" {
					t.Errorf("user.create of %s logged as by %q, want cli", e.SubjectID, e.ActorLabel)
				}
				created = append(created, e.SubjectID)
			}
		}
		sort.Strings(created)
		if diff := cmp.Diff([]string{"ann@example.org", "ben@example.org", "cy@example.org"}, created); diff != "" {
			t.Errorf("audited user.create events (-want +got):\n%s", diff)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCLITokenCreate(t *testing.T) {
	cleanEnv(t)
	data := t.TempDir()
	mustCLI(t, testPassword, "user", "create", "--data", data, "--email", "ann@example.org", "--name", "Ann", "--password-stdin")

	r := mustCLI(t, "", "token", "create", "--data", data, "--email", "ANN@example.org", "--name", "ci")
	if !regexp.MustCompile(`^emb_[A-Za-z0-9_-]{20,}\n$`).MatchString(r.stdout) {
		t.Fatalf("stdout %q, want only the token and a newline", r.stdout)
	}
	if !strings.Contains(r.stderr, `"ci" for ann@example.org`) {
		t.Errorf("stderr %q, want a note naming the token and the user", r.stderr)
	}
	token := strings.TrimSuffix(r.stdout, "\n")

	s := openData(t, data)
	a := Build(&config.Config{Addr: "127.0.0.1:0", BaseURL: "http://example.test", ShutdownTimeout: time.Second},
		s, slog.New(slog.DiscardHandler), clock.Real{})
	actor, err := a.Accounts.TokenActor(context.Background(), token)
	if err != nil {
		t.Fatalf("the printed token does not authenticate: %v", err)
	}
	if actor.Email != "ann@example.org" || actor.Via != "token" {
		t.Errorf("token acts as %s via %s, want ann@example.org via token", actor.Email, actor.Via)
	}
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	for _, tc := range []struct {
		name, auth string
		want       int
	}{
		{"printed token", "Bearer " + token, http.StatusOK},
		{"no token", "", http.StatusUnauthorized},
		{"altered token", "Bearer " + token + "x", http.StatusUnauthorized},
	} {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/me", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: GET /api/v1/me = %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}

	for _, tc := range []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"unknown user", []string{"--email", "nobody@example.org", "--name", "ci"}, 1, "user nobody@example.org not found"},
		{"missing name", []string{"--email", "ann@example.org"}, 2, "--name is required"},
		{"missing email", []string{"--name", "ci"}, 2, "--email is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := cli(t, "", append([]string{"token", "create", "--data", data}, tc.args...)...)
			if r.code != tc.wantCode || r.stdout != "" || !strings.Contains(r.stderr, tc.wantStderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, no stdout, stderr containing %q",
					r.code, r.stdout, r.stderr, tc.wantCode, tc.wantStderr)
			}
		})
	}
}

// threeEvents makes a data directory whose audit log holds three events.
func threeEvents(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	mustCLI(t, testPassword, "user", "create", "--data", data, "--email", "ann@example.org", "--name", "Ann", "--password-stdin")
	mustCLI(t, testPassword, "user", "create", "--data", data, "--email", "ben@example.org", "--name", "Ben", "--password-stdin")
	mustCLI(t, "", "token", "create", "--data", data, "--email", "ann@example.org", "--name", "ci")
	return data
}

// tamper changes the SQLite file directly, as someone with access to the
// disk could, bypassing the application.
func tamper(t *testing.T, data, statement string) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(data, "embargo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(statement); err != nil {
		t.Fatalf("tamper: %v", err)
	}
}

func TestCLIAuditVerify(t *testing.T) {
	cleanEnv(t)
	tests := []struct {
		name       string
		tamper     string // SQL run against the file; "" leaves it intact
		wantCode   int
		wantStdout string // a regular expression
		wantStderr string
	}{
		{"intact", "", 0, `^audit log verified: 3 events, head [0-9a-f]{64}\n$`, ""},
		{"altered event", `UPDATE audit_events SET action = 'x' WHERE seq = 2`, 1, `^$`,
			"embargo audit verify: audit log broken at event 2: contents do not match its hash (altered)\n"},
		{"altered and re-hashed event", `UPDATE audit_events SET hash = prev_hash WHERE seq = 2`, 1, `^$`,
			"embargo audit verify: audit log broken at event 2: contents do not match its hash (altered)\n"},
		{"last event deleted", `DELETE FROM audit_events WHERE seq = 3`, 1, `^$`,
			"embargo audit verify: audit log broken at event 3: missing: the log head says 3 events, found 2\n"},
		{"middle event deleted", `DELETE FROM audit_events WHERE seq = 2`, 1, `^$`,
			"embargo audit verify: audit log broken at event 2: missing (next present event is 3)\n"},
		{"last event deleted and head rewound", `DELETE FROM audit_events WHERE seq = 3; UPDATE audit_head SET seq = 2`, 1, `^$`,
			"embargo audit verify: audit log broken at event 2: last event's hash does not match the recorded head\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := threeEvents(t)
			if tc.tamper != "" {
				tamper(t, data, tc.tamper)
			}
			r := cli(t, "", "audit", "verify", "--data", data)
			if r.code != tc.wantCode || !regexp.MustCompile(tc.wantStdout).MatchString(r.stdout) || r.stderr != tc.wantStderr {
				t.Errorf("exit %d\nstdout %q\nstderr %q\nwant exit %d, stdout matching %q, stderr %q",
					r.code, r.stdout, r.stderr, tc.wantCode, tc.wantStdout, tc.wantStderr)
			}
		})
	}
	t.Run("empty log", func(t *testing.T) {
		r := cli(t, "", "audit", "verify", "--data", t.TempDir(), "--log-level", "warn")
		if r.code != 0 || r.stdout != "audit log verified: 0 events (the log is empty)\n" || r.stderr != "" {
			t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
	})
}

// backupContent returns a backup file's lines after the header, which
// alone names the engine and time.
func backupContent(t *testing.T, b []byte) []string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(string(plain), "\n")[1:]
}

func TestCLIBackupRestore(t *testing.T) {
	cleanEnv(t)
	src := threeEvents(t)
	file := filepath.Join(t.TempDir(), "embargo.backup.gz")
	r := mustCLI(t, "", "backup", "--data", src, "--out", file)
	// Every table of the schema, at the latest schema version, whatever
	// migrations later work items add.
	pattern := fmt.Sprintf(`^backup written to .*embargo\.backup\.gz: \d+ rows in %d tables \(sqlite, schema version \d+, taken \S+\)\n$`,
		len(store.BackupTables()))
	if !regexp.MustCompile(pattern).MatchString(r.stdout) {
		t.Errorf("backup stdout %q", r.stdout)
	}
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode %v, want 0600", st.Mode().Perm())
	}
	if _, err := os.Stat(file + ".tmp"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file left behind: %v", err)
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}

	for _, e := range storetest.Engines(t) {
		t.Run("into "+e.Name, func(t *testing.T) {
			var target []string
			if e.Name == "sqlite" {
				target = []string{"--data", t.TempDir()}
			} else {
				target = []string{"--database", e.DSN(t)}
			}
			r := mustCLI(t, "", append(append([]string{"restore"}, target...), file)...)
			if !strings.Contains(r.stdout, "restored ") || !strings.Contains(r.stdout, "audit log verified: 3 events") {
				t.Errorf("restore stdout %q", r.stdout)
			}
			mustCLI(t, "", append([]string{"audit", "verify"}, target...)...)

			r = cli(t, "", append(append([]string{"restore"}, target...), file)...)
			if r.code != 1 || !strings.Contains(r.stderr, "the database is not empty (users: 2, api_tokens: 1, audit_events: 3)") {
				t.Errorf("second restore: exit %d, stderr %q; want exit 1 and a refusal naming what is there", r.code, r.stderr)
			}

			// The restored database backs up to the same content, through stdout.
			r = mustCLI(t, "", append([]string{"backup", "--out", "-"}, target...)...)
			if diff := cmp.Diff(backupContent(t, want), backupContent(t, []byte(r.stdout))); diff != "" {
				t.Errorf("backup of the restored database differs (-original +restored):\n%s", diff)
			}
			if !strings.Contains(r.stderr, "backup written to standard output") {
				t.Errorf("backup to stdout: stderr %q", r.stderr)
			}

			// A restored account signs in, and new rows get fresh IDs.
			mustCLI(t, testPassword, append([]string{"user", "create", "--email", "new@example.org", "--name", "New", "--password-stdin"}, target...)...)
			token := strings.TrimSpace(mustCLI(t, "", append([]string{"token", "create", "--email", "ben@example.org", "--name", "n"}, target...)...).stdout)
			mustCLI(t, "", append([]string{"audit", "verify"}, target...)...)
			dsn := target[1]
			if e.Name == "sqlite" {
				dsn = filepath.Join(dsn, "embargo.db")
			}
			s, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			accounts := authz.NewAccounts(s, clock.Real{})
			if _, _, err := accounts.Login(context.Background(), "ann@example.org", testPassword, "192.0.2.1", "test"); err != nil {
				t.Errorf("restored user cannot sign in: %v", err)
			}
			if _, err := accounts.TokenActor(context.Background(), token); err != nil {
				t.Errorf("token made after restore does not work: %v", err)
			}
		})
	}

	t.Run("through a pipe", func(t *testing.T) {
		r := mustCLI(t, "", "backup", "--data", src, "--out", "-")
		dst := t.TempDir()
		mustCLI(t, r.stdout, "restore", "--data", dst, "-")
		mustCLI(t, "", "audit", "verify", "--data", dst)
	})

	notBackup := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notBackup, []byte("hello\n"), 0o600)
	truncated := filepath.Join(t.TempDir(), "cut.gz")
	os.WriteFile(truncated, want[:len(want)/2], 0o600)
	for _, tc := range []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"not a backup", []string{notBackup}, 1, "not a gzip-compressed Embargo backup"},
		{"truncated", []string{truncated}, 1, "truncated"},
		{"missing file", []string{filepath.Join(t.TempDir(), "nope.gz")}, 1, "no such file"},
		{"no file named", nil, 2, "missing FILE"},
		{"flags after the file", []string{file, "--log-level", "debug"}, 2, `unexpected argument "--log-level" after FILE`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := t.TempDir()
			r := cli(t, "", append([]string{"restore", "--data", dst}, tc.args...)...)
			if r.code != tc.wantCode || !strings.Contains(r.stderr, tc.wantStderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, tc.wantCode, tc.wantStderr)
			}
			if tc.wantCode == 1 {
				if v := cli(t, "", "audit", "verify", "--data", dst); v.stdout != "audit log verified: 0 events (the log is empty)\n" {
					t.Errorf("the failed restore left data behind: %q", v.stdout)
				}
			}
		})
	}
	t.Run("no --out", func(t *testing.T) {
		r := cli(t, "", "backup", "--data", src)
		if r.code != 2 || !strings.Contains(r.stderr, "--out is required") {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
	})
}

func TestCLIConfigDump(t *testing.T) {
	cleanEnv(t)
	keyFile := filepath.Join(t.TempDir(), "key")
	os.WriteFile(keyFile, []byte("0123456789abcdef0123456789abcdef-very-secret\n"), 0o600)
	t.Setenv("EMBARGO_BASE_URL", "https://security.example.org")
	r := mustCLI(t, "", "config", "dump", "--addr", "127.0.0.1:9999", "--secret-key-file", keyFile,
		"--database", "postgres://embargo:hunter2@db.example.org/embargo")
	for _, want := range []string{
		"EMBARGO_ADDR=127.0.0.1:9999\n",
		"EMBARGO_BASE_URL=https://security.example.org\n",
		"EMBARGO_SECRET_KEY=********\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("config dump lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, secret := range []string{"very-secret", "hunter2"} {
		if strings.Contains(r.stdout, secret) {
			t.Errorf("config dump shows the secret %q:\n%s", secret, r.stdout)
		}
	}
	if n := strings.Count(r.stdout, "\n"); n != len(config.Options()) {
		t.Errorf("%d lines, want one per option (%d)", n, len(config.Options()))
	}
}

func TestCLICommandLine(t *testing.T) {
	cleanEnv(t)
	data := t.TempDir()
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name+" --help", func(t *testing.T) {
			r := cli(t, "", append(strings.Fields(name), "--help")...)
			if r.code != 0 || !strings.HasPrefix(r.stdout, "Usage: embargo "+name) {
				t.Errorf("exit %d, stdout %q; want 0 and a usage text", r.code, r.stdout)
			}
		})
		t.Run(name+" unknown flag", func(t *testing.T) {
			r := cli(t, "", append(strings.Fields(name), "--no-such-flag", "--data", data)...)
			want := "embargo " + name + ": flag provided but not defined: -no-such-flag (see 'embargo " + name + " --help')\n"
			if r.code != 2 || r.stderr != want || r.stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and the one line %q", r.code, r.stdout, r.stderr, want)
			}
		})
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // a part
		wantStderr string // a part
	}{
		{"help for a two-word command", []string{"help", "user", "create"}, 0, "Usage: embargo user create [flags]", ""},
		{"help on a group", []string{"user", "--help"}, 0, "create ", ""},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"group without subcommand", []string{"user"}, 2, "", "embargo user: missing subcommand; one of: create"},
		{"unknown subcommand", []string{"audit", "rewrite"}, 2, "", `embargo audit: unknown subcommand "rewrite"; one of: verify`},
		{"flag before the subcommand", []string{"user", "--data", data, "create"}, 2, "", `unknown subcommand "--data"`},
		{"unexpected argument", []string{"audit", "verify", "--data", data, "extra"}, 2, "", `unexpected argument "extra"`},
		{"bad option value", []string{"audit", "verify", "--data", data, "--log-level", "loud"}, 2, "", "log-level"},
		{"restore help names FILE", []string{"restore", "--help"}, 0, "Usage: embargo restore [flags] FILE", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := cli(t, "", tc.args...)
			if r.code != tc.wantCode || !strings.Contains(r.stdout, tc.wantStdout) || !strings.Contains(r.stderr, tc.wantStderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q",
					r.code, r.stdout, r.stderr, tc.wantCode, tc.wantStdout, tc.wantStderr)
			}
			if tc.wantCode == 2 && strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("usage error is not one line: %q", r.stderr)
			}
		})
	}
}

// TestCLIBesideServer runs the operator commands against the SQLite data
// directory of a running server that keeps writing, as on a real host.
func TestCLIBesideServer(t *testing.T) {
	cleanEnv(t)
	data := t.TempDir()
	mustCLI(t, testPassword, "user", "create", "--data", data, "--email", "ann@example.org", "--name", "Ann", "--admin", "--password-stdin")

	ctx, cancel := context.WithCancel(context.Background())
	cfg := &config.Config{Addr: "127.0.0.1:0", DataDir: data, ShutdownTimeout: 5 * time.Second}
	a, err := New(ctx, cfg, slog.New(slog.DiscardHandler), clock.Real{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ready := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, func(addr string) { ready <- addr }) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-served:
		t.Fatalf("serve: %v", err)
	}
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()

	// The server writes continuously while the commands run.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var serverWrites int
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, _, err := a.Accounts.CreateToken(ctx, &authz.Actor{Via: "system"}, "ann@example.org", "busy"); err != nil {
				t.Errorf("server write: %v", err)
				return
			}
			serverWrites++
		}
	})
	for _, email := range []string{"ben@example.org", "cy@example.org", "dee@example.org"} {
		mustCLI(t, testPassword, "user", "create", "--data", data, "--email", email, "--name", email, "--password-stdin")
	}
	mustCLI(t, "", "token", "create", "--data", data, "--email", "ben@example.org", "--name", "ci")
	mustCLI(t, "", "audit", "verify", "--data", data)
	backupFile := filepath.Join(t.TempDir(), "live.gz")
	mustCLI(t, "", "backup", "--data", data, "--out", backupFile)
	close(stop)
	wg.Wait()
	if serverWrites == 0 {
		t.Error("the server made no writes while the commands ran; the test proves nothing")
	}

	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("server not ready after the commands: %d", resp.StatusCode)
	}
	if _, _, err := a.Accounts.Login(ctx, "dee@example.org", testPassword, "192.0.2.1", "test"); err != nil {
		t.Errorf("the server does not see the user the CLI created: %v", err)
	}
	mustCLI(t, "", "audit", "verify", "--data", data)
	restored := t.TempDir()
	mustCLI(t, "", "restore", "--data", restored, backupFile)
}

// TestCLIMigrateReportsLookalikes checks that accounts made before
// lookalike emails were refused are reported, escaped, and left alone.
func TestCLIMigrateReportsLookalikes(t *testing.T) {
	cleanEnv(t)
	data := t.TempDir()
	if r := cli(t, "", "migrate", "--data", data); r.code != 0 || strings.Contains(r.stderr, "look alike") {
		t.Fatalf("first migrate: exit %d, stderr %q", r.code, r.stderr)
	}
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(data, "embargo.db"))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Write(ctx, func(tx *store.Tx) error { // as an old version did, without the check
		for _, email := range []string{"ann@example.org", "\u0430nn@example.org", "ben@example.org"} {
			if err := tx.CreateUser(ctx, &store.User{Email: email, Name: "x"}); err != nil {
				return err
			}
		}
		return nil
	})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	r := cli(t, "", "migrate", "--data", data)
	if r.code != 0 || !strings.Contains(r.stderr, "accounts whose emails look alike") ||
		!strings.Contains(r.stderr, `ann@example.org\", \"\\u0430nn@example.org`) || strings.Contains(r.stderr, "ben@") {
		t.Errorf("migrate: exit %d, stderr %q", r.code, r.stderr)
	}
}
