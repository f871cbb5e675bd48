// SPDX-License-Identifier: AGPL-3.0-or-later

package metrics

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMonthEncodingRoundTrips(t *testing.T) {
	for _, d := range []*monthData{
		{durations: [][]int64{nil, nil, nil, nil}, outcomes: map[string][2]int{}},
		{durations: [][]int64{{0, 5, 5, 3_600_000}, {1}, nil, {86_400_000 * 400}},
			outcomes: map[string][2]int{"acknowledge": {3, 1}, "fix": {0, 7}}},
	} {
		got, err := decodeMonth(d.encode())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(d, got, cmp.AllowUnexported(monthData{}), cmp.Transformer("nil", func(s []int64) []int64 {
			if len(s) == 0 {
				return nil
			}
			return s
		})); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
	for _, bad := range [][]byte{nil, {0}, {2}, {monthFormat}, {monthFormat, 200}, append((&monthData{durations: make([][]int64, 4)}).encode(), 0)} {
		if _, err := decodeMonth(bad); err == nil {
			t.Errorf("decodeMonth(%v) accepted", bad)
		}
	}
}

// A kept month comes from the database; a damaged one must be refused,
// never crash the page.
func FuzzDecodeMonth(f *testing.F) {
	f.Add((&monthData{durations: [][]int64{{1, 2}, nil, {3}, nil}, outcomes: map[string][2]int{"fix": {1, 2}}}).encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := decodeMonth(b)
		if err != nil {
			return
		}
		if _, err := decodeMonth(d.encode()); err != nil {
			t.Fatalf("re-encoded month refused: %v", err)
		}
	})
}

func TestStatOfAllIsTheStatOfTheWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 200 {
		var lists [][]int64
		var all []int64
		for range rng.IntN(6) {
			l := make([]int64, rng.IntN(20))
			for i := range l {
				l[i] = rng.Int64N(50) - 5 // repeats, and negative values
			}
			slices.Sort(l)
			lists = append(lists, l)
			all = append(all, l...)
		}
		slices.Sort(all)
		if got, want := statOfAll(lists), statOf(all); got != want {
			t.Fatalf("statOfAll(%v) = %+v, want %+v", lists, got, want)
		}
	}
}
