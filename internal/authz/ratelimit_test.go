// SPDX-License-Identifier: AGPL-3.0-or-later

package authz

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a settable time source.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestLimiterSequences(t *testing.T) {
	// Each step advances the clock by wait, then calls Allow(key) or,
	// if reset is set, Reset(key), and expects want from Allow.
	type step struct {
		wait  time.Duration
		key   string
		reset bool
		want  bool
	}
	tests := []struct {
		name  string
		limit int
		steps []step
	}{
		{
			name:  "limit reached",
			limit: 3,
			steps: []step{
				{key: "a", want: true},
				{key: "a", want: true},
				{key: "a", want: true},
				{key: "a", want: false},
				{key: "a", want: false},
			},
		},
		{
			name:  "keys are independent",
			limit: 1,
			steps: []step{
				{key: "a", want: true},
				{key: "a", want: false},
				{key: "b", want: true},
				{key: "b", want: false},
			},
		},
		{
			name:  "window slides",
			limit: 2,
			steps: []step{
				{key: "a", want: true},                         // t=0
				{wait: 30 * time.Second, key: "a", want: true}, // t=30s
				{wait: 29 * time.Second, key: "a", want: false},
				// At t=60s the first attempt is exactly one window old and
				// still counts; just after, it has left.
				{wait: time.Second, key: "a", want: false},
				{wait: time.Nanosecond, key: "a", want: true},
				{key: "a", want: false},
				{wait: 30 * time.Second, key: "a", want: true},
			},
		},
		{
			name:  "refused attempts do not extend the lockout",
			limit: 1,
			steps: []step{
				{key: "a", want: true},
				{wait: 50 * time.Second, key: "a", want: false},
				{wait: 10*time.Second + time.Nanosecond, key: "a", want: true},
			},
		},
		{
			name:  "reset",
			limit: 2,
			steps: []step{
				{key: "a", want: true},
				{key: "a", want: true},
				{key: "a", want: false},
				{key: "a", reset: true},
				{key: "a", want: true},
				{key: "unknown", reset: true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			l := NewLimiter(tt.limit, time.Minute, clock.Now)
			for i, s := range tt.steps {
				clock.Advance(s.wait)
				if s.reset {
					l.Reset(s.key)
					continue
				}
				if got := l.Allow(s.key); got != s.want {
					t.Fatalf("step %d: Allow(%q) = %v, want %v", i, s.key, got, s.want)
				}
			}
		})
	}
}

func TestLimiterExpiresIdleKeys(t *testing.T) {
	clock := newFakeClock()
	l := NewLimiter(5, time.Minute, clock.Now)
	for i := range 100 {
		l.Allow(fmt.Sprint("old", i))
	}
	clock.Advance(30 * time.Second)
	l.Allow("recent")
	if got := l.Len(); got != 101 {
		t.Fatalf("Len() = %d, want 101", got)
	}
	clock.Advance(31 * time.Second)
	l.Allow("new")
	if got := l.Len(); got != 2 {
		t.Errorf("Len() after the old keys' window = %d, want 2 (recent, new)", got)
	}
}

func TestLimiterCapsKeys(t *testing.T) {
	clock := newFakeClock()
	l := NewLimiter(1, time.Hour, clock.Now)
	l.maxKeys = 3
	for _, k := range []string{"a", "b", "c"} {
		l.Allow(k)
		clock.Advance(time.Second)
	}
	// "a" is refused, which must not make it any more recent than "b".
	if l.Allow("a") {
		t.Fatal("Allow(a) twice within the window")
	}
	l.Allow("d")
	if got := l.Len(); got != 3 {
		t.Fatalf("Len() = %d, want the cap 3", got)
	}
	// The least recently recorded key, "a", was forgotten and starts
	// afresh; "b", "c" and "d" are still limited.
	if !l.Allow("a") {
		t.Error("evicted key a is still limited")
	}
	if l.Allow("c") || l.Allow("d") {
		t.Error("a key that should have been kept was forgotten")
	}
	if got := l.Len(); got != 3 {
		t.Errorf("Len() = %d, want the cap 3", got)
	}
}

func TestLimiterConcurrent(t *testing.T) {
	const limit, workers, tries = 10, 8, 50
	l := NewLimiter(limit, time.Hour, nil)
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range tries {
				if l.Allow("shared") {
					allowed.Add(1)
				}
				l.Allow(fmt.Sprint("own", w, i%3))
			}
		})
	}
	wg.Wait()
	if got := allowed.Load(); got != limit {
		t.Errorf("%d attempts allowed on the shared key, want exactly %d", got, limit)
	}
}

func TestNewLimiterPanics(t *testing.T) {
	tests := []struct {
		name   string
		limit  int
		window time.Duration
	}{
		{"zero limit", 0, time.Minute},
		{"zero window", 1, 0},
		{"negative window", 1, -time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("NewLimiter(%d, %v) did not panic", tt.limit, tt.window)
				}
			}()
			NewLimiter(tt.limit, tt.window, nil)
		})
	}
}
