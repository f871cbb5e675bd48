// SPDX-License-Identifier: AGPL-3.0-or-later

package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

func TestReportBlocks(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		acme, other := mkProject(t, s, "acme"), mkProject(t, s, "other")
		ann := mkUser(t, s, "ann@example.org", "Ann")
		c := mkCase(t, s, acme, &store.Case{Title: "spam", Severity: "unknown", State: "rejected", Resolution: "spam"})
		const fp = "0123456789ABCDEF0123456789ABCDEF01234567"
		byAddress := &store.ReportBlock{ProjectID: acme.ID, Kind: store.BlockAddress, Value: "192.0.2.1", CaseID: c.ID, CreatedBy: ann.ID, CreatedAt: 10}
		byKey := &store.ReportBlock{ProjectID: acme.ID, Kind: store.BlockKey, Value: fp, CreatedAt: 20}
		write(t, s, func(tx *store.Tx) error {
			if err := tx.SetReportAddress(ctx, c.ID, "192.0.2.1"); err != nil {
				return err
			}
			for _, b := range []*store.ReportBlock{byAddress, byKey} {
				if err := tx.CreateReportBlock(ctx, b); err != nil {
					return err
				}
			}
			return nil
		})
		err := s.Write(ctx, func(tx *store.Tx) error {
			return tx.CreateReportBlock(ctx, &store.ReportBlock{ProjectID: acme.ID, Kind: store.BlockAddress, Value: "192.0.2.1", CreatedAt: 30})
		})
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate block: %v, want ErrConflict", err)
		}

		tests := []struct {
			name                 string
			project              int64
			address, fingerprint string
			want                 bool
		}{
			{"blocked address", acme.ID, "192.0.2.1", "", true},
			{"blocked key", acme.ID, "198.51.100.1", fp, true},
			{"neither", acme.ID, "198.51.100.1", "FFFF", false},
			{"nothing given", acme.ID, "", "", false},
			{"a key value is no address", acme.ID, fp, "", false},
			{"another project", other.ID, "192.0.2.1", fp, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got bool
				err := s.Read(ctx, func(tx *store.Tx) error {
					var err error
					got, err = tx.ReportBlocked(ctx, tt.project, tt.address, tt.fingerprint)
					return err
				})
				if err != nil || got != tt.want {
					t.Errorf("ReportBlocked() = %v, %v; want %v", got, err, tt.want)
				}
			})
		}

		var list []*store.ReportBlock
		var address string
		err = s.Read(ctx, func(tx *store.Tx) error {
			var err error
			if list, err = tx.ListReportBlocks(ctx, acme.ID); err != nil {
				return err
			}
			address, err = tx.ReportAddress(ctx, c.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		byAddress.CaseKey = c.Key
		if diff := cmp.Diff([]*store.ReportBlock{byKey, byAddress}, list); diff != "" {
			t.Errorf("ListReportBlocks (-want +got):\n%s", diff)
		}
		if address != "192.0.2.1" {
			t.Errorf("ReportAddress = %q", address)
		}

		write(t, s, func(tx *store.Tx) error { return tx.DeleteReportBlock(ctx, acme.ID, byAddress.ID) })
		err = s.Write(ctx, func(tx *store.Tx) error { return tx.DeleteReportBlock(ctx, other.ID, byKey.ID) })
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleting another project's block: %v, want ErrNotFound", err)
		}
		err = s.Read(ctx, func(tx *store.Tx) error {
			_, err := tx.ReportBlockByID(ctx, acme.ID, byAddress.ID)
			return err
		})
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted block: %v, want ErrNotFound", err)
		}
	})
}
