// SPDX-License-Identifier: AGPL-3.0-or-later

package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"embargo/internal/clock"
	"embargo/internal/jobs"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func enqueue(t *testing.T, r *jobs.Runner, kind string, payload any, at time.Time) int64 {
	t.Helper()
	var id int64
	err := r.Store.Write(context.Background(), func(tx *store.Tx) error {
		var err error
		id, err = r.Enqueue(context.Background(), tx, kind, payload, at)
		return err
	})
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return id
}

func job(t *testing.T, s *store.Store, id int64) *store.Job {
	t.Helper()
	var j *store.Job
	if err := s.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		j, err = tx.JobByID(context.Background(), id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return j
}

func runDue(t *testing.T, r *jobs.Runner) int {
	t.Helper()
	n, err := r.RunDue(context.Background())
	if err != nil {
		t.Fatalf("RunDue: %v", err)
	}
	return n
}

func TestJobRunsWhenDueWithItsPayload(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		r := jobs.New(s, clk, quiet)
		var got []string
		r.Handle("greet", func(ctx context.Context, payload []byte) error {
			got = append(got, string(payload))
			return nil
		})
		id := enqueue(t, r, "greet", map[string]string{"to": "ann"}, clk.Now().Add(time.Hour))
		if n := runDue(t, r); n != 0 || len(got) != 0 {
			t.Fatalf("a job due in an hour ran now (%d runs)", n)
		}
		clk.Advance(time.Hour)
		if n := runDue(t, r); n != 1 {
			t.Fatalf("ran %d jobs, want 1", n)
		}
		if len(got) != 1 || got[0] != `{"to":"ann"}` {
			t.Fatalf("payloads = %q", got)
		}
		if j := job(t, s, id); j.DoneAt == 0 || j.Attempts != 1 {
			t.Fatalf("job after run: %+v", j)
		}
		if n := runDue(t, r); n != 0 || len(got) != 1 {
			t.Fatal("a done job ran again")
		}
	})
}

func TestFailedJobRetriesWithBackoffThenFails(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		r := jobs.New(s, clk, quiet)
		var calls int
		r.Handle("flaky", func(context.Context, []byte) error {
			calls++
			return errors.New("smtp: connection refused")
		})
		id := enqueue(t, r, "flaky", nil, clk.Now())
		for attempt := 1; attempt <= jobs.DefaultMaxAttempts; attempt++ {
			if n := runDue(t, r); n != 1 {
				t.Fatalf("attempt %d: ran %d jobs", attempt, n)
			}
			j := job(t, s, id)
			if j.LastError != "smtp: connection refused" || j.Attempts != attempt {
				t.Fatalf("attempt %d: %+v", attempt, j)
			}
			if attempt == jobs.DefaultMaxAttempts {
				if j.FailedAt == 0 {
					t.Fatalf("job not failed after %d attempts", attempt)
				}
				break
			}
			wait := jobs.Backoff(attempt)
			if got := time.Duration(j.RunAt-clock.Millis(clk.Now())) * time.Millisecond; got != wait {
				t.Fatalf("attempt %d: retry in %v, want %v", attempt, got, wait)
			}
			clk.Advance(wait - time.Second)
			if n := runDue(t, r); n != 0 {
				t.Fatalf("attempt %d: retried before its backoff", attempt)
			}
			clk.Advance(time.Second)
		}
		clk.Advance(24 * time.Hour)
		if n := runDue(t, r); n != 0 || calls != jobs.DefaultMaxAttempts {
			t.Fatalf("a failed job ran again (%d calls)", calls)
		}
	})
}

func TestBackoffDoublesAndIsCapped(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		attempt int
		want    time.Duration
	}{{1, 30 * time.Second}, {2, time.Minute}, {3, 2 * time.Minute}, {10, 512 * 30 * time.Second}, {11, 6 * time.Hour}, {40, 6 * time.Hour}} {
		if got := jobs.Backoff(tc.attempt); got != tc.want {
			t.Errorf("Backoff(%d) = %v, want %v", tc.attempt, got, tc.want)
		}
	}
}

func TestPanickingJobIsRecordedNotFatal(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		r := jobs.New(s, clk, quiet)
		r.Handle("boom", func(context.Context, []byte) error { panic("nil map") })
		id := enqueue(t, r, "boom", nil, clk.Now())
		runDue(t, r)
		if j := job(t, s, id); j.LastError != "panic: nil map" || j.DoneAt != 0 {
			t.Fatalf("job = %+v", j)
		}
	})
}

func TestEnqueueRefusesUnknownKind(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		r := jobs.New(s, clock.NewFake(time.Now()), quiet)
		err := s.Write(context.Background(), func(tx *store.Tx) error {
			_, err := r.Enqueue(context.Background(), tx, "nobody", nil, time.Now())
			return err
		})
		if !errors.Is(err, jobs.ErrUnknownKind) {
			t.Fatalf("err = %v, want ErrUnknownKind", err)
		}
	})
}

func TestLeasedJobIsNotTakenUntilTheLeaseEnds(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		r := jobs.New(s, clk, quiet)
		var calls int
		r.Handle("work", func(context.Context, []byte) error { calls++; return nil })
		id := enqueue(t, r, "work", nil, clk.Now())
		// A worker claims the job and dies before finishing it.
		if err := s.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.ClaimJobs(ctx, clock.Millis(clk.Now()), clock.Millis(clk.Now().Add(jobs.Lease)), 10)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if n := runDue(t, r); n != 0 {
			t.Fatal("a leased job was taken by another worker")
		}
		clk.Advance(jobs.Lease)
		if n := runDue(t, r); n != 1 || calls != 1 {
			t.Fatalf("the job was not run after its lease ran out (%d, %d calls)", n, calls)
		}
		if j := job(t, s, id); j.Attempts != 2 || j.DoneAt == 0 {
			t.Fatalf("job = %+v", j)
		}
	})
}

func TestPeriodicTaskRunsOncePerIntervalAcrossReplicas(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		var runs atomic.Int32
		replicas := []*jobs.Runner{jobs.New(s, clk, quiet), jobs.New(s, clk, quiet)}
		for _, r := range replicas {
			r.Every("scan", time.Minute, func(context.Context) error { runs.Add(1); return nil })
		}
		for _, r := range replicas {
			runDue(t, r)
		}
		if runs.Load() != 1 {
			t.Fatalf("first pass: %d runs, want 1", runs.Load())
		}
		clk.Advance(59 * time.Second)
		for _, r := range replicas {
			runDue(t, r)
		}
		if runs.Load() != 1 {
			t.Fatalf("ran again before its interval: %d runs", runs.Load())
		}
		clk.Advance(time.Second)
		for _, r := range replicas {
			runDue(t, r)
		}
		if runs.Load() != 2 {
			t.Fatalf("after the interval: %d runs, want 2", runs.Load())
		}
	})
}

func TestFailingPeriodicTaskKeepsItsError(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		r := jobs.New(s, clk, quiet)
		r.Every("scan", time.Minute, func(context.Context) error { return errors.New("disk full") })
		runDue(t, r)
		var sc *store.Schedule
		if err := s.Read(context.Background(), func(tx *store.Tx) error {
			var err error
			sc, err = tx.ScheduleByName(context.Background(), "scan")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if sc.LastError != "disk full" || sc.LockedUntil != 0 || sc.NextRunAt != clock.Millis(clk.Now().Add(time.Minute)) {
			t.Fatalf("schedule = %+v", sc)
		}
	})
}
