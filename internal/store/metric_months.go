// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"fmt"
)

// metricMonthsLock is the PostgreSQL advisory lock that keeps a month's
// metrics from being computed while a change to it commits (migration
// 0019): writers' triggers take it shared at commit, computing takes it
// exclusively.
const metricMonthsLock = 7335303

// MonthSpan bounds one kept month: [From, To) in milliseconds.
type MonthSpan struct{ From, To int64 }

// MetricMonths returns the project's kept months that lie within [from,
// to), by their bounds. A month a later change fell in is not among them:
// the triggers of migration 0019 drop it.
func (t *Tx) MetricMonths(ctx context.Context, projectID, from, to int64) (map[MonthSpan][]byte, error) {
	rows, err := t.query(ctx, `SELECT from_ms, to_ms, data FROM metric_months
		WHERE project_id = $1 AND from_ms >= $2 AND to_ms <= $3`, projectID, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read kept metrics: %w", err)
	}
	defer rows.Close()
	out := map[MonthSpan][]byte{}
	for rows.Next() {
		var m MonthSpan
		var data []byte
		if err := rows.Scan(&m.From, &m.To, &data); err != nil {
			return nil, fmt.Errorf("store: unable to read kept metrics: %w", err)
		}
		out[m] = data
	}
	return out, rows.Err()
}

// LockMetricMonths must open a write transaction that computes a month
// to keep, before it reads anything the month is computed from. On
// SQLite the writer is alone already.
func (t *Tx) LockMetricMonths(ctx context.Context) error {
	if t.engine != Postgres {
		return nil
	}
	if _, err := t.exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(metricMonthsLock)); err != nil {
		return fmt.Errorf("store: unable to lock kept metrics: %w", err)
	}
	return nil
}

// PutMetricMonth keeps the project's computed month m, replacing what was
// kept for it and for any month overlapping it (one computed in the
// project's earlier time zone).
func (t *Tx) PutMetricMonth(ctx context.Context, projectID int64, m MonthSpan, data []byte, now int64) error {
	if _, err := t.exec(ctx, `DELETE FROM metric_months WHERE project_id = $1 AND from_ms < $3 AND to_ms > $2`,
		projectID, m.From, m.To); err != nil {
		return fmt.Errorf("store: unable to keep metrics: %w", err)
	}
	if _, err := t.exec(ctx, `INSERT INTO metric_months (project_id, from_ms, to_ms, data, computed_at) VALUES ($1, $2, $3, $4, $5)`,
		projectID, m.From, m.To, data, now); err != nil {
		return fmt.Errorf("store: unable to keep metrics: %w", err)
	}
	return nil
}
