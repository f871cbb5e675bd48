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
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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
// copied from, made once per test binary, and the connection that makes
// the copies.
var pgTemplate struct {
	once  sync.Once
	admin *sql.DB
	name  string
	err   error
}

// Names of the databases made here: a prefix, the Unix time of creation
// and a random part. The time lets a later run drop what a killed run left.
const (
	templatePrefix = "embargo_tpl_"
	testPrefix     = "embargo_test_"
	staleAfter     = time.Hour
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
	pgTemplate.once.Do(func() {
		pgTemplate.admin, pgTemplate.name, pgTemplate.err = migratedPostgres(base)
	})
	if pgTemplate.err != nil {
		t.Fatalf("postgres template: %v", pgTemplate.err)
	}
	admin := pgTemplate.admin
	name := databaseName(testPrefix)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+pgTemplate.name); err != nil {
		t.Fatalf("postgres: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		// FORCE: a server a test started may still hold a connection.
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("postgres: drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// migratedPostgres drops what killed runs left behind, then creates and
// migrates a template database. It returns a connection to the base
// database, for creating copies, and the template's name.
func migratedPostgres(base string) (*sql.DB, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return nil, "", err
	}
	admin.SetMaxIdleConns(4)
	dropStale(ctx, admin)
	name := databaseName(templatePrefix)
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		admin.Close()
		return nil, "", fmt.Errorf("create database (the role needs CREATEDB): %w", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		admin.Close()
		return nil, "", err
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
		return nil, "", fmt.Errorf("migrate %s: %w", name, err)
	}
	return admin, name, nil
}

// dropStale drops the templates and test databases older than staleAfter:
// a test binary cannot drop its template when it ends, and a killed one
// leaves its test databases too. Errors are ignored; another binary may be
// dropping the same database.
func dropStale(ctx context.Context, admin *sql.DB) {
	rows, err := admin.QueryContext(ctx, `SELECT datname FROM pg_database
		WHERE datname LIKE 'embargo\_tpl\_%' OR datname LIKE 'embargo\_test\_%'`)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		if createdAt, ok := databaseTime(name); ok && time.Since(createdAt) > staleAfter {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	}
}

// databaseName returns prefix, the Unix time and a random part: a name
// no other test, test binary or run uses.
func databaseName(prefix string) string {
	var b [6]byte
	rand.Read(b[:])
	return prefix + strconv.FormatInt(time.Now().Unix(), 10) + "_" + hex.EncodeToString(b[:])
}

// databaseTime returns when the database named by databaseName was made.
func databaseTime(name string) (time.Time, bool) {
	for _, prefix := range []string{templatePrefix, testPrefix} {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok {
			continue
		}
		sec, _, ok := strings.Cut(rest, "_")
		if !ok {
			return time.Time{}, false
		}
		n, err := strconv.ParseInt(sec, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.Unix(n, 0), true
	}
	return time.Time{}, false
}

// quoteLiteral quotes s as an SQL string literal.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
