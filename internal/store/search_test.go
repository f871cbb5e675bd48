// SPDX-License-Identifier: AGPL-3.0-or-later

package store_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// words is a query of single words, all required.
func words(ws ...string) store.TextQuery {
	var q store.TextQuery
	for _, w := range ws {
		q.All = append(q.All, []store.SearchTerm{{Text: w}})
	}
	return q
}

type hitView struct {
	Key       string
	MatchedIn []string
}

func search(t *testing.T, s *store.Store, f store.SearchFilter) ([]hitView, bool) {
	t.Helper()
	var out []hitView
	var more bool
	read(t, s, func(tx *store.Tx) error {
		hits, m, err := tx.SearchCases(ctx, f)
		if err != nil {
			return err
		}
		more = m
		for _, h := range hits {
			out = append(out, hitView{h.Case.Key, h.MatchedIn})
		}
		return nil
	})
	return out, more
}

func TestSearchCases(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dsn := e.DSN(t)
			s := storetest.Open(t, dsn)
			acme, other := mkProject(t, s, "acme"), mkProject(t, s, "other")
			ann := mkUser(t, s, "ann@example.org", "Ann")
			c1 := mkCase(t, s, acme, &store.Case{Title: "Heap overflow in the PNG decoder", Description: "A crafted chunk.",
				Component: "libpng", Severity: "high"})
			c2 := mkCase(t, s, acme, &store.Case{Title: "Login page XSS", Description: "The heap is fine; the page is not.",
				Severity: "medium"})
			c3 := mkCase(t, s, acme, &store.Case{Title: "Crash on start"})
			c4 := mkCase(t, s, acme, &store.Case{Title: "Reported issue"})
			c5 := mkCase(t, s, acme, &store.Case{Title: "Free heap money", State: "rejected", Resolution: "spam"})
			o1 := mkCase(t, s, other, &store.Case{Title: "Heap trouble elsewhere"})
			write(t, s, func(tx *store.Tx) error {
				if err := tx.CreateNote(ctx, &store.Note{CaseID: c3.ID, AuthorID: ann.ID, Body: "Reproduced with zebrafuzz on Debian.", CreatedAt: now}); err != nil {
					return err
				}
				if err := tx.CreateReport(ctx, &store.Report{CaseID: c4.ID, Reference: "REF-4", Product: "Frobnicator",
					Versions: "9.9", Steps: "Run quuxcmd twice.", Impact: "Remote takeover.", CreditPreference: "name",
					LinkIssuedAt: now, SubmittedAt: now}); err != nil {
					return err
				}
				return tx.CreateReportMessage(ctx, &store.ReportMessage{CaseID: c4.ID, FromReporter: true,
					Body: "Thanks, the patch fixes the wombat.", CreatedAt: now})
			})

			tests := []struct {
				name   string
				filter store.SearchFilter
				want   []hitView
			}{
				{"title ranks above description", store.SearchFilter{CaseFilter: store.CaseFilter{HideSpam: true}, Text: words("heap")},
					[]hitView{{c1.Key, []string{"title"}}, {c2.Key, []string{"description"}}}},
				{"any case of letters", store.SearchFilter{Text: words("HEAP", "PNG")}, []hitView{{c1.Key, []string{"title"}}}},
				{"key", store.SearchFilter{Text: words("ACME-3")}, []hitView{{c3.Key, []string{"title"}}}},
				{"component", store.SearchFilter{Text: words("libpng")}, []hitView{{c1.Key, []string{"description"}}}},
				{"note", store.SearchFilter{Text: words("zebrafuzz")}, []hitView{{c3.Key, []string{"note"}}}},
				{"report product", store.SearchFilter{Text: words("frobnicator")}, []hitView{{c4.Key, []string{"description"}}}},
				{"report steps", store.SearchFilter{Text: words("quuxcmd")}, []hitView{{c4.Key, []string{"description"}}}},
				{"report impact", store.SearchFilter{Text: words("takeover")}, []hitView{{c4.Key, []string{"description"}}}},
				{"thread", store.SearchFilter{Text: words("wombat")}, []hitView{{c4.Key, []string{"thread"}}}},
				{"words in different parts", store.SearchFilter{Text: words("wombat", "frobnicator")},
					[]hitView{{c4.Key, []string{"description", "thread"}}}},
				{"phrase", store.SearchFilter{Text: store.TextQuery{All: [][]store.SearchTerm{{{Text: "heap overflow"}}}}},
					[]hitView{{c1.Key, []string{"title"}}}},
				{"phrase in the wrong order", store.SearchFilter{Text: store.TextQuery{All: [][]store.SearchTerm{{{Text: "overflow heap"}}}}}, nil},
				{"prefix", store.SearchFilter{Text: store.TextQuery{All: [][]store.SearchTerm{{{Text: "zebraf", Prefix: true}}}}},
					[]hitView{{c3.Key, []string{"note"}}}},
				{"without prefix a part of a word is no match", store.SearchFilter{Text: words("zebraf")}, nil},
				{"either", store.SearchFilter{Text: store.TextQuery{All: [][]store.SearchTerm{{{Text: "zebrafuzz"}, {Text: "wombat"}}}}},
					[]hitView{{c3.Key, []string{"note"}}, {c4.Key, []string{"thread"}}}},
				{"excluded word", store.SearchFilter{Text: store.TextQuery{All: [][]store.SearchTerm{{{Text: "heap"}}},
					Exclude: []store.SearchTerm{{Text: "png"}, {Text: "money"}}}}, []hitView{{c2.Key, []string{"description"}}}},
				{"spam shown unless hidden, as in ListCases", store.SearchFilter{Text: words("money")},
					[]hitView{{c5.Key, []string{"title"}}}},
				{"spam hidden as in ListCases", store.SearchFilter{CaseFilter: store.CaseFilter{HideSpam: true}, Text: words("money")}, nil},
				{"severity filter", store.SearchFilter{CaseFilter: store.CaseFilter{Severity: "medium"}, Text: words("heap")},
					[]hitView{{c2.Key, []string{"description"}}}},
				{"state filter", store.SearchFilter{CaseFilter: store.CaseFilter{States: []string{"rejected"}}, Text: words("heap")},
					[]hitView{{c5.Key, []string{"title"}}}},
				{"assignee filter", store.SearchFilter{CaseFilter: store.CaseFilter{AssigneeID: ann.ID}, Text: words("heap")}, nil},
				{"no match", store.SearchFilter{Text: words("heap", "zebrafuzz")}, nil},
				{"page", store.SearchFilter{CaseFilter: store.CaseFilter{Limit: 1, Offset: 1, HideSpam: true}, Text: words("heap")},
					[]hitView{{c2.Key, []string{"description"}}}},
				{"nothing searchable", store.SearchFilter{Text: words("*", `"`)}, nil},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					f := tc.filter
					f.ProjectID = acme.ID
					got, _ := search(t, s, f)
					if diff := cmp.Diff(tc.want, got); diff != "" {
						t.Errorf("SearchCases (-want +got):\n%s", diff)
					}
				})
			}

			t.Run("more", func(t *testing.T) {
				got, more := search(t, s, store.SearchFilter{CaseFilter: store.CaseFilter{ProjectID: acme.ID, Limit: 2}, Text: words("heap")})
				if len(got) != 2 || !more {
					t.Errorf("got %d hits, more = %v; want 2 and more", len(got), more)
				}
			})

			t.Run("several projects, and only those", func(t *testing.T) {
				got, _ := search(t, s, store.SearchFilter{ProjectIDs: []int64{acme.ID, other.ID}, Text: words("heap", "trouble")})
				if diff := cmp.Diff([]hitView{{o1.Key, []string{"title"}}}, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
				if got, _ := search(t, s, store.SearchFilter{ProjectIDs: []int64{acme.ID}, Text: words("trouble")}); got != nil {
					t.Errorf("another project's case found: %v", got)
				}
				if got, _ := search(t, s, store.SearchFilter{Text: words("heap")}); got != nil {
					t.Errorf("no project given, yet found %v", got)
				}
			})

			t.Run("hostile terms", func(t *testing.T) {
				hostile := []string{`"`, `""`, `*`, `)(`, `(`, `AND OR NOT`, "NEAR(heap png)", "title:heap", "{scope}:p1",
					"^heap", "heap\x00png", "\xff\xfeheap", `'`, `\`, `''; DROP TABLE cases; --`, "&|!<->:*", "a:*B",
					strings.Repeat("heap ", 2000), strings.Repeat("x", 10000), "p" + strings.Repeat("1", 30)}
				for _, h := range hostile {
					for _, prefix := range []bool{false, true} {
						q := store.TextQuery{All: [][]store.SearchTerm{{{Text: h, Prefix: prefix}}, {{Text: "heap"}, {Text: h, Prefix: prefix}}},
							Exclude: []store.SearchTerm{{Text: h, Prefix: prefix}}}
						read(t, s, func(tx *store.Tx) error {
							_, _, err := tx.SearchCases(ctx, store.SearchFilter{CaseFilter: store.CaseFilter{ProjectID: acme.ID}, Text: q})
							if err != nil {
								t.Errorf("term %q (prefix %v): %v", h, prefix, err)
							}
							return nil
						})
					}
				}
				// The scope column is never searched by a user's words.
				if got, _ := search(t, s, store.SearchFilter{CaseFilter: store.CaseFilter{ProjectID: acme.ID},
					Text: words("p" + strconv.FormatInt(acme.ID, 10))}); got != nil {
					t.Errorf("a project's scope token matched: %v", got)
				}
			})

			t.Run("changes are reindexed", func(t *testing.T) {
				write(t, s, func(tx *store.Tx) error {
					c2.Title = "Renamed quokka issue"
					if err := tx.UpdateCase(ctx, c2); err != nil {
						return err
					}
					return tx.CreateNote(ctx, &store.Note{CaseID: c2.ID, Body: "second look by numbat", CreatedAt: now})
				})
				f := store.SearchFilter{CaseFilter: store.CaseFilter{ProjectID: acme.ID}}
				for q, want := range map[string][]hitView{
					"quokka": {{c2.Key, []string{"title"}}},
					"login":  nil,
					"numbat": {{c2.Key, []string{"note"}}},
					"xss":    nil,
				} {
					f.Text = words(q)
					if got, _ := search(t, s, f); !cmp.Equal(want, got) {
						t.Errorf("after the edit, %q found %v, want %v", q, got, want)
					}
				}
				// A state change alone leaves the document as it was.
				write(t, s, func(tx *store.Tx) error {
					c3.State = "triage"
					return tx.UpdateCase(ctx, c3)
				})
				f.Text = words("zebrafuzz")
				if got, _ := search(t, s, f); len(got) != 1 {
					t.Errorf("after a transition, the note is not found: %v", got)
				}
			})

			t.Run("deletes and cascades", func(t *testing.T) {
				db := rawDB(t, dsn)
				f := store.SearchFilter{CaseFilter: store.CaseFilter{ProjectID: acme.ID}}
				if _, err := db.Exec(`UPDATE case_notes SET body = 'edited by echidna' WHERE case_id = $1`, c3.ID); err != nil {
					t.Fatal(err)
				}
				f.Text = words("echidna")
				if got, _ := search(t, s, f); len(got) != 1 {
					t.Errorf("an edited note is not found: %v", got)
				}
				if _, err := db.Exec(`DELETE FROM report_messages WHERE case_id = $1`, c4.ID); err != nil {
					t.Fatal(err)
				}
				f.Text = words("wombat")
				if got, _ := search(t, s, f); got != nil {
					t.Errorf("a deleted message still matches: %v", got)
				}
				if _, err := db.Exec(`DELETE FROM cases WHERE id = $1`, c3.ID); err != nil {
					t.Fatal(err)
				}
				f.Text = words("echidna")
				if got, _ := search(t, s, f); got != nil {
					t.Errorf("a deleted case still matches: %v", got)
				}
				var n int
				q := `SELECT COUNT(*) FROM case_search WHERE rowid = $1`
				if e.Name == "postgres" {
					q = `SELECT COUNT(*) FROM case_search WHERE case_id = $1`
				}
				if err := db.QueryRow(q, c3.ID).Scan(&n); err != nil || n != 0 {
					t.Errorf("the deleted case's document: %d rows, %v", n, err)
				}
			})
		})
	}
}
