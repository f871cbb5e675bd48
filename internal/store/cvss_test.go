// SPDX-License-Identifier: AGPL-3.0-or-later

package store_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

func TestCVSSHistory(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		p := mkProject(t, s, "acme")
		ann := mkUser(t, s, "ann@example.org", "Ann")
		c1 := mkCase(t, s, p, &store.Case{Title: "one", Severity: "unknown", State: "new"})
		c2 := mkCase(t, s, p, &store.Case{Title: "two", Severity: "unknown", State: "new"})
		c3 := mkCase(t, s, p, &store.Case{Title: "three", Severity: "unknown", State: "new"})

		first := &store.CVSS{CaseID: c1.ID, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", Version: "3.1",
			Score: 75, Rating: "High", SetBy: ann.ID, SetAt: 1000}
		second := &store.CVSS{CaseID: c1.ID, Vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
			Version: "4.0", Score: 93, Rating: "Critical", SetBy: ann.ID, SetAt: 2000}
		other := &store.CVSS{CaseID: c2.ID, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", Version: "3.1",
			Rating: "None", SetAt: 3000}
		cleared := &store.CVSS{CaseID: c2.ID, SetBy: ann.ID, SetAt: 4000}
		write(t, s, func(tx *store.Tx) error {
			for _, v := range []*store.CVSS{first, second, other, cleared} {
				if err := tx.AddCVSS(ctx, v); err != nil {
					return err
				}
			}
			return nil
		})
		for _, v := range []*store.CVSS{first, second, cleared} {
			v.SetByName = "Ann"
		}

		read(t, s, func(tx *store.Tx) error {
			latest, err := tx.LatestCVSS(ctx, c1.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(second, latest); diff != "" {
				t.Errorf("LatestCVSS (-want +got):\n%s", diff)
			}
			if _, err := tx.LatestCVSS(ctx, c3.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("LatestCVSS of a case without any = %v, want ErrNotFound", err)
			}
			history, err := tx.CVSSHistory(ctx, c1.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff([]*store.CVSS{second, first}, history); diff != "" {
				t.Errorf("CVSSHistory (-want +got):\n%s", diff)
			}
			current, err := tx.CurrentCVSSOfCases(ctx, []int64{c1.ID, c2.ID, c3.ID})
			if err != nil {
				return err
			}
			if diff := cmp.Diff(map[int64]*store.CVSS{c1.ID: second}, current); diff != "" {
				t.Errorf("CurrentCVSSOfCases (-want +got):\n%s", diff)
			}
			return nil
		})
	})
}

func TestCaseCWEs(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		p := mkProject(t, s, "acme")
		c1 := mkCase(t, s, p, &store.Case{Title: "one", Severity: "unknown", State: "new"})
		c2 := mkCase(t, s, p, &store.Case{Title: "two", Severity: "unknown", State: "new"})
		tests := []struct {
			name string
			set  map[int64][]int
			want map[int64][]int
		}{
			{"set", map[int64][]int{c1.ID: {787, 79, 79}, c2.ID: {89}}, map[int64][]int{c1.ID: {79, 787}, c2.ID: {89}}},
			{"replace", map[int64][]int{c1.ID: {20}}, map[int64][]int{c1.ID: {20}, c2.ID: {89}}},
			{"clear", map[int64][]int{c2.ID: nil}, map[int64][]int{c1.ID: {20}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				write(t, s, func(tx *store.Tx) error {
					for id, cwes := range tt.set {
						if err := tx.SetCaseCWEs(ctx, id, cwes); err != nil {
							return err
						}
					}
					return nil
				})
				read(t, s, func(tx *store.Tx) error {
					got, err := tx.CWEsOfCases(ctx, []int64{c1.ID, c2.ID})
					if err != nil {
						return err
					}
					if diff := cmp.Diff(tt.want, got); diff != "" {
						t.Errorf("CWEsOfCases (-want +got):\n%s", diff)
					}
					return nil
				})
			})
		}
	})
}
