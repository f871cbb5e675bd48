// SPDX-License-Identifier: AGPL-3.0-or-later

package metrics

import (
	"testing"
	"time"
)

func TestPercentileIsNearestRank(t *testing.T) {
	ds := func(vs ...int) []time.Duration {
		out := make([]time.Duration, len(vs))
		for i, v := range vs {
			out[i] = time.Duration(v)
		}
		return out
	}
	for _, tc := range []struct {
		vals []time.Duration
		p    float64
		want time.Duration
	}{
		{nil, 50, 0},
		{ds(7), 50, 7},
		{ds(7), 90, 7},
		{ds(1, 2), 50, 1},
		{ds(1, 2, 3, 4), 50, 2},
		{ds(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9},
		{ds(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 90, 10},
		{ds(15, 20, 35, 40, 50), 50, 35},
	} {
		if got := Percentile(tc.vals, tc.p); got != tc.want {
			t.Errorf("Percentile(%v, %v) = %v, want %v", tc.vals, tc.p, got, tc.want)
		}
	}
}
