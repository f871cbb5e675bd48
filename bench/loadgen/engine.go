// SPDX-License-Identifier: AGPL-3.0-or-later

package main

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// postgresBase is the -postgres server URL; empty means SQLite in the data
// directory, as `embargo serve` uses by default.
var postgresBase string

// engineName names the engine the load runs on.
func engineName() string {
	if postgresBase != "" {
		return "postgres"
	}
	return "sqlite"
}

var unsafeSchema = regexp.MustCompile(`[^a-z0-9_]`)

// schemaFor is the PostgreSQL schema a seed directory's data lives in.
func schemaFor(dir string) string {
	return "bench_" + unsafeSchema.ReplaceAllString(strings.ToLower(filepath.Base(dir)), "_")
}

// seedDSN returns the database of a seed directory: its SQLite file, or
// its own schema on the -postgres server.
func seedDSN(dir string) string {
	if postgresBase == "" {
		return filepath.Join(dir, dbFile)
	}
	u, err := url.Parse(postgresBase)
	if err != nil {
		return postgresBase
	}
	q := u.Query()
	q.Set("search_path", schemaFor(dir))
	u.RawQuery = q.Encode()
	return u.String()
}

// resetDatabase empties a seed directory's database before seeding: the
// SQLite file goes with the directory; on PostgreSQL the schema is dropped
// and created again.
func resetDatabase(dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if postgresBase == "" {
		return nil
	}
	db, err := sql.Open("pgx", postgresBase)
	if err != nil {
		return err
	}
	defer db.Close()
	schema := schemaFor(dir)
	if _, err := db.Exec(`DROP SCHEMA IF EXISTS ` + schema + ` CASCADE`); err != nil {
		return fmt.Errorf("drop schema %s: %w", schema, err)
	}
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		return fmt.Errorf("create schema %s: %w", schema, err)
	}
	return nil
}

// serverEnv points the measured server at the seed's database.
func serverEnv(dir string) []string {
	if postgresBase == "" {
		return nil
	}
	return []string{"EMBARGO_DATABASE=" + seedDSN(dir)}
}
