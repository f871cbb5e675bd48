// SPDX-License-Identifier: AGPL-3.0-or-later

package metrics

import (
	"context"
	"encoding/binary"
	"errors"
	"slices"

	"embargo/internal/store"
)

// monthData is what one month contributes to a report: per measure (in
// Measures order) the sorted response times in milliseconds, and per
// deadline kind the deadlines due in the month that were kept or missed.
// A month that has ended is kept in this form (see encode), so that a
// view of three years reads 36 small rows instead of every case.
type monthData struct {
	durations [][]int64
	outcomes  map[string][2]int // kind → {met, missed}
}

// computeMonth reads the month [m.From, m.To) of project projectID; now
// decides which open deadlines are already missed.
func computeMonth(ctx context.Context, tx *store.Tx, projectID int64, m store.MonthSpan, now int64) (*monthData, error) {
	d := &monthData{durations: make([][]int64, len(Measures)), outcomes: map[string][2]int{}}
	for i, name := range Measures {
		reached, err := tx.MilestonesReached(ctx, projectID, name, m.From, m.To)
		if err != nil {
			return nil, err
		}
		ms := make([]int64, len(reached))
		for j, x := range reached {
			ms[j] = max(x.DurationMs, 0)
		}
		slices.Sort(ms)
		d.durations[i] = ms
	}
	outcomes, err := tx.DeadlineOutcomes(ctx, projectID, m.From, m.To, now)
	if err != nil {
		return nil, err
	}
	for _, o := range outcomes {
		d.outcomes[o.Kind] = [2]int{o.Met, o.Missed}
	}
	return d, nil
}

const monthFormat = 1 // the first byte of an encoded month

// encode packs the month: its format, then per measure the count and the
// gaps between its sorted times, then per deadline kind its name, met and
// missed, all as unsigned varints.
func (d *monthData) encode() []byte {
	b := []byte{monthFormat}
	for _, ms := range d.durations {
		b = binary.AppendUvarint(b, uint64(len(ms)))
		var prev int64
		for _, v := range ms {
			b = binary.AppendUvarint(b, uint64(v-prev))
			prev = v
		}
	}
	kinds := make([]string, 0, len(d.outcomes))
	for k := range d.outcomes {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	b = binary.AppendUvarint(b, uint64(len(kinds)))
	for _, k := range kinds {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(d.outcomes[k][0]))
		b = binary.AppendUvarint(b, uint64(d.outcomes[k][1]))
	}
	return b
}

var errBadMonth = errors.New("metrics: kept month is not in a known format")

// decodeMonth unpacks what encode packed. A kept month in another format
// (or damaged) is an error, and is computed again.
func decodeMonth(b []byte) (*monthData, error) {
	if len(b) == 0 || b[0] != monthFormat {
		return nil, errBadMonth
	}
	b = b[1:]
	next := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	// Each value takes at least one byte, which bounds every count.
	count := func() (int, bool) {
		v, ok := next()
		return int(v), ok && v <= uint64(len(b))
	}
	d := &monthData{durations: make([][]int64, len(Measures)), outcomes: map[string][2]int{}}
	for i := range Measures {
		n, ok := count()
		if !ok {
			return nil, errBadMonth
		}
		ms := make([]int64, n)
		var prev int64
		for j := range ms {
			gap, ok := next()
			if !ok || gap > 1<<62 {
				return nil, errBadMonth
			}
			prev += int64(gap)
			ms[j] = prev
		}
		d.durations[i] = ms
	}
	kinds, ok := count()
	if !ok {
		return nil, errBadMonth
	}
	for range kinds {
		n, ok := count()
		if !ok {
			return nil, errBadMonth
		}
		kind := string(b[:n])
		b = b[n:]
		met, ok1 := next()
		missed, ok2 := next()
		if !ok1 || !ok2 || met > 1<<31 || missed > 1<<31 {
			return nil, errBadMonth
		}
		d.outcomes[kind] = [2]int{int(met), int(missed)}
	}
	if len(b) != 0 {
		return nil, errBadMonth
	}
	return d, nil
}
