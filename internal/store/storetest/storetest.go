// SPDX-License-Identifier: AGPL-3.0-or-later

// Package storetest gives tests a fresh, migrated store on every engine:
// SQLite in t.TempDir() always, and PostgreSQL in a schema of its own when
// EMBARGO_TEST_POSTGRES names a server.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"embargo/internal/store"
)

// PostgresEnv is the variable naming the PostgreSQL server tests use.
const PostgresEnv = "EMBARGO_TEST_POSTGRES"

// Engine is one database a test can run against.
type Engine struct {
	Name string
	// DSN returns a new, empty database's DSN, removed when t ends.
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

// SQLiteDSN returns the path of a new SQLite file in t.TempDir().
func SQLiteDSN(t testing.TB) string {
	return filepath.Join(t.TempDir(), "embargo.db")
}

// PostgresDSN creates a schema of its own on the EMBARGO_TEST_POSTGRES
// server, drops it when t ends, and returns a URL whose search_path points
// at it. It skips t when the variable is unset.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skipf("PostgreSQL not configured: set %s", PostgresEnv)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("postgres: create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("postgres: bad %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
