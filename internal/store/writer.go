// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
)

// SQLite has one writer. Store.Write runs every SQLite write transaction
// on one connection the store keeps for its life, with BEGIN IMMEDIATE and
// COMMIT of its own rather than database/sql's Tx, for two reasons:
//
//   - Prepared statements. database/sql with the modernc driver prepares
//     every statement anew, and parsing SQL took about a quarter of the CPU
//     of a report's write transaction. Statements prepared on the kept
//     connection stay prepared; they cannot be prepared on the pool from
//     inside a transaction, whose connection is the pool's only one.
//   - Group commit. Concurrent writes marked WithGroupCommit share one
//     transaction, each inside a savepoint of its own, so that one commit
//     (the part of a write that waits on the disk) serves many.

// maxCachedStatements bounds the statement cache: queries are fixed text,
// except those with a variable number of placeholders (IN lists), which
// could otherwise grow it without end.
const maxCachedStatements = 1000

// maxGroup bounds how many writes share one transaction.
const maxGroup = 128

type sqliteWriter struct {
	writeMu sync.Mutex // held for each write transaction
	conn    *sql.Conn  // the kept writer connection, opened on first write
	stmts   *stmtCache

	groupMu sync.Mutex
	pending []*writeRequest // grouped writes waiting for a transaction
}

// writeRequest is one write waiting for, or done in, a transaction.
type writeRequest struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan error // buffered; receives the write's outcome once committed
}

type groupCommitKey struct{}

// WithGroupCommit marks ctx so that Store.Write on SQLite may run its
// transaction together with concurrent writes marked the same way. Each
// write still runs whole or not at all, and Write returns only after the
// shared commit, so nothing is acknowledged before it is durable; a write
// waits for the writes grouped before it, so mark only writes that many
// clients make at once and that each answer someone (report intake).
func WithGroupCommit(ctx context.Context) context.Context {
	return context.WithValue(ctx, groupCommitKey{}, true)
}

// writeGrouped queues fn and waits for its outcome. Whoever holds the
// writer next runs every queued write in one transaction: a write waiting
// for the writer may find it has been done meanwhile.
func (s *Store) writeGrouped(ctx context.Context, fn func(*Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &writeRequest{ctx: ctx, fn: fn, done: make(chan error, 1)}
	s.groupMu.Lock()
	s.pending = append(s.pending, r)
	s.groupMu.Unlock()
	for {
		select {
		case err := <-r.done:
			return err
		default:
		}
		s.writeMu.Lock()
		s.groupMu.Lock()
		n := min(len(s.pending), maxGroup)
		batch := s.pending[:n:n]
		s.pending = s.pending[n:]
		s.groupMu.Unlock()
		if len(batch) > 0 {
			for i, err := range s.writeBatch(batch) {
				batch[i].done <- err
			}
		}
		s.writeMu.Unlock()
	}
}

// writeBatch runs reqs in one transaction, each in a savepoint when there
// are several, and returns each one's outcome: its own error, or the
// commit's. The caller holds writeMu.
func (s *Store) writeBatch(reqs []*writeRequest) []error {
	out := make([]error, len(reqs))
	fail := func(err error) []error {
		for i := range out {
			if out[i] == nil {
				out[i] = err
			}
		}
		return out
	}
	ctx := context.Background()
	conn, err := s.writerConn(ctx)
	if err != nil {
		return fail(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fail(fmt.Errorf("store: unable to begin transaction: %w", err))
	}
	rollback := func() { conn.ExecContext(ctx, "ROLLBACK") }
	tx := &Tx{q: conn, engine: s.engine, stmts: s.stmts}
	ran := 0
	for i, r := range reqs {
		if err := r.ctx.Err(); err != nil {
			out[i] = err
			continue
		}
		if len(reqs) == 1 {
			if out[i] = call(r.fn, tx); out[i] != nil {
				rollback()
				return out
			}
			ran++
			continue
		}
		if _, err := conn.ExecContext(ctx, "SAVEPOINT grouped"); err != nil {
			rollback()
			return fail(fmt.Errorf("store: unable to begin a grouped write: %w", err))
		}
		if out[i] = call(r.fn, tx); out[i] != nil {
			if _, err := conn.ExecContext(ctx, "ROLLBACK TO grouped"); err != nil {
				rollback()
				return fail(fmt.Errorf("store: unable to undo a grouped write: %w", err))
			}
		} else {
			ran++
		}
		if _, err := conn.ExecContext(ctx, "RELEASE grouped"); err != nil {
			rollback()
			return fail(fmt.Errorf("store: unable to end a grouped write: %w", err))
		}
	}
	if ran == 0 {
		rollback()
		return out
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		rollback()
		return fail(fmt.Errorf("store: unable to commit: %w", err))
	}
	return out
}

// call runs fn, turning a panic into an error so that the transaction it
// shares is still ended.
func call(fn func(*Tx) error, tx *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("store: write panicked: %v", p)
		}
	}()
	return fn(tx)
}

// writerConn returns the kept writer connection, opening it on first use.
// The caller holds writeMu.
func (s *Store) writerConn(ctx context.Context) (*sql.Conn, error) {
	if s.conn != nil {
		return s.conn, nil
	}
	conn, err := s.writer.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: unable to open the writer connection: %w", err)
	}
	s.conn, s.stmts = conn, &stmtCache{conn: conn, m: map[string]*sql.Stmt{}}
	return conn, nil
}

// closeWriter releases the kept writer connection and its statements.
func (s *Store) closeWriter() {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if s.stmts != nil {
		for _, st := range s.stmts.m {
			st.Close()
		}
	}
	if s.conn != nil {
		s.conn.Close()
	}
	s.conn, s.stmts = nil, nil
}

// stmtCache keeps the writer connection's prepared statements. It is used
// only with writeMu held.
type stmtCache struct {
	conn *sql.Conn
	m    map[string]*sql.Stmt
}

// get returns the prepared statement for query, preparing it on first
// use; nil for a query that is not cached (several statements, a full
// cache, one that does not prepare: the caller then runs the text as it
// is, which reports any error).
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	if st, ok := c.m[query]; ok {
		return st
	}
	if len(c.m) >= maxCachedStatements || strings.Contains(query, ";") {
		return nil
	}
	st, err := c.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.m[query] = st
	return st
}
