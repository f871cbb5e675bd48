// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func (s *Store) migrations() ([]migration, error) {
	dir := "migrations/" + string(s.engine)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("store: bad migration file name %q", e.Name())
		}
		body, err := fs.ReadFile(migrationFiles, dir+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migrations are not numbered 1..n at %q", m.name)
		}
	}
	return out, nil
}

// LatestSchemaVersion is the schema version this binary knows.
func (s *Store) LatestSchemaVersion() int {
	ms, _ := s.migrations()
	return len(ms)
}

// SchemaVersion returns the version the database is at (0 when empty).
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.Read(ctx, func(tx *Tx) error {
		var err error
		v, err = tx.schemaVersionIfPresent(ctx)
		return err
	})
	return v, err
}

func (t *Tx) schemaVersion(ctx context.Context) (int, error) {
	if _, err := t.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return 0, fmt.Errorf("store: unable to create schema_version: %w", err)
	}
	var v int
	if err := t.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: unable to read schema version: %w", err)
	}
	return v, nil
}

// schemaVersionIfPresent reads the version without creating the table, so
// it works in a read-only transaction; a database without the table is at 0.
func (t *Tx) schemaVersionIfPresent(ctx context.Context) (int, error) {
	tables, err := t.Tables(ctx)
	if err != nil {
		return 0, err
	}
	if !slices.Contains(tables, "schema_version") {
		return 0, nil
	}
	var v int
	if err := t.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: unable to read schema version: %w", err)
	}
	return v, nil
}

// Migrate applies every migration the database lacks, one transaction per
// step. On PostgreSQL it holds an advisory lock so replicas starting
// together migrate once. It refuses to run against a schema newer than this
// binary knows. It returns the versions applied.
func (s *Store) Migrate(ctx context.Context) ([]int, error) {
	ms, err := s.migrations()
	if err != nil {
		return nil, err
	}
	if s.engine == Postgres {
		conn, err := s.writer.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("store: unable to get connection: %w", err)
		}
		defer conn.Close()
		const lockID = 0x656d62617267 // "embarg"
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, lockID); err != nil {
			return nil, fmt.Errorf("store: unable to take migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lockID)
	}
	var applied []int
	for _, m := range ms {
		done := false
		err := s.Write(ctx, func(tx *Tx) error {
			current, err := tx.schemaVersion(ctx)
			if err != nil {
				return err
			}
			if current > len(ms) {
				return fmt.Errorf("store: database schema version %d is newer than this binary knows (%d); upgrade Embargo", current, len(ms))
			}
			if current >= m.version {
				return nil
			}
			if _, err := tx.exec(ctx, m.sql); err != nil {
				return fmt.Errorf("store: migration %s failed: %w", m.name, err)
			}
			if _, err := tx.exec(ctx, `INSERT INTO schema_version (version) VALUES ($1)`, m.version); err != nil {
				return fmt.Errorf("store: unable to record migration %s: %w", m.name, err)
			}
			done = true
			return nil
		})
		if err != nil {
			return applied, err
		}
		if done {
			applied = append(applied, m.version)
		}
	}
	return applied, nil
}
