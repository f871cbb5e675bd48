// SPDX-License-Identifier: AGPL-3.0-or-later

// Package store is Embargo's only access to the database: SQLite by default
// (pure Go, WAL, one writer connection) or PostgreSQL (pgx). Every query is
// written once in SQL both engines accept; engine differences are confined to
// the DDL under migrations/ and the few helpers in this file.
//
// All access happens inside a transaction: Store.Read for queries and
// Store.Write for changes. Methods on *Tx are the queries.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned when a write would violate a uniqueness rule
// (a taken slug or email, a duplicate member).
var ErrConflict = errors.New("store: already exists")

// Engine names the database engine behind a Store.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Store is a handle on the database. It is safe for concurrent use.
type Store struct {
	engine Engine
	writer *sql.DB
	reader *sql.DB
	sqliteWriter
}

// IsPostgresURL reports whether dsn names a PostgreSQL database.
func IsPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to the database named by dsn: a postgres:// URL, or the path
// of a SQLite file (created, with its directory, if missing). It does not
// migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	if IsPostgresURL(dsn) {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: unable to open postgres: %w", err)
		}
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(10)
		db.SetConnMaxIdleTime(5 * time.Minute)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("store: unable to connect to postgres: %w", err)
		}
		return &Store{engine: Postgres, writer: db, reader: db}, nil
	}
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "file:")
	if path == "" {
		return nil, errors.New("store: empty database path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: unable to create data directory: %w", err)
	}
	base := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)"
	// One writer connection serialises writes inside the process; IMMEDIATE
	// transactions take the write lock up front so concurrent processes (a
	// CLI beside a server) wait on busy_timeout instead of failing mid-way.
	writer, err := sql.Open("sqlite", base+"&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: unable to open sqlite: %w", err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetConnMaxIdleTime(0)
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, fmt.Errorf("store: unable to open sqlite %s: %w", path, err)
	}
	reader, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("store: unable to open sqlite: %w", err)
	}
	reader.SetMaxOpenConns(8)
	reader.SetMaxIdleConns(8)
	return &Store{engine: SQLite, writer: writer, reader: reader}, nil
}

// Engine reports which engine this store runs on.
func (s *Store) Engine() Engine { return s.engine }

// Close releases every connection.
func (s *Store) Close() error {
	s.closeWriter()
	err := s.writer.Close()
	if s.reader != s.writer {
		if rerr := s.reader.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.reader.PingContext(ctx)
}

// Tx is one database transaction. Its methods are the queries.
type Tx struct {
	q      querier // a *sql.Tx, or SQLite's writer connection inside BEGIN … COMMIT
	engine Engine
	stmts  *stmtCache // SQLite's writer: its prepared statements; nil elsewhere
}

// querier is what a transaction runs its statements on.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// Engine reports which engine this transaction runs on.
func (t *Tx) Engine() Engine { return t.engine }

// Read runs fn in a read-only transaction, so that it sees one consistent
// snapshot.
func (s *Store) Read(ctx context.Context, fn func(*Tx) error) error {
	opts := &sql.TxOptions{}
	if s.engine == Postgres {
		opts.ReadOnly = true
		opts.Isolation = sql.LevelRepeatableRead
	}
	return s.run(ctx, s.reader, opts, fn)
}

// Write runs fn in a read-write transaction and commits it if fn returns
// nil. Everything fn writes, including audit events, commits or rolls back
// together. On SQLite, a ctx marked WithGroupCommit lets the write share
// its transaction and commit with concurrent ones (see writeGrouped).
func (s *Store) Write(ctx context.Context, fn func(*Tx) error) error {
	if s.engine != SQLite {
		return s.run(ctx, s.writer, nil, fn)
	}
	if ctx.Value(groupCommitKey{}) != nil {
		return s.writeGrouped(ctx, fn)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.writeBatch([]*writeRequest{{ctx: ctx, fn: fn}})[0]
}

func (s *Store) run(ctx context.Context, db *sql.DB, opts *sql.TxOptions, fn func(*Tx) error) error {
	sqlTx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: unable to begin transaction: %w", err)
	}
	if err := call(fn, &Tx{q: sqlTx, engine: s.engine}); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: unable to commit: %w", err)
	}
	return nil
}

func (t *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = t.stmtContext(ctx)
	if st := t.prepared(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.q.ExecContext(ctx, query, args...)
}

func (t *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = t.stmtContext(ctx)
	if st := t.prepared(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.q.QueryContext(ctx, query, args...)
}

func (t *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = t.stmtContext(ctx)
	if st := t.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.q.QueryRowContext(ctx, query, args...)
}

// stmtContext is the context a statement runs under. SQLite write
// transactions run their statements uncancelled: a cancelled statement
// interrupts SQLite, which then rolls the whole transaction back while the
// code that began it carries on outside any transaction. Such a
// transaction is short; the caller's context is checked before it begins.
func (t *Tx) stmtContext(ctx context.Context) context.Context {
	if t.stmts != nil {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// prepared returns query's cached statement, or nil to run the query text
// as it is.
func (t *Tx) prepared(ctx context.Context, query string) *sql.Stmt {
	if t.stmts == nil {
		return nil
	}
	return t.stmts.get(ctx, query)
}

// forUpdate is the row-lock clause: PostgreSQL needs it to serialise
// replicas; SQLite's single writer already serialises every write.
func (t *Tx) forUpdate() string {
	if t.engine == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// isUniqueViolation reports whether err is a uniqueness failure on either engine.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || // SQLite
		strings.Contains(msg, "SQLSTATE 23505") // PostgreSQL unique_violation
}

// notFound maps sql.ErrNoRows to ErrNotFound and wraps other errors.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return fmt.Errorf("store: unable to load %s: %w", what, err)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nullInt64 turns a nullable column into 0 when NULL.
func nullTime(v sql.NullInt64) int64 {
	if v.Valid {
		return v.Int64
	}
	return 0
}

func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// listIDs runs q, which selects one integer column, and returns its values;
// what names them in errors.
func (t *Tx) listIDs(ctx context.Context, what, q string, args ...any) ([]int64, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to load %s: %w", what, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: unable to load %s: %w", what, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
