// SPDX-License-Identifier: AGPL-3.0-or-later

package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestGroupedWrites runs many concurrent writes marked for group commit,
// some of which fail or panic after writing: each failed write leaves
// nothing behind, every successful one is committed, and case numbers,
// reserved inside the shared transactions, stay unique and gapless.
func TestGroupedWrites(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		p := mkProject(t, s, "acme")
		const n = 200
		errBad := errors.New("refused")
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				gctx := store.WithGroupCommit(context.Background())
				errs[i] = s.Write(gctx, func(tx *store.Tx) error {
					c := &store.Case{Title: fmt.Sprintf("case %d", i)}
					if err := createCase(tx, p, c); err != nil {
						return err
					}
					switch i % 10 {
					case 3:
						return errBad // after writing: the savepoint undoes it
					case 7:
						panic("boom")
					}
					return nil
				})
			}()
		}
		wg.Wait()
		ok := 0
		for i, err := range errs {
			switch i % 10 {
			case 3:
				if !errors.Is(err, errBad) {
					t.Errorf("write %d: %v, want its own error", i, err)
				}
			case 7:
				if err == nil {
					t.Errorf("write %d panicked and succeeded", i)
				}
			default:
				if err != nil {
					t.Errorf("write %d: %v", i, err)
				}
				ok++
			}
		}
		var cs []*store.Case
		read(t, s, func(tx *store.Tx) error {
			for more := true; more; {
				page, m, err := tx.ListCases(ctx, store.CaseFilter{ProjectID: p.ID, Limit: 50, Offset: len(cs)})
				if err != nil {
					return err
				}
				cs, more = append(cs, page...), m
			}
			return nil
		})
		if len(cs) != ok {
			t.Fatalf("%d cases stored, want the %d successful writes", len(cs), ok)
		}
		seen := map[int64]bool{}
		for _, c := range cs {
			if seen[c.Number] || c.Number < 1 || c.Number > int64(ok) {
				t.Errorf("case number %d repeated or out of 1..%d", c.Number, ok)
			}
			seen[c.Number] = true
		}
		// A plain write after the grouped ones still works.
		mkCase(t, s, p, &store.Case{Title: "after"})
	})
}

// TestCancelledWriteChangesNothing checks that a write whose context is
// already cancelled does not run.
func TestCancelledWriteChangesNothing(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		cctx, cancel := context.WithCancel(context.Background())
		cancel()
		ran := false
		for _, c := range []context.Context{cctx, store.WithGroupCommit(cctx)} {
			err := s.Write(c, func(tx *store.Tx) error { ran = true; return nil })
			if !errors.Is(err, context.Canceled) || ran {
				t.Errorf("cancelled write: %v, ran %v", err, ran)
			}
		}
	})
}
