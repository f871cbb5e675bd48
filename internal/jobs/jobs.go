// SPDX-License-Identifier: AGPL-3.0-or-later

// Package jobs is Embargo's background work: a durable queue in the same
// database as everything else, and periodic tasks (the deadline scan, mail
// delivery, expiries).
//
// A job is enqueued inside the transaction of the change that causes it,
// so it exists exactly when the change does. A worker leases due jobs,
// runs their handler outside any transaction, and records the outcome;
// a failed attempt is retried with exponential backoff up to the job's
// limit and then kept, failed, with its last error. A worker that dies
// mid-job leaves only a lease, which runs out, and the job runs again:
// handlers must be idempotent.
//
// Periodic tasks are leased the same way through job_schedules, so that of
// several replicas on one PostgreSQL database only one runs a task at a
// time. Every decision reads the injected clock; RunDue does one pass, so
// tests drive the whole system with a fake clock.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"embargo/internal/clock"
	"embargo/internal/store"
)

// Handler runs one job with its JSON payload. An error schedules a retry.
type Handler func(ctx context.Context, payload []byte) error

// Task is a periodic task's body.
type Task func(ctx context.Context) error

// Defaults for the queue.
const (
	DefaultMaxAttempts = 8
	// Lease is how long a worker holds a job or periodic task before
	// another may take it; handlers must finish well within it.
	Lease      = 5 * time.Minute
	batchSize  = 20
	maxBackoff = 6 * time.Hour
	// keepDone is how long finished jobs stay visible before they are purged.
	keepDone = 7 * 24 * time.Hour
)

// ErrUnknownKind is returned when a job of a kind nobody handles is enqueued.
var ErrUnknownKind = errors.New("jobs: unknown kind")

type periodic struct {
	name     string
	interval time.Duration
	task     Task
}

// Runner holds the handlers and periodic tasks and runs them.
type Runner struct {
	Store *store.Store
	Clock clock.Clock
	Log   *slog.Logger

	mu       sync.Mutex
	handlers map[string]Handler
	tasks    []periodic
}

// New returns a runner over s.
func New(s *store.Store, clk clock.Clock, log *slog.Logger) *Runner {
	return &Runner{Store: s, Clock: clk, Log: log, handlers: map[string]Handler{}}
}

// Handle registers the handler for jobs of kind.
func (r *Runner) Handle(kind string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handlers[kind] = h
}

// Every registers a periodic task run about every interval, on one
// replica at a time.
func (r *Runner) Every(name string, interval time.Duration, task Task) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tasks = append(r.tasks, periodic{name: name, interval: interval, task: task})
	sort.Slice(r.tasks, func(i, j int) bool { return r.tasks[i].name < r.tasks[j].name })
}

// Enqueue adds a job of kind with payload (encoded as JSON) to run at
// runAt, inside tx. kind must have a handler registered on the runner.
func (r *Runner) Enqueue(ctx context.Context, tx *store.Tx, kind string, payload any, runAt time.Time) (int64, error) {
	r.mu.Lock()
	_, ok := r.handlers[kind]
	r.mu.Unlock()
	if !ok {
		return 0, fmt.Errorf("%w %q", ErrUnknownKind, kind)
	}
	return Enqueue(ctx, tx, r.Clock, kind, payload, runAt)
}

// Enqueue adds a job inside tx without checking that its kind has a
// handler, for domain packages that do not hold the runner.
func Enqueue(ctx context.Context, tx *store.Tx, clk clock.Clock, kind string, payload any, runAt time.Time) (int64, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return 0, fmt.Errorf("jobs: encode %s payload: %w", kind, err)
	}
	j := &store.Job{Kind: kind, Payload: string(body), RunAt: clock.Millis(runAt), MaxAttempts: DefaultMaxAttempts,
		CreatedAt: clock.Millis(clk.Now())}
	if err := tx.EnqueueJob(ctx, j); err != nil {
		return 0, err
	}
	return j.ID, nil
}

// Backoff is the wait before retry number attempt (1-based): 30 s,
// doubling, at most six hours.
func Backoff(attempt int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempt && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// RunDue runs, once, every periodic task that is due and every job that
// is due, and returns how many jobs it ran. Errors of single jobs and
// tasks are recorded and logged, not returned; only a failing database is.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	r.mu.Lock()
	tasks := append([]periodic(nil), r.tasks...)
	r.mu.Unlock()
	for _, t := range tasks {
		if err := r.runTask(ctx, t); err != nil {
			return 0, err
		}
	}
	ran := 0
	for {
		n, err := r.runJobs(ctx)
		ran += n
		if err != nil || n < batchSize {
			return ran, err
		}
	}
}

func (r *Runner) runTask(ctx context.Context, t periodic) error {
	now := r.Clock.Now()
	var mine bool
	err := r.Store.Write(ctx, func(tx *store.Tx) error {
		var err error
		mine, err = tx.ClaimSchedule(ctx, t.name, clock.Millis(now), clock.Millis(now.Add(Lease)))
		return err
	})
	if err != nil || !mine {
		return err
	}
	errText := ""
	if terr := safely(ctx, func(ctx context.Context) error { return t.task(ctx) }); terr != nil {
		errText = terr.Error()
		r.Log.Error("periodic task failed", "task", t.name, "err", terr)
	}
	done := r.Clock.Now()
	return r.Store.Write(ctx, func(tx *store.Tx) error {
		return tx.FinishSchedule(ctx, t.name, clock.Millis(done), clock.Millis(now.Add(t.interval)), errText)
	})
}

func (r *Runner) runJobs(ctx context.Context) (int, error) {
	now := r.Clock.Now()
	var claimed []*store.Job
	err := r.Store.Write(ctx, func(tx *store.Tx) error {
		var err error
		claimed, err = tx.ClaimJobs(ctx, clock.Millis(now), clock.Millis(now.Add(Lease)), batchSize)
		return err
	})
	if err != nil {
		return 0, err
	}
	for _, j := range claimed {
		r.mu.Lock()
		h, ok := r.handlers[j.Kind]
		r.mu.Unlock()
		var jerr error
		if !ok {
			jerr = fmt.Errorf("%w %q", ErrUnknownKind, j.Kind)
		} else {
			jerr = safely(ctx, func(ctx context.Context) error { return h(ctx, []byte(j.Payload)) })
		}
		end := r.Clock.Now()
		errText, failed, retryAt := "", false, int64(0)
		if jerr != nil {
			errText = jerr.Error()
			failed = j.Attempts >= j.MaxAttempts
			retryAt = clock.Millis(end.Add(Backoff(j.Attempts)))
			r.Log.Warn("job failed", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "final", failed, "err", jerr)
		}
		if err := r.Store.Write(ctx, func(tx *store.Tx) error {
			return tx.FinishJob(ctx, j.ID, clock.Millis(end), errText, retryAt, failed)
		}); err != nil {
			return 0, err
		}
	}
	return len(claimed), nil
}

// safely runs fn, turning a panic into an error so that one bad job does
// not stop the worker.
func safely(ctx context.Context, fn func(context.Context) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return fn(ctx)
}

// Purge deletes jobs finished more than a week ago; a periodic task.
func (r *Runner) Purge(ctx context.Context) error {
	before := clock.Millis(r.Clock.Now().Add(-keepDone))
	return r.Store.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.PurgeDoneJobs(ctx, before)
		return err
	})
}

// Run calls RunDue every tick until ctx ends. A failing database is
// logged and tried again at the next tick.
func (r *Runner) Run(ctx context.Context, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		if _, err := r.RunDue(ctx); err != nil && ctx.Err() == nil {
			r.Log.Error("background jobs", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
