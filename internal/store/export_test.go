// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
)

// RunPriorityBackfill runs, inside t, the statement of the migration that
// filled in cases.priority for the cases that existed before it, so that
// a test can check it against internal/triage's table.
func (t *Tx) RunPriorityBackfill(ctx context.Context) error {
	dir := "migrations/" + string(t.engine)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return err
	}
	const start = "UPDATE cases SET priority = COALESCE("
	for _, e := range entries {
		body, err := fs.ReadFile(migrationFiles, dir+"/"+e.Name())
		if err != nil {
			return err
		}
		text := string(body)
		i := strings.Index(text, start)
		if i < 0 {
			continue
		}
		stmt, _, ok := strings.Cut(text[i:], ";\n")
		if !ok {
			return fmt.Errorf("the backfill in %s does not end", e.Name())
		}
		_, err = t.exec(ctx, stmt)
		return err
	}
	return fmt.Errorf("no migration fills in cases.priority")
}
