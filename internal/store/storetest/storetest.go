// SPDX-License-Identifier: AGPL-3.0-or-later

// Package storetest gives tests a fresh, migrated store on every engine:
// SQLite in t.TempDir() always, and PostgreSQL in a database of its own when
// EMBARGO_TEST_POSTGRES names a server.
//
// Migrating a database takes thirteen transactions; doing it for every test
// made internal/api take five minutes on PostgreSQL. So each test binary
// migrates once, into a template, and every test gets a copy: a copied file
// on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"embargo/internal/store"
)

// PostgresEnv is the variable naming the PostgreSQL server tests use.
const PostgresEnv = "EMBARGO_TEST_POSTGRES"

// Engine is one database a test can run against.
type Engine struct {
	Name string
	// DSN returns a new database's DSN, removed when t ends. The database
	// is migrated and holds no rows.
	DSN func(t testing.TB) string
}

// Engines lists SQLite and, when configured, PostgreSQL. Without
// EMBARGO_TEST_POSTGRES it logs that PostgreSQL is skipped.
func Engines(t testing.TB) []Engine {
	engines := []Engine{{Name: "sqlite", DSN: SQLiteDSN}}
	if os.Getenv(PostgresEnv) != "" {
		engines = append(engines, Engine{Name: "postgres", DSN: PostgresDSN})
	} else {
		t.Logf("PostgreSQL tests skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/test) to run them", PostgresEnv)
	}
	return engines
}

// Run calls fn once per engine in a subtest, each with its own fresh,
// migrated store.
func Run(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			fn(t, Open(t, e.DSN(t)))
		})
	}
}

// Open opens and migrates the store at dsn and closes it when t ends.
// Migrating a database made by SQLiteDSN or PostgresDSN finds nothing to do.
func Open(t testing.TB, dsn string) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

// sqliteTemplate is the content of a migrated SQLite database, made once
// per test binary.
var sqliteTemplate struct {
	once sync.Once
	data []byte
	err  error
}

// SQLiteDSN returns the path of a new, migrated SQLite file in t.TempDir().
func SQLiteDSN(t testing.TB) string {
	t.Helper()
	sqliteTemplate.once.Do(func() {
		sqliteTemplate.data, sqliteTemplate.err = migratedSQLite()
	})
	if sqliteTemplate.err != nil {
		t.Fatalf("sqlite template: %v", sqliteTemplate.err)
	}
	path := filepath.Join(t.TempDir(), "embargo.db")
	if err := os.WriteFile(path, sqliteTemplate.data, 0o600); err != nil {
		t.Fatalf("sqlite: %v", err)
	}
	return path
}

// migratedSQLite migrates a database in a temporary directory and returns
// it as one self-contained file: VACUUM INTO leaves nothing in a -wal file.
func migratedSQLite() ([]byte, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "embargo-storetest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "migrated.db")
	s, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	_, err = s.Migrate(ctx)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	out := filepath.Join(dir, "template.db")
	if _, err := db.ExecContext(ctx, `VACUUM INTO `+quoteLiteral(out)); err != nil {
		return nil, fmt.Errorf("vacuum into: %w", err)
	}
	return os.ReadFile(out)
}

// pgTemplate is the migrated database every PostgreSQL test database is
// copied from, made once per test binary, and the connections that make
// the copies and mark them as in use.
var pgTemplate struct {
	once  sync.Once
	admin *sql.DB
	owner *sql.Conn // holds the advisory lock on ownerKey(id) until the process exits
	id    string    // "<unix time>_<random>", in the name of every database made here
	name  string
	seq   atomic.Int64
	err   error
}

// The databases made here are named after the test binary that made them:
// embargo_tpl_<id> is its template, embargo_test_<id>_<n> its tests' copies.
// While it runs, it holds a session advisory lock on ownerKey(id); a
// database whose lock is free belongs to a binary that has ended, and the
// next binary to make a template drops it. A binary cannot drop its own
// template when it ends: go test gives no hook for that without a TestMain
// in every package.
const (
	templatePrefix = "embargo_tpl_"
	testPrefix     = "embargo_test_"
)

// PostgresDSN creates a database of its own on the EMBARGO_TEST_POSTGRES
// server, a copy of a migrated template, drops it when t ends, and returns
// its URL. It skips t when the variable is unset. The role in the URL
// needs the CREATEDB privilege.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skipf("PostgreSQL not configured: set %s", PostgresEnv)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("postgres: bad %s: %v", PostgresEnv, err)
	}
	pgTemplate.once.Do(func() { pgTemplate.err = migratedPostgres(base) })
	if pgTemplate.err != nil {
		t.Fatalf("postgres template: %v", pgTemplate.err)
	}
	admin := pgTemplate.admin
	name := testPrefix + pgTemplate.id + "_" + strconv.FormatInt(pgTemplate.seq.Add(1), 10)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+pgTemplate.name); err != nil {
		t.Fatalf("postgres: create database: %v", err)
	}
	t.Cleanup(func() {
		// DROP DATABASE waits for a checkpoint, a second or more on a
		// busy server, and the test need not wait with it. A drop the
		// process exits before is left to the next binary's
		// dropOrphans. FORCE: a server a test started may still hold a
		// connection.
		go admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	})
	u.Path = "/" + name
	return u.String()
}

// migratedPostgres takes this binary's advisory lock, drops what ended
// binaries left behind, then creates and migrates the template database.
func migratedPostgres(base string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return err
	}
	admin.SetMaxIdleConns(4)
	var b [6]byte
	rand.Read(b[:])
	id := strconv.FormatInt(time.Now().Unix(), 10) + "_" + hex.EncodeToString(b[:])
	// The lock comes before the template exists, so that no other binary
	// ever sees the template with its lock free.
	owner, err := admin.Conn(ctx)
	if err == nil {
		_, err = owner.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, ownerKey(id))
	}
	if err != nil {
		admin.Close()
		return err
	}
	dropOrphans(ctx, owner)
	name := templatePrefix + id
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		admin.Close()
		return fmt.Errorf("create database (the role needs CREATEDB): %w", err)
	}
	u.Path = "/" + name
	s, err := store.Open(ctx, u.String())
	if err == nil {
		_, err = s.Migrate(ctx)
		// CREATE DATABASE … TEMPLATE refuses a template anyone is
		// connected to: close every connection now.
		s.Close()
	}
	if err != nil {
		admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		admin.Close()
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	pgTemplate.admin, pgTemplate.owner, pgTemplate.id, pgTemplate.name = admin, owner, id, name
	return nil
}

// dropOrphans drops the templates and test databases of binaries that
// have ended: those whose advisory lock conn can take. Errors are ignored;
// a database left now is dropped by a later binary.
func dropOrphans(ctx context.Context, conn *sql.Conn) {
	rows, err := conn.QueryContext(ctx, `SELECT datname FROM pg_database
		WHERE datname LIKE 'embargo\_tpl\_%' OR datname LIKE 'embargo\_test\_%' ORDER BY datname`)
	if err != nil {
		return
	}
	byOwner := map[string][]string{}
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		if id, ok := ownerID(name); ok {
			byOwner[id] = append(byOwner[id], name)
		}
	}
	rows.Close()
	for id, names := range byOwner {
		var free bool
		if conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, ownerKey(id)).Scan(&free) != nil || !free {
			continue
		}
		for _, name := range names {
			conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		}
		conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, ownerKey(id))
	}
}

// ownerID returns the id of the binary that made the database name.
func ownerID(name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, templatePrefix)
	if !ok {
		if rest, ok = strings.CutPrefix(name, testPrefix); !ok {
			return "", false
		}
	}
	parts := strings.SplitN(rest, "_", 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return "", false
	}
	return parts[0] + "_" + parts[1], true
}

// ownerKey is the advisory lock a binary with this id holds while it runs.
func ownerKey(id string) int64 {
	h := fnv.New64a()
	h.Write([]byte("embargo storetest " + id))
	return int64(h.Sum64())
}

// quoteLiteral quotes s as an SQL string literal.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
