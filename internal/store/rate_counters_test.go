// SPDX-License-Identifier: AGPL-3.0-or-later

package store_test

import (
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

func TestCountRate(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		const window, limit = int64(3_600_000), 3
		count := func(key string, start int64) bool {
			t.Helper()
			var ok bool
			write(t, s, func(tx *store.Tx) (err error) {
				ok, err = tx.CountRate(ctx, key, start, limit)
				return err
			})
			return ok
		}
		var got []bool
		for range limit + 2 {
			got = append(got, count("a", now))
		}
		if diff := cmp.Diff([]bool{true, true, true, false, false}, got); diff != "" {
			t.Errorf("attempts in one window (-want +got):\n%s", diff)
		}
		if !count("b", now) {
			t.Error("another key shares the first one's count")
		}
		if !count("a", now+window) {
			t.Error("the next window starts with the previous one's count")
		}

		// Concurrent attempts, as from several replicas, count exactly.
		var mu sync.Mutex
		accepted := 0
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() {
				var ok bool
				if err := s.Write(ctx, func(tx *store.Tx) (err error) {
					ok, err = tx.CountRate(ctx, "c", now, limit)
					return err
				}); err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					accepted++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if accepted != limit {
			t.Errorf("concurrent attempts: %d accepted, want %d", accepted, limit)
		}

		var purged int64
		write(t, s, func(tx *store.Tx) (err error) {
			purged, err = tx.PurgeRateCounters(ctx, now+window)
			return err
		})
		if purged != 3 {
			t.Errorf("purged %d windows, want 3 (a, b and c of the first window)", purged)
		}
		// "a" holds one attempt in the current window, which the purge kept.
		if got := []bool{count("a", now+window), count("a", now+window), count("a", now+window)}; !cmp.Equal(got, []bool{true, true, false}) {
			t.Errorf("after the purge, attempts in the current window = %v, want [true true false]", got)
		}
	})
}
