// SPDX-License-Identifier: AGPL-3.0-or-later

package store_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

func TestTriageRecordPlanOverride(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		p := mkProject(t, s, "acme")
		ann := mkUser(t, s, "ann@example.org", "Ann")
		c1 := mkCase(t, s, p, &store.Case{Title: "one", Severity: "high", State: "triage"})
		c2 := mkCase(t, s, p, &store.Case{Title: "two", Severity: "low", State: "new"})

		read(t, s, func(tx *store.Tx) error {
			if _, err := tx.TriageOf(ctx, c1.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("TriageOf without a record: %v, want ErrNotFound", err)
			}
			if _, err := tx.PlanOf(ctx, c1.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("PlanOf without a plan: %v, want ErrNotFound", err)
			}
			if _, err := tx.PriorityOverrideOf(ctx, c1.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("PriorityOverrideOf without one: %v, want ErrNotFound", err)
			}
			return nil
		})

		rec := &store.Triage{CaseID: c1.ID, ReproStatus: "reproduced", ReproEnvironment: "Debian 12", ReproSteps: "1. run\n2. see",
			ReproBy: ann.ID, ReproAt: 1000, Decision: "confirmed", DecidedBy: ann.ID, DecidedAt: 1001,
			ImpactGain: "code execution", ImpactPreconditions: "network access", ImpactConfigurations: "default",
			Affected: `[{"package":{"ecosystem":"Go","name":"m"},"ranges":[],"versions":["1.0.0"]}]`, Notes: "n",
			Exploitation: "public-poc", UpdatedBy: ann.ID, UpdatedAt: 1002}
		plan := &store.Plan{CaseID: c1.ID, TargetRelease: "1.2.4", FixRefs: `[{"type":"commit","url":"https://g/x"}]`,
			OwnerID: ann.ID, DueDate: "2026-12-24", UpdatedBy: ann.ID, UpdatedAt: 1003}
		override := &store.PriorityOverride{CaseID: c1.ID, Priority: "P1", Reason: "exposed fleet", SetBy: ann.ID, SetAt: 1004}
		write(t, s, func(tx *store.Tx) error {
			// Written twice: the second write replaces the first.
			for range 2 {
				if err := tx.PutTriage(ctx, rec); err != nil {
					return err
				}
				if err := tx.PutPlan(ctx, plan); err != nil {
					return err
				}
				if err := tx.SetPriorityOverride(ctx, override); err != nil {
					return err
				}
			}
			return tx.PutTriage(ctx, &store.Triage{CaseID: c2.ID, ReproStatus: "not-tried", Affected: "[]", Exploitation: "none", UpdatedAt: 5})
		})
		rec.ReproByName, rec.DecidedByName, plan.OwnerName, override.SetByName = "Ann", "Ann", "Ann", "Ann"

		read(t, s, func(tx *store.Tx) error {
			got, err := tx.TriageOf(ctx, c1.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(rec, got); diff != "" {
				t.Errorf("TriageOf (-want +got):\n%s", diff)
			}
			gotPlan, err := tx.PlanOf(ctx, c1.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(plan, gotPlan); diff != "" {
				t.Errorf("PlanOf (-want +got):\n%s", diff)
			}
			gotOverride, err := tx.PriorityOverrideOf(ctx, c1.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(override, gotOverride); diff != "" {
				t.Errorf("PriorityOverrideOf (-want +got):\n%s", diff)
			}
			overrides, err := tx.PriorityOverridesOfCases(ctx, []int64{c1.ID, c2.ID})
			if err != nil {
				return err
			}
			if diff := cmp.Diff(map[int64]string{c1.ID: "P1"}, overrides); diff != "" {
				t.Errorf("PriorityOverridesOfCases (-want +got):\n%s", diff)
			}
			exploitation, err := tx.ExploitationOfCases(ctx, []int64{c1.ID, c2.ID})
			if err != nil {
				return err
			}
			if diff := cmp.Diff(map[int64]string{c1.ID: "public-poc", c2.ID: "none"}, exploitation); diff != "" {
				t.Errorf("ExploitationOfCases (-want +got):\n%s", diff)
			}
			return nil
		})

		write(t, s, func(tx *store.Tx) error { return tx.ClearPriorityOverride(ctx, c1.ID) })
		read(t, s, func(tx *store.Tx) error {
			if _, err := tx.PriorityOverrideOf(ctx, c1.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("PriorityOverrideOf after clearing: %v, want ErrNotFound", err)
			}
			return nil
		})
	})
}
