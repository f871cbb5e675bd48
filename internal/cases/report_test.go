// SPDX-License-Identifier: AGPL-3.0-or-later

package cases_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestCreateWithRollsBackTogether: when what hangs off a new case fails
// to write, neither the case nor its audit event is left behind.
func TestCreateWithRollsBackTogether(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		p := &store.Project{Slug: "acme", Name: "Acme", Settings: "{}", CreatedAt: 1, UpdatedAt: 1}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateProject(ctx, p) }); err != nil {
			t.Fatal(err)
		}
		count := func() int64 {
			info, err := s.Backup(ctx, io.Discard, 1)
			if err != nil {
				t.Fatal(err)
			}
			return info.Rows
		}
		before := count()
		svc := &cases.Service{Store: s, Clock: clk}
		title := "T"
		boom := errors.New("boom")
		_, err := svc.CreateWith(ctx, &authz.Actor{Via: "reporter"}, p, cases.Input{Title: &title}, "report.create", nil,
			func(tx *store.Tx, c *store.Case) error {
				if c.ID == 0 {
					t.Error("the case is not written yet")
				}
				return boom
			})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		if after := count(); after != before {
			t.Errorf("a failed create left %d rows", after-before)
		}
		c, err := svc.CreateWith(ctx, &authz.Actor{Via: "reporter"}, p, cases.Input{Title: &title}, "report.create",
			map[string]any{"reference": "RPT-1"}, nil)
		if err != nil || c.Key != "ACME-1" {
			t.Fatalf("create after a failure: %v %v", c, err)
		}
	})
}
