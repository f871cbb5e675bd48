// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// Case is one vulnerability report or issue handled by a project's team.
type Case struct {
	ID          int64
	ProjectID   int64
	ProjectSlug string
	Number      int64
	Key         string
	Title       string
	Description string
	Severity    string
	Component   string
	State       string
	Resolution  string
	// Priority is the case's current priority (P1 … P4), kept in step by
	// internal/cases with everything it derives from; UpdateCase leaves
	// it alone, SetCasePriority writes it.
	Priority      string
	CoordinatorID int64
	CreatedBy     int64
	CreatedAt     int64
	UpdatedAt     int64
	Milestones
	// DeadlinesSyncedAt is when internal/deadlines first derived the
	// case's deadlines; 0 for a case from before they existed.
	DeadlinesSyncedAt int64
	// NextDueAt is the earliest due time of the case's open deadlines, 0
	// when it has none.
	NextDueAt int64
	// WaitingUntil is when a case waiting on its reporter closes itself;
	// 0 while it waits on nobody. SetCaseWaitingUntil writes it.
	WaitingUntil int64
	// EmbargoUntil is the embargo end set by hand (0: the project's
	// default applies). PutEmbargo writes it; UpdateCase leaves it alone.
	EmbargoUntil int64
}

// Milestones are the moments a case first reached each stage of its
// work (0 while not reached). The deadline clock reads them to know when a
// promise was kept; the metrics read them for the team's response times.
type Milestones struct {
	// AcknowledgedAt: the team first answered (the case left "new").
	AcknowledgedAt int64
	// AssessedAt: the first assessment, a triage decision (confirmed or
	// rejected) or a move to accepted or rejected.
	AssessedAt int64
	// FixedAt: a fix was first ready.
	FixedAt int64
	// DisclosedAt: the case was first disclosed.
	DisclosedAt int64
	// ClosedAt: the case was last rejected or closed (0 once reopened).
	ClosedAt int64
}

const caseColumns = `c.id, c.project_id, p.slug, c.number, c.case_key, c.title, c.description, c.severity, c.component,
	c.state, c.resolution, c.priority, c.coordinator_id, c.created_by, c.created_at, c.updated_at,
	c.acknowledged_at, c.assessed_at, c.fixed_at, c.disclosed_at, c.closed_at, c.deadlines_synced_at, c.next_due_at, c.waiting_until, c.embargo_until`

func scanCase(row interface{ Scan(...any) error }) (*Case, error) {
	var c Case
	var coord, by, next sql.NullInt64
	if err := row.Scan(&c.ID, &c.ProjectID, &c.ProjectSlug, &c.Number, &c.Key, &c.Title, &c.Description, &c.Severity,
		&c.Component, &c.State, &c.Resolution, &c.Priority, &coord, &by, &c.CreatedAt, &c.UpdatedAt,
		&c.AcknowledgedAt, &c.AssessedAt, &c.FixedAt, &c.DisclosedAt, &c.ClosedAt, &c.DeadlinesSyncedAt, &next, &c.WaitingUntil, &c.EmbargoUntil); err != nil {
		return nil, err
	}
	c.CoordinatorID, c.CreatedBy, c.NextDueAt = nullTime(coord), nullTime(by), nullTime(next)
	return &c, nil
}

// CreateCase inserts c (Number and Key already set) and sets its ID.
func (t *Tx) CreateCase(ctx context.Context, c *Case) error {
	err := t.queryRow(ctx, `INSERT INTO cases (project_id, number, case_key, title, description, severity, component, state,
		resolution, priority, coordinator_id, created_by, created_at, updated_at,
		acknowledged_at, assessed_at, fixed_at, disclosed_at, closed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
		c.ProjectID, c.Number, c.Key, c.Title, c.Description, c.Severity, c.Component, c.State, c.Resolution, c.Priority,
		nullable(c.CoordinatorID), nullable(c.CreatedBy), c.CreatedAt, c.UpdatedAt,
		c.AcknowledgedAt, c.AssessedAt, c.FixedAt, c.DisclosedAt, c.ClosedAt).Scan(&c.ID)
	if isUniqueViolation(err) {
		return ErrConflict
	}
	if err != nil {
		return fmt.Errorf("store: unable to create case: %w", err)
	}
	return nil
}

// UpdateCase writes every mutable field of c.
func (t *Tx) UpdateCase(ctx context.Context, c *Case) error {
	res, err := t.exec(ctx, `UPDATE cases SET title = $2, description = $3, severity = $4, component = $5, state = $6,
		resolution = $7, coordinator_id = $8, updated_at = $9,
		acknowledged_at = $10, assessed_at = $11, fixed_at = $12, disclosed_at = $13, closed_at = $14 WHERE id = $1`,
		c.ID, c.Title, c.Description, c.Severity, c.Component, c.State, c.Resolution, nullable(c.CoordinatorID), c.UpdatedAt,
		c.AcknowledgedAt, c.AssessedAt, c.FixedAt, c.DisclosedAt, c.ClosedAt)
	if err != nil {
		return fmt.Errorf("store: unable to update case: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// SetCaseWaitingUntil stores when case caseID, waiting on its reporter,
// closes itself (0: it waits on nobody).
func (t *Tx) SetCaseWaitingUntil(ctx context.Context, caseID, until int64) error {
	res, err := t.exec(ctx, `UPDATE cases SET waiting_until = $2 WHERE id = $1`, caseID, until)
	if err != nil {
		return fmt.Errorf("store: unable to update case waiting time: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// CasesWaitingUntil returns the keys of up to limit cases whose waiting
// time ran out at now, soonest first.
func (t *Tx) CasesWaitingUntil(ctx context.Context, now int64, limit int) ([]string, error) {
	rows, err := t.query(ctx, `SELECT case_key FROM cases WHERE waiting_until <> 0 AND waiting_until <= $1
		ORDER BY waiting_until, id LIMIT $2`, now, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list waiting cases: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("store: unable to list waiting cases: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// SetCasePriority stores a case's current priority.
func (t *Tx) SetCasePriority(ctx context.Context, caseID int64, priority string) error {
	res, err := t.exec(ctx, `UPDATE cases SET priority = $2 WHERE id = $1`, caseID, priority)
	if err != nil {
		return fmt.Errorf("store: unable to update case priority: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// CaseByKey returns the case with that key (e.g. "ACME-7"), or ErrNotFound.
// On PostgreSQL the row is locked when forUpdate is set, so concurrent
// transitions of one case serialise.
func (t *Tx) CaseByKey(ctx context.Context, key string, forUpdate bool) (*Case, error) {
	q := `SELECT ` + caseColumns + ` FROM cases c JOIN projects p ON p.id = c.project_id WHERE c.case_key = $1`
	if forUpdate && t.engine == Postgres {
		q += " FOR UPDATE OF c"
	}
	c, err := scanCase(t.queryRow(ctx, q, strings.ToUpper(key)))
	if err != nil {
		return nil, notFound(err, "case")
	}
	return c, nil
}

// CaseFilter selects cases of one project.
type CaseFilter struct {
	ProjectID  int64
	States     []string
	Severity   string
	Priority   string
	AssigneeID int64  // cases where the user is coordinator or assignee
	Component  string // exact match: the product or component named on the case
	Label      string // cases carrying this label (normalised)
	// Query is the text a user searches for: cases.Service.List parses it
	// and searches with SearchCases. ListCases does not read it.
	Query string
	// HideSpam leaves out cases rejected with the resolution "spam".
	HideSpam bool
	Limit    int
	Offset   int
}

// ListCases returns one page of a project's cases, newest first, and
// whether more follow. It does not read f.Query: text search is
// SearchCases.
func (t *Tx) ListCases(ctx context.Context, f CaseFilter) ([]*Case, bool, error) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := append([]string{"c.project_id = " + arg(f.ProjectID)}, caseConditions(f, arg)...)
	from, order := "cases c JOIN projects p ON p.id = c.project_id", "c.number DESC"
	if f.Label != "" {
		// Read from the label's index, newest first, so that a rare label
		// costs as little as a common one; an unknown label matches none.
		from = "case_labels cl JOIN cases c ON c.id = cl.case_id JOIN projects p ON p.id = c.project_id"
		order = "cl.case_number DESC"
		where = append(where, "cl.label_id = (SELECT id FROM project_labels WHERE project_id = "+arg(f.ProjectID)+
			" AND name = "+arg(f.Label)+")")
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	query := `SELECT ` + caseColumns + ` FROM ` + from + ` WHERE ` +
		strings.Join(where, " AND ") + ` ORDER BY ` + order + ` LIMIT ` + arg(limit+1) + ` OFFSET ` + arg(max(f.Offset, 0))
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, false, fmt.Errorf("store: unable to list cases: %w", err)
	}
	defer rows.Close()
	var out []*Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, false, fmt.Errorf("store: unable to list cases: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("store: unable to list cases: %w", err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// caseConditions returns the SQL conditions on cases c for f's states,
// severity, priority, component, assignee, spam and (for SearchCases, by
// membership) label filters, not its project, binding values through arg;
// ListCases and SearchCases share them. ListCases reads the label from
// the label's index itself.
func caseConditions(f CaseFilter, arg func(any) string) []string {
	var where []string
	if len(f.States) > 0 {
		var ph []string
		for _, s := range f.States {
			ph = append(ph, arg(s))
		}
		where = append(where, "c.state IN ("+strings.Join(ph, ", ")+")")
	}
	if f.Severity != "" {
		where = append(where, "c.severity = "+arg(f.Severity))
	}
	if f.Priority != "" {
		where = append(where, "c.priority = "+arg(f.Priority))
	}
	if f.Component != "" {
		where = append(where, "c.component = "+arg(f.Component))
	}
	if f.AssigneeID != 0 {
		// One set of case IDs from two indexes (cases_coordinator_project,
		// case_assignees_user) rather than an OR the planner would answer
		// by walking every case of the project.
		a := arg(f.AssigneeID)
		where = append(where, "c.id IN (SELECT id FROM cases WHERE coordinator_id = "+a+
			" UNION SELECT case_id FROM case_assignees WHERE user_id = "+a+")")
	}
	if f.HideSpam {
		where = append(where, "c.resolution <> 'spam'")
	}
	return where
}

// labelCondition is f's label filter as membership, for queries that do
// not read from the label's index.
func labelCondition(f CaseFilter, arg func(any) string) []string {
	if f.Label == "" {
		return nil
	}
	return []string{"c.id IN (SELECT cl.case_id FROM case_labels cl JOIN project_labels pl ON pl.id = cl.label_id " +
		"WHERE pl.project_id = c.project_id AND pl.name = " + arg(f.Label) + ")"}
}

// SetAssignees replaces a case's assignees.
func (t *Tx) SetAssignees(ctx context.Context, caseID int64, userIDs []int64) error {
	if _, err := t.exec(ctx, `DELETE FROM case_assignees WHERE case_id = $1`, caseID); err != nil {
		return fmt.Errorf("store: unable to clear assignees: %w", err)
	}
	for _, id := range userIDs {
		if _, err := t.exec(ctx, `INSERT INTO case_assignees (case_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, caseID, id); err != nil {
			return fmt.Errorf("store: unable to add assignee: %w", err)
		}
	}
	return nil
}

// Assignees returns the user IDs assigned to a case, ascending.
func (t *Tx) Assignees(ctx context.Context, caseID int64) ([]int64, error) {
	return t.listIDs(ctx, "assignees", `SELECT user_id FROM case_assignees WHERE case_id = $1 ORDER BY user_id`, caseID)
}

// Note is an internal note on a case, visible to the project team only.
type Note struct {
	ID         int64
	CaseID     int64
	AuthorID   int64
	AuthorName string
	Body       string
	CreatedAt  int64
}

// CreateNote stores n and sets its ID.
func (t *Tx) CreateNote(ctx context.Context, n *Note) error {
	err := t.queryRow(ctx, `INSERT INTO case_notes (case_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		n.CaseID, nullable(n.AuthorID), n.Body, n.CreatedAt).Scan(&n.ID)
	if err != nil {
		return fmt.Errorf("store: unable to create note: %w", err)
	}
	return nil
}

// ListNotes returns a case's notes, oldest first.
func (t *Tx) ListNotes(ctx context.Context, caseID int64) ([]*Note, error) {
	rows, err := t.query(ctx, `SELECT n.id, n.case_id, n.author_id, COALESCE(u.name, ''), n.body, n.created_at
		FROM case_notes n LEFT JOIN users u ON u.id = n.author_id WHERE n.case_id = $1 ORDER BY n.id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list notes: %w", err)
	}
	defer rows.Close()
	var out []*Note
	for rows.Next() {
		var n Note
		var author sql.NullInt64
		if err := rows.Scan(&n.ID, &n.CaseID, &author, &n.AuthorName, &n.Body, &n.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: unable to list notes: %w", err)
		}
		n.AuthorID = nullTime(author)
		out = append(out, &n)
	}
	return out, rows.Err()
}

// CountCasesUpTo returns, for each of the given projects, how many of its
// cases are in one of states, counting no further than limit, so that a
// dashboard of large projects costs what one of small projects does.
func (t *Tx) CountCasesUpTo(ctx context.Context, projectIDs []int64, states []string, limit int) (map[int64]int, error) {
	out := make(map[int64]int, len(projectIDs))
	for _, id := range projectIDs {
		args := []any{id, limit}
		ph := make([]string, len(states))
		for i, s := range states {
			args = append(args, s)
			ph[i] = "$" + strconv.Itoa(len(args))
		}
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM cases WHERE project_id = $1 AND state IN (`+
			strings.Join(ph, ", ")+`) LIMIT $2) AS capped`, args...).Scan(&n); err != nil {
			return nil, fmt.Errorf("store: unable to count cases: %w", err)
		}
		if n > 0 {
			out[id] = n
		}
	}
	return out, nil
}

// CountCasesByProject returns, for each of the given projects that has
// any, how many of its cases are in one of states (all states when states
// is empty). Projects without matching cases are absent from the map.
func (t *Tx) CountCasesByProject(ctx context.Context, projectIDs []int64, states []string) (map[int64]int, error) {
	out := make(map[int64]int, len(projectIDs))
	if len(projectIDs) == 0 {
		return out, nil
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	var ids, sts []string
	for _, id := range projectIDs {
		ids = append(ids, arg(id))
	}
	query := `SELECT project_id, COUNT(*) FROM cases WHERE project_id IN (` + strings.Join(ids, ", ") + `)`
	if len(states) > 0 {
		for _, s := range states {
			sts = append(sts, arg(s))
		}
		query += ` AND state IN (` + strings.Join(sts, ", ") + `)`
	}
	rows, err := t.query(ctx, query+` GROUP BY project_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to count cases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("store: unable to count cases: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// AssigneesOfCases returns the assignees of each of the given cases, user
// IDs ascending, in one query; cases without assignees are absent from
// the map.
func (t *Tx) AssigneesOfCases(ctx context.Context, caseIDs []int64) (map[int64][]int64, error) {
	out := make(map[int64][]int64, len(caseIDs))
	if len(caseIDs) == 0 {
		return out, nil
	}
	ph := make([]string, len(caseIDs))
	args := make([]any, len(caseIDs))
	for i, id := range caseIDs {
		ph[i], args[i] = "$"+strconv.Itoa(i+1), id
	}
	rows, err := t.query(ctx, `SELECT case_id, user_id FROM case_assignees WHERE case_id IN (`+strings.Join(ph, ", ")+`)
		ORDER BY case_id, user_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to load assignees: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var caseID, userID int64
		if err := rows.Scan(&caseID, &userID); err != nil {
			return nil, fmt.Errorf("store: unable to load assignees: %w", err)
		}
		out[caseID] = append(out[caseID], userID)
	}
	return out, rows.Err()
}
