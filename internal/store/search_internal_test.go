// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestSearchMigrationBackfills: cases, notes, reports and messages written
// before the search migration are found after it.
func TestSearchMigrationBackfills(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "embargo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ms, err := s.migrations()
	if err != nil {
		t.Fatal(err)
	}
	var search int
	for i, m := range ms {
		if strings.HasSuffix(m.name, "_search.sql") {
			search = i
		}
	}
	// Apply every migration before the search one, by hand.
	err = s.Write(ctx, func(tx *Tx) error {
		if _, err := tx.schemaVersion(ctx); err != nil {
			return err
		}
		for _, m := range ms[:search] {
			if _, err := tx.exec(ctx, m.sql); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `INSERT INTO schema_version (version) VALUES ($1)`, m.version); err != nil {
				return err
			}
		}
		p := &Project{Slug: "acme", Name: "Acme", Settings: "{}", CreatedAt: 1, UpdatedAt: 1}
		if err := tx.CreateProject(ctx, p); err != nil {
			return err
		}
		c := &Case{ProjectID: p.ID, Number: 1, Key: "ACME-1", Title: "Old case", State: "new", Severity: "unknown", CreatedAt: 1, UpdatedAt: 1}
		if err := tx.CreateCase(ctx, c); err != nil {
			return err
		}
		if err := tx.CreateNote(ctx, &Note{CaseID: c.ID, Body: "platypus", CreatedAt: 1}); err != nil {
			return err
		}
		// Written as the schema of the time had it: CreateReport knows
		// columns added since.
		if _, err := tx.exec(ctx, `INSERT INTO reports (case_id, reference, steps, credit_preference, link_issued_at, submitted_at)
			VALUES ($1, 'R1', 'echidna', 'name', 1, 1)`, c.ID); err != nil {
			return err
		}
		return tx.CreateReportMessage(ctx, &ReportMessage{CaseID: c.ID, Body: "wombat", CreatedAt: 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"old", "platypus", "echidna", "wombat"} {
		err := s.Read(ctx, func(tx *Tx) error {
			hits, _, err := tx.SearchCases(ctx, SearchFilter{CaseFilter: CaseFilter{ProjectID: 1},
				Text: TextQuery{All: [][]SearchTerm{{{Text: w}}}}})
			if err == nil && len(hits) != 1 {
				t.Errorf("%q: %d hits after the migration, want 1", w, len(hits))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
