// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Milestone columns the metrics measure from a case's creation.
var milestoneColumns = map[string]string{
	"acknowledge": "acknowledged_at",
	"triage":      "assessed_at",
	"fix":         "fixed_at",
	"disclose":    "disclosed_at",
}

// Reached is one case reaching a milestone: when, and how long after the
// case was opened.
type Reached struct {
	At         int64
	DurationMs int64
}

// MilestonesReached returns, for the milestone named (acknowledge, triage,
// fix or disclose), every case of the project that reached it in [from,
// to), oldest first. Spam is left out: it measures no one's response.
func (t *Tx) MilestonesReached(ctx context.Context, projectID int64, milestone string, from, to int64) ([]Reached, error) {
	col, ok := milestoneColumns[milestone]
	if !ok {
		return nil, fmt.Errorf("store: unknown milestone %q", milestone)
	}
	// The literal "<> 0" lets SQLite use the milestone's partial index.
	rows, err := t.query(ctx, `SELECT `+col+`, `+col+` - created_at FROM cases
		WHERE project_id = $1 AND `+col+` <> 0 AND `+col+` >= $2 AND `+col+` < $3 AND resolution <> 'spam' ORDER BY `+col, projectID, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read milestones: %w", err)
	}
	defer rows.Close()
	var out []Reached
	for rows.Next() {
		var r Reached
		if err := rows.Scan(&r.At, &r.DurationMs); err != nil {
			return nil, fmt.Errorf("store: unable to read milestones: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// DeadlineOutcome counts a kind of deadline's promises that fell due in a
// period: kept on time, and missed (kept late, or still open past due).
type DeadlineOutcome struct {
	Kind        string
	Met, Missed int
}

// DeadlineOutcomes counts, per kind, the project's deadlines due in [from,
// to) that were met on time or missed as of now; cancelled ones and those
// still open and not yet due count as neither.
func (t *Tx) DeadlineOutcomes(ctx context.Context, projectID, from, to, now int64) ([]DeadlineOutcome, error) {
	rows, err := t.query(ctx, `SELECT d.kind,
		COALESCE(SUM(CASE WHEN d.met_at <> 0 AND d.met_at <= d.due_at THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.met_at > d.due_at OR (d.met_at = 0 AND d.cancelled_at = 0 AND d.due_at < $4) THEN 1 ELSE 0 END), 0)
		FROM case_deadlines d CROSS JOIN cases c
		WHERE c.id = d.case_id AND c.project_id = $1 AND d.due_at >= $2 AND d.due_at < $3 AND c.resolution <> 'spam'
		GROUP BY d.kind ORDER BY d.kind`, projectID, from, to, now)
	if err != nil {
		return nil, fmt.Errorf("store: unable to count deadline outcomes: %w", err)
	}
	defer rows.Close()
	var out []DeadlineOutcome
	for rows.Next() {
		var o DeadlineOutcome
		if err := rows.Scan(&o.Kind, &o.Met, &o.Missed); err != nil {
			return nil, fmt.Errorf("store: unable to count deadline outcomes: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// OpenAge counts a project's open cases of one severity by age: opened
// at or after each of the given bounds (newest bound first), and before
// the last.
type OpenAge struct {
	Severity string
	// Buckets[i] counts cases opened in [bounds[i], bounds[i-1]); the last
	// bucket is everything older than the last bound.
	Buckets []int
}

// OpenCasesByAge returns, per severity, how many of the project's cases in
// one of openStates were opened within each age bucket; bounds are
// creation-time cut-offs, newest first.
//
// Most open cases are old, so it counts the cases of each state and
// severity, reading the (project, state, severity, created_at) index
// alone, and sorts into buckets only those younger than the oldest bound,
// which that index finds by seeking once per state and severity; the
// oldest bucket is the rest. Bucketing every case instead costs twice as
// much on 60,000 open cases.
func (t *Tx) OpenCasesByAge(ctx context.Context, projectID int64, openStates []string, bounds []int64) ([]OpenAge, error) {
	if len(openStates) == 0 {
		return nil, nil // and PostgreSQL refuses an empty IN ()
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	in := func(vals []string) string {
		ph := make([]string, len(vals))
		for i, v := range vals {
			ph[i] = arg(v)
		}
		return "(" + strings.Join(ph, ", ") + ")"
	}
	bySeverity := map[string]*OpenAge{}
	var severities []string
	err := t.eachRow(ctx, `SELECT severity, COUNT(*) FROM cases WHERE project_id = `+arg(projectID)+
		` AND state IN `+in(openStates)+` GROUP BY state, severity`, args, func(rows *sql.Rows) error {
		var sev string
		var n int
		if err := rows.Scan(&sev, &n); err != nil {
			return err
		}
		o := bySeverity[sev]
		if o == nil {
			o = &OpenAge{Severity: sev, Buckets: make([]int, len(bounds)+1)}
			bySeverity[sev] = o
			severities = append(severities, sev)
		}
		o.Buckets[len(bounds)] += n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: unable to count open cases: %w", err)
	}
	if len(bounds) > 0 && len(severities) > 0 {
		args = nil
		var cols []string
		prev := ""
		for _, b := range bounds {
			bound := arg(b)
			cond := "created_at >= " + bound
			if prev != "" {
				cond += " AND created_at < " + prev
			}
			cols = append(cols, "COALESCE(SUM(CASE WHEN "+cond+" THEN 1 ELSE 0 END), 0)")
			prev = bound
		}
		query := `SELECT severity, ` + strings.Join(cols, ", ") + ` FROM cases WHERE project_id = ` + arg(projectID) +
			` AND state IN ` + in(openStates) + ` AND severity IN ` + in(severities) +
			` AND created_at >= ` + prev + ` GROUP BY state, severity`
		err := t.eachRow(ctx, query, args, func(rows *sql.Rows) error {
			var sev string
			young := make([]int, len(bounds))
			dst := []any{&sev}
			for i := range young {
				dst = append(dst, &young[i])
			}
			if err := rows.Scan(dst...); err != nil {
				return err
			}
			o := bySeverity[sev]
			for i, n := range young {
				o.Buckets[i] += n
				o.Buckets[len(bounds)] -= n
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("store: unable to count open cases: %w", err)
		}
	}
	out := make([]OpenAge, 0, len(bySeverity))
	for _, o := range bySeverity {
		out = append(out, *o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Severity < out[j].Severity })
	return out, nil
}

// eachRow runs query and calls fn on each row.
func (t *Tx) eachRow(ctx context.Context, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
