// SPDX-License-Identifier: AGPL-3.0-or-later

package store_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

func TestQueueFilters(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		acme := mkProject(t, s, "acme")
		other := mkProject(t, s, "other")
		ann := mkUser(t, s, "ann@example.org", "Ann")
		ben := mkUser(t, s, "ben@example.org", "Ben")
		c1 := mkCase(t, s, acme, &store.Case{Title: "one", Severity: "critical", Component: "parser", Priority: "P2", CoordinatorID: ann.ID})
		c2 := mkCase(t, s, acme, &store.Case{Title: "two", Severity: "high", Component: "web", Priority: "P2"})
		c3 := mkCase(t, s, acme, &store.Case{Title: "three", Severity: "low", Component: "parser", Priority: "P4"})
		o1 := mkCase(t, s, other, &store.Case{Title: "elsewhere", Severity: "high", Component: "parser", Priority: "P2", CoordinatorID: ann.ID})
		var tls, ui int64
		write(t, s, func(tx *store.Tx) error {
			if err := tx.SetAssignees(ctx, c2.ID, []int64{ann.ID}); err != nil {
				return err
			}
			if err := tx.SetAssignees(ctx, c3.ID, []int64{ben.ID}); err != nil {
				return err
			}
			var err error
			if tls, err = tx.EnsureLabel(ctx, acme.ID, "tls", now); err != nil {
				return err
			}
			if ui, err = tx.EnsureLabel(ctx, acme.ID, "ui", now); err != nil {
				return err
			}
			otherTLS, err := tx.EnsureLabel(ctx, other.ID, "tls", now)
			if err != nil {
				return err
			}
			for _, l := range []struct{ c, l int64 }{{c1.ID, tls}, {c3.ID, tls}, {c3.ID, ui}, {o1.ID, otherTLS}} {
				if _, err := tx.AddCaseLabel(ctx, l.c, l.l); err != nil {
					return err
				}
			}
			return tx.SetCasePriority(ctx, c3.ID, "P3")
		})

		tests := []struct {
			name string
			f    store.CaseFilter
			want []string
		}{
			{"priority", store.CaseFilter{Priority: "P2"}, []string{"ACME-2", "ACME-1"}},
			{"priority kept by SetCasePriority", store.CaseFilter{Priority: "P3"}, []string{"ACME-3"}},
			{"component", store.CaseFilter{Component: "parser"}, []string{"ACME-3", "ACME-1"}},
			{"assignee as coordinator or assignee", store.CaseFilter{AssigneeID: ann.ID}, []string{"ACME-2", "ACME-1"}},
			{"assignee only assigned", store.CaseFilter{AssigneeID: ben.ID}, []string{"ACME-3"}},
			{"label, not another project's of the same name", store.CaseFilter{Label: "tls"}, []string{"ACME-3", "ACME-1"}},
			{"unknown label", store.CaseFilter{Label: "nope"}, nil},
			{"combined", store.CaseFilter{Label: "tls", Component: "parser", Severity: "critical", AssigneeID: ann.ID}, []string{"ACME-1"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tt.f.ProjectID = acme.ID
				var got []string
				read(t, s, func(tx *store.Tx) error {
					list, _, err := tx.ListCases(ctx, tt.f)
					for _, c := range list {
						got = append(got, c.Key)
					}
					return err
				})
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("ListCases (-want +got):\n%s", diff)
				}
			})
		}

		// Full-text search applies the same filters, the label included.
		t.Run("search with filters", func(t *testing.T) {
			for _, tc := range []struct {
				f    store.CaseFilter
				word string
				want []string
			}{
				{store.CaseFilter{Label: "tls"}, "three", []string{"ACME-3"}},
				{store.CaseFilter{Label: "ui"}, "one", nil},
				{store.CaseFilter{Priority: "P2", Component: "parser"}, "one", []string{"ACME-1"}},
				{store.CaseFilter{Priority: "P4"}, "one", nil},
			} {
				tc.f.ProjectID = acme.ID
				var got []string
				read(t, s, func(tx *store.Tx) error {
					hits, _, err := tx.SearchCases(ctx, store.SearchFilter{CaseFilter: tc.f,
						Text: store.TextQuery{All: [][]store.SearchTerm{{{Text: tc.word}}}}})
					for _, h := range hits {
						got = append(got, h.Case.Key)
					}
					return err
				})
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("SearchCases(%q, %+v) (-want +got):\n%s", tc.word, tc.f, diff)
				}
			}
		})

		t.Run("labels", func(t *testing.T) {
			read(t, s, func(tx *store.Tx) error {
				got, err := tx.LabelsOfCases(ctx, []int64{c1.ID, c2.ID, c3.ID})
				if err != nil {
					return err
				}
				if diff := cmp.Diff(map[int64][]string{c1.ID: {"tls"}, c3.ID: {"tls", "ui"}}, got); diff != "" {
					t.Errorf("LabelsOfCases (-want +got):\n%s", diff)
				}
				names, err := tx.ProjectLabels(ctx, acme.ID)
				if diff := cmp.Diff([]string{"tls", "ui"}, names); diff != "" {
					t.Errorf("ProjectLabels (-want +got):\n%s", diff)
				}
				return err
			})
			write(t, s, func(tx *store.Tx) error {
				if again, err := tx.EnsureLabel(ctx, acme.ID, "tls", now+1); err != nil || again != tls {
					t.Errorf("EnsureLabel of a known label = %d, %v; want %d", again, err, tls)
				}
				if added, err := tx.AddCaseLabel(ctx, c1.ID, tls); err != nil || added {
					t.Errorf("AddCaseLabel twice = %v, %v; want false", added, err)
				}
				if removed, err := tx.RemoveCaseLabel(ctx, acme.ID, c2.ID, "tls"); err != nil || removed {
					t.Errorf("RemoveCaseLabel of a label the case lacks = %v, %v; want false", removed, err)
				}
				if removed, err := tx.RemoveCaseLabel(ctx, acme.ID, c3.ID, "nope"); err != nil || removed {
					t.Errorf("RemoveCaseLabel of an unknown label = %v, %v; want false", removed, err)
				}
				// The last case with "ui" loses it: the label leaves the set.
				if removed, err := tx.RemoveCaseLabel(ctx, acme.ID, c3.ID, "ui"); err != nil || !removed {
					t.Errorf("RemoveCaseLabel = %v, %v; want true", removed, err)
				}
				// "tls" stays: another case still carries it.
				if removed, err := tx.RemoveCaseLabel(ctx, acme.ID, c3.ID, "tls"); err != nil || !removed {
					t.Errorf("RemoveCaseLabel = %v, %v; want true", removed, err)
				}
				names, err := tx.ProjectLabels(ctx, acme.ID)
				if diff := cmp.Diff([]string{"tls"}, names); diff != "" {
					t.Errorf("ProjectLabels after removals (-want +got):\n%s", diff)
				}
				return err
			})
		})

		t.Run("saved views belong to their owner", func(t *testing.T) {
			v := &store.SavedView{UserID: ann.ID, ProjectID: acme.ID, Name: "Mine", Query: "mine=1", CreatedAt: now}
			write(t, s, func(tx *store.Tx) error {
				if err := tx.SaveView(ctx, v); err != nil {
					return err
				}
				// The same name again replaces the query and keeps the view.
				again := &store.SavedView{UserID: ann.ID, ProjectID: acme.ID, Name: "Mine", Query: "mine=1&state=open", CreatedAt: now + 5}
				if err := tx.SaveView(ctx, again); err != nil {
					return err
				}
				if again.ID != v.ID || again.CreatedAt != now {
					t.Errorf("saving under a taken name made view %d at %d, want %d at %d", again.ID, again.CreatedAt, v.ID, now)
				}
				return tx.SaveView(ctx, &store.SavedView{UserID: ben.ID, ProjectID: acme.ID, Name: "Mine", Query: "priority=P1", CreatedAt: now})
			})
			read(t, s, func(tx *store.Tx) error {
				got, err := tx.SavedViews(ctx, ann.ID, acme.ID)
				want := []*store.SavedView{{ID: v.ID, UserID: ann.ID, ProjectID: acme.ID, Name: "Mine", Query: "mine=1&state=open", CreatedAt: now}}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("SavedViews (-want +got):\n%s", diff)
				}
				if others, _ := tx.SavedViews(ctx, ann.ID, other.ID); len(others) != 0 {
					t.Errorf("views in another project: %v", others)
				}
				return err
			})
			write(t, s, func(tx *store.Tx) error {
				if err := tx.DeleteSavedView(ctx, v.ID, ben.ID, acme.ID); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("deleting another user's view = %v, want ErrNotFound", err)
				}
				if err := tx.DeleteSavedView(ctx, v.ID, ann.ID, other.ID); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("deleting through another project = %v, want ErrNotFound", err)
				}
				return tx.DeleteSavedView(ctx, v.ID, ann.ID, acme.ID)
			})
		})
	})
}
