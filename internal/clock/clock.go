// SPDX-License-Identifier: AGPL-3.0-or-later

// Package clock is the one source of time for domain code, so tests can
// drive deadlines and expiries with a fake clock.
package clock

import (
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// Real is the system clock.
type Real struct{}

// Now returns the current time in UTC.
func (Real) Now() time.Time { return time.Now().UTC() }

// Fake is a clock that moves only when told. It is safe for concurrent use.
type Fake struct {
	mu  sync.Mutex
	now time.Time
}

// NewFake returns a fake clock set to t.
func NewFake(t time.Time) *Fake { return &Fake{now: t.UTC()} }

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Advance moves the clock forward by d.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// Millis returns t as UTC Unix milliseconds, the form the store keeps.
func Millis(t time.Time) int64 { return t.UnixMilli() }

// FromMillis turns stored milliseconds back into a UTC time; 0 is the zero time.
func FromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// AddBusinessDays returns t plus n business days (Monday to Friday) in
// loc, at the same local time of day. A time on a weekend is counted from
// the next working day, and "the same local time" holds across daylight
// saving changes. Public holidays are not known and count as business days.
func AddBusinessDays(t time.Time, n int, loc *time.Location) time.Time {
	d := t.In(loc)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d
}
