// SPDX-License-Identifier: AGPL-3.0-or-later

package authz

import (
	"container/list"
	"fmt"
	"sync"
	"time"
)

// DefaultMaxKeys is the number of keys a Limiter tracks before it evicts
// the least recently active one. At a few hundred bytes per key this
// bounds a Limiter to tens of megabytes whatever the traffic.
const DefaultMaxKeys = 100_000

// Limiter limits attempts per key (an e-mail address, a client IP) to
// limit within any sliding window of the given length. It keeps the
// times of each key's recent attempts in memory, so limits reset when
// the process restarts, an acceptable trade for a self-hosted instance.
//
// When more than MaxKeys keys are active, the least recently active key
// is forgotten, which lets it start afresh: memory stays bounded at the
// price of failing open for keys an attacker floods out. Callers should
// therefore limit by client address as well as by account.
//
// A Limiter is safe for concurrent use.
type Limiter struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu      sync.Mutex
	maxKeys int
	keys    map[string]*list.Element // of *entry
	// order holds entries from most (front) to least (back) recently
	// recorded attempt, so expired and evictable keys sit at the back.
	order *list.List
}

type entry struct {
	key string
	// attempts are the recorded attempt times, oldest first, at most
	// limit of them and all within the window as of the last access.
	attempts []time.Time
}

// NewLimiter returns a Limiter allowing limit attempts per key in any
// window. now supplies the time (time.Now if nil); tests pass a fake
// clock. It panics if limit < 1 or window <= 0.
func NewLimiter(limit int, window time.Duration, now func() time.Time) *Limiter {
	if limit < 1 || window <= 0 {
		panic(fmt.Sprintf("authz: NewLimiter(%d, %v): limit and window must be positive", limit, window))
	}
	if now == nil {
		now = time.Now
	}
	return &Limiter{
		limit:   limit,
		window:  window,
		now:     now,
		maxKeys: DefaultMaxKeys,
		keys:    make(map[string]*list.Element),
		order:   list.New(),
	}
}

// Allow records an attempt for key and reports whether it is within the
// limit. Refused attempts are not recorded, so a client that keeps
// trying is let in again once its oldest allowed attempt leaves the
// window rather than being locked out indefinitely.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()

	now := l.now()
	cutoff := now.Add(-l.window)
	l.expire(cutoff)

	el, ok := l.keys[key]
	if !ok {
		for len(l.keys) >= l.maxKeys {
			l.remove(l.order.Back())
		}
		el = l.order.PushFront(&entry{key: key, attempts: make([]time.Time, 0, min(l.limit, 8))})
		l.keys[key] = el
	}
	e := el.Value.(*entry)
	e.attempts = dropBefore(e.attempts, cutoff)
	if len(e.attempts) >= l.limit {
		return false
	}
	e.attempts = append(e.attempts, now)
	l.order.MoveToFront(el)
	return true
}

// Reset forgets key's attempts, typically after a successful login so
// that earlier typos do not count against the next session.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.keys[key]; ok {
		l.remove(el)
	}
}

// Len returns the number of keys currently tracked.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// expire removes keys whose newest attempt is before cutoff. Since order
// is sorted by newest attempt, they are all at the back, and the work is
// proportional to what is removed.
func (l *Limiter) expire(cutoff time.Time) {
	for el := l.order.Back(); el != nil; el = l.order.Back() {
		e := el.Value.(*entry)
		if len(e.attempts) > 0 && !e.attempts[len(e.attempts)-1].Before(cutoff) {
			return
		}
		l.remove(el)
	}
}

func (l *Limiter) remove(el *list.Element) {
	e := l.order.Remove(el).(*entry)
	delete(l.keys, e.key)
}

// dropBefore removes the attempts before cutoff, reusing the slice.
func dropBefore(ts []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(ts) && ts[i].Before(cutoff) {
		i++
	}
	if i == 0 {
		return ts
	}
	return append(ts[:0], ts[i:]...)
}
