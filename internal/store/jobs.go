// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"fmt"
)

// Job is one piece of background work in the durable queue. It is enqueued
// in the same transaction as the change that causes it, so a rolled-back
// change leaves no job and a committed one is never forgotten.
type Job struct {
	ID          int64
	Kind        string
	Payload     string // JSON
	RunAt       int64
	Attempts    int
	MaxAttempts int
	LockedUntil int64
	LastError   string
	CreatedAt   int64
	DoneAt      int64
	FailedAt    int64 // gave up after MaxAttempts
}

const jobColumns = `id, kind, payload, run_at, attempts, max_attempts, locked_until, last_error, created_at, done_at, failed_at`

func scanJob(row interface{ Scan(...any) error }) (*Job, error) {
	var j Job
	if err := row.Scan(&j.ID, &j.Kind, &j.Payload, &j.RunAt, &j.Attempts, &j.MaxAttempts, &j.LockedUntil, &j.LastError,
		&j.CreatedAt, &j.DoneAt, &j.FailedAt); err != nil {
		return nil, err
	}
	return &j, nil
}

// EnqueueJob inserts j and sets its ID.
func (t *Tx) EnqueueJob(ctx context.Context, j *Job) error {
	err := t.queryRow(ctx, `INSERT INTO jobs (kind, payload, run_at, max_attempts, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, j.Kind, j.Payload, j.RunAt, j.MaxAttempts, j.CreatedAt).Scan(&j.ID)
	if err != nil {
		return fmt.Errorf("store: unable to enqueue job: %w", err)
	}
	return nil
}

// ClaimJobs takes up to limit jobs that are due at now and not leased,
// leases them until leaseUntil and counts the attempt. On PostgreSQL the
// rows are picked with FOR UPDATE SKIP LOCKED, so replicas never claim the
// same job; a worker that dies leaves its lease to run out, and the job is
// claimed again.
func (t *Tx) ClaimJobs(ctx context.Context, now, leaseUntil int64, limit int) ([]*Job, error) {
	q := `SELECT ` + jobColumns + ` FROM jobs WHERE done_at = 0 AND failed_at = 0 AND run_at <= $1 AND locked_until <= $1
		ORDER BY run_at, id LIMIT $2`
	if t.engine == Postgres {
		q += ` FOR UPDATE SKIP LOCKED`
	}
	rows, err := t.query(ctx, q, now, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to claim jobs: %w", err)
	}
	var out []*Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: unable to claim jobs: %w", err)
		}
		out = append(out, j)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to claim jobs: %w", err)
	}
	for _, j := range out {
		j.Attempts++
		j.LockedUntil = leaseUntil
		if _, err := t.exec(ctx, `UPDATE jobs SET attempts = $2, locked_until = $3 WHERE id = $1`,
			j.ID, j.Attempts, j.LockedUntil); err != nil {
			return nil, fmt.Errorf("store: unable to lease job: %w", err)
		}
	}
	return out, nil
}

// FinishJob records the outcome of one attempt at job id: done, retried
// at retryAt with the error kept, or failed for good (failed set).
func (t *Tx) FinishJob(ctx context.Context, id int64, now int64, errText string, retryAt int64, failed bool) error {
	var err error
	switch {
	case errText == "":
		_, err = t.exec(ctx, `UPDATE jobs SET done_at = $2, locked_until = 0, last_error = '' WHERE id = $1`, id, now)
	case failed:
		_, err = t.exec(ctx, `UPDATE jobs SET failed_at = $2, locked_until = 0, last_error = $3 WHERE id = $1`, id, now, errText)
	default:
		_, err = t.exec(ctx, `UPDATE jobs SET run_at = $2, locked_until = 0, last_error = $3 WHERE id = $1`, id, retryAt, errText)
	}
	if err != nil {
		return fmt.Errorf("store: unable to finish job: %w", err)
	}
	return nil
}

// JobByID returns job id, or ErrNotFound.
func (t *Tx) JobByID(ctx context.Context, id int64) (*Job, error) {
	j, err := scanJob(t.queryRow(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, "job")
	}
	return j, nil
}

// PurgeDoneJobs deletes jobs finished before before, so the queue does
// not grow without bound; failed jobs are kept for an operator to see.
func (t *Tx) PurgeDoneJobs(ctx context.Context, before int64) (int64, error) {
	res, err := t.exec(ctx, `DELETE FROM jobs WHERE done_at <> 0 AND done_at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("store: unable to purge jobs: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// JobCounts returns how many jobs are pending and how many failed for good.
func (t *Tx) JobCounts(ctx context.Context) (pending, failed int, err error) {
	err = t.queryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN done_at = 0 AND failed_at = 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN failed_at <> 0 THEN 1 ELSE 0 END), 0) FROM jobs`).Scan(&pending, &failed)
	if err != nil {
		return 0, 0, fmt.Errorf("store: unable to count jobs: %w", err)
	}
	return pending, failed, nil
}

// Schedule is a periodic task's bookkeeping.
type Schedule struct {
	Name        string
	NextRunAt   int64
	LockedUntil int64
	LastRunAt   int64
	LastError   string
}

// ClaimSchedule leases periodic task name until leaseUntil if it is due at
// now and not leased by another worker, creating its row on first use
// (due at once). It reports whether this caller holds the lease.
func (t *Tx) ClaimSchedule(ctx context.Context, name string, now, leaseUntil int64) (bool, error) {
	if _, err := t.exec(ctx, `INSERT INTO job_schedules (name, next_run_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
		name, now); err != nil {
		return false, fmt.Errorf("store: unable to create schedule: %w", err)
	}
	res, err := t.exec(ctx, `UPDATE job_schedules SET locked_until = $3 WHERE name = $1 AND next_run_at <= $2 AND locked_until <= $2`,
		name, now, leaseUntil)
	if err != nil {
		return false, fmt.Errorf("store: unable to claim schedule: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// FinishSchedule releases periodic task name's lease and sets its next run.
func (t *Tx) FinishSchedule(ctx context.Context, name string, ranAt, nextRunAt int64, errText string) error {
	_, err := t.exec(ctx, `UPDATE job_schedules SET locked_until = 0, last_run_at = $2, next_run_at = $3, last_error = $4
		WHERE name = $1`, name, ranAt, nextRunAt, errText)
	if err != nil {
		return fmt.Errorf("store: unable to finish schedule: %w", err)
	}
	return nil
}

// ScheduleByName returns periodic task name's bookkeeping, or ErrNotFound.
func (t *Tx) ScheduleByName(ctx context.Context, name string) (*Schedule, error) {
	var s Schedule
	err := t.queryRow(ctx, `SELECT name, next_run_at, locked_until, last_run_at, last_error FROM job_schedules WHERE name = $1`,
		name).Scan(&s.Name, &s.NextRunAt, &s.LockedUntil, &s.LastRunAt, &s.LastError)
	if err != nil {
		return nil, notFound(err, "schedule")
	}
	return &s, nil
}
