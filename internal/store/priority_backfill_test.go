// SPDX-License-Identifier: AGPL-3.0-or-later

package store_test

import (
	"testing"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
	"embargo/internal/triage"
)

// TestPriorityBackfill checks that the migration's SQL gives the cases
// that existed before it the priority internal/triage derives, for every
// severity, exploitation status, CVSS rating (current or cleared) and
// override.
func TestPriorityBackfill(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		p := mkProject(t, s, "acme")
		want := map[string]string{}
		ratings := []string{"", "None", "Low", "Medium", "High", "Critical", "cleared"}
		for _, sev := range []string{"unknown", "none", "low", "medium", "high", "critical"} {
			for _, expl := range []string{"", triage.ExploitNone, triage.ExploitPoC, triage.ExploitKnown} {
				for _, rating := range ratings {
					for _, override := range []string{"", "P1"} {
						c := mkCase(t, s, p, &store.Case{Title: "c", Severity: sev})
						write(t, s, func(tx *store.Tx) error {
							if expl != "" {
								if err := tx.PutTriage(ctx, &store.Triage{CaseID: c.ID, ReproStatus: "not-tried", Affected: "[]",
									Exploitation: expl, UpdatedAt: now}); err != nil {
									return err
								}
							}
							if rating != "" {
								v := &store.CVSS{CaseID: c.ID, Vector: "CVSS:3.1/x", Version: "3.1", Score: 50, Rating: "Low", SetAt: now}
								if rating != "cleared" {
									v.Rating = rating
								}
								if err := tx.AddCVSS(ctx, v); err != nil {
									return err
								}
								if rating == "cleared" {
									if err := tx.AddCVSS(ctx, &store.CVSS{CaseID: c.ID, SetAt: now}); err != nil {
										return err
									}
								}
							}
							if override != "" {
								return tx.SetPriorityOverride(ctx, &store.PriorityOverride{CaseID: c.ID, Priority: override,
									Reason: "r", SetAt: now})
							}
							return nil
						})
						effective := sev
						if rating != "" && rating != "cleared" {
							effective = map[string]string{"None": "none", "Low": "low", "Medium": "medium", "High": "high", "Critical": "critical"}[rating]
						}
						want[c.Key] = triage.DerivePriority(effective, expl)
						if override != "" {
							want[c.Key] = override
						}
					}
				}
			}
		}
		write(t, s, func(tx *store.Tx) error { return tx.RunPriorityBackfill(ctx) })
		read(t, s, func(tx *store.Tx) error {
			for key, w := range want {
				c, err := tx.CaseByKey(ctx, key, false)
				if err != nil {
					return err
				}
				if c.Priority != w {
					t.Errorf("%s (severity %s): backfilled priority %q, want %q", key, c.Severity, c.Priority, w)
				}
			}
			return nil
		})
	})
}
