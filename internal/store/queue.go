// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// The team's queue views: each is a question a responder asks in the
// morning. internal/cases names them for people.
const (
	QueueNeedsAck      = "needs-acknowledgement"
	QueueOverdue       = "overdue"
	QueueDueThisWeek   = "due-this-week"
	QueueWaitingOnUser = "waiting-on-reporter"
	QueueVerification  = "awaiting-verification"
	QueueMine          = "mine"
	QueueUnassigned    = "unassigned"
)

// QueueViews lists the views in the order the queue shows them.
var QueueViews = []string{QueueNeedsAck, QueueOverdue, QueueDueThisWeek, QueueWaitingOnUser, QueueVerification,
	QueueMine, QueueUnassigned}

// QueueScope is whose queue, over which projects, at what time.
type QueueScope struct {
	ProjectIDs []int64
	UserID     int64
	Now        int64
	WeekEnd    int64 // the end of "due this week"
	// OpenStates are the states in which a case still needs work.
	OpenStates []string
}

// queueWhere returns the condition selecting view's cases (alias c), its
// ORDER BY, and whether the view is driven by a small set of IDs rather
// than by the projects' indexes, appending its arguments through arg.
func queueWhere(view string, sc QueueScope, arg func(any) string) (where, order string, byID bool, err error) {
	open := func(col string) string {
		ph := make([]string, len(sc.OpenStates))
		for i, s := range sc.OpenStates {
			ph[i] = arg(s)
		}
		return col + " IN (" + strings.Join(ph, ", ") + ")"
	}
	// The number alone, so that the (project, state, number) index gives
	// the order; a tie-breaker would make the planner walk the project by
	// number instead.
	newest := "c.number DESC"
	soonest := "c.next_due_at, c.id"
	switch view {
	case QueueNeedsAck:
		return "c.state = 'new' AND EXISTS (SELECT 1 FROM reports r WHERE r.case_id = c.id)", "c.number, c.id", false, nil
	case QueueOverdue:
		return "c.next_due_at IS NOT NULL AND c.next_due_at < " + arg(sc.Now), soonest, false, nil
	case QueueDueThisWeek:
		return "c.next_due_at IS NOT NULL AND c.next_due_at >= " + arg(sc.Now) + " AND c.next_due_at < " + arg(sc.WeekEnd), soonest, false, nil
	case QueueWaitingOnUser:
		return "c.state = 'needs-info'", newest, false, nil
	case QueueVerification:
		return "c.state = 'fix-ready'", newest, false, nil
	case QueueMine:
		u := arg(sc.UserID)
		// One set of IDs from two indexes drives the query: an OR, or the
		// state index, would have the planner walk every open case of the
		// projects when the user has none.
		return open("c.state") + " AND c.id IN (SELECT id FROM cases WHERE coordinator_id = " + u +
			" UNION SELECT case_id FROM case_assignees WHERE user_id = " + u + ")", newest, true, nil
	case QueueUnassigned:
		return open("c.state") + " AND c.coordinator_id IS NULL AND NOT EXISTS (SELECT 1 FROM case_assignees a WHERE a.case_id = c.id)", newest, false, nil
	}
	return "", "", false, fmt.Errorf("store: unknown queue view %q", view)
}

// queueConditions returns view's full condition over the scope's
// projects. A view driven by IDs keeps SQLite from answering the project
// and state filters from their indexes (a unary + on the column), which
// it would otherwise prefer and walk whole; PostgreSQL plans the ID set
// first on its own.
func (t *Tx) queueConditions(view string, sc QueueScope, arg func(any) string) (string, string, error) {
	where, order, byID, err := queueWhere(view, sc, arg)
	if err != nil {
		return "", "", err
	}
	col := "c.project_id"
	if byID && t.engine == SQLite {
		col = "+c.project_id"
		where = strings.Replace(where, "c.state IN", "+c.state IN", 1)
	}
	ph := make([]string, len(sc.ProjectIDs))
	for i, id := range sc.ProjectIDs {
		ph[i] = arg(id)
	}
	return col + " IN (" + strings.Join(ph, ", ") + ") AND " + where, order, nil
}

// QueueCountCap is where the queue stops counting: a view holding more
// cases says "more than QueueCountCap-1", so that counting costs the same
// for a team with a hundred thousand cases as for one with ten.
const QueueCountCap = 100

// QueueCounts returns how many cases each view holds over the scope's
// projects, counting up to QueueCountCap; views without cases are absent.
func (t *Tx) QueueCounts(ctx context.Context, sc QueueScope) (map[string]int, error) {
	out := map[string]int{}
	if len(sc.ProjectIDs) == 0 {
		return out, nil
	}
	for _, view := range QueueViews {
		var args []any
		arg := func(v any) string {
			args = append(args, v)
			return "$" + strconv.Itoa(len(args))
		}
		where, _, err := t.queueConditions(view, sc, arg)
		if err != nil {
			return nil, err
		}
		var n int
		q := `SELECT COUNT(*) FROM (SELECT 1 FROM cases c WHERE ` + where + ` LIMIT ` + arg(QueueCountCap) + `) AS capped`
		if err := t.queryRow(ctx, q, args...).Scan(&n); err != nil {
			return nil, fmt.Errorf("store: unable to count queue %s: %w", view, err)
		}
		if n > 0 {
			out[view] = n
		}
	}
	return out, nil
}

// QueueCases returns one page of a view's cases over the scope's projects
// and whether more follow.
func (t *Tx) QueueCases(ctx context.Context, view string, sc QueueScope, limit, offset int) ([]*Case, bool, error) {
	if len(sc.ProjectIDs) == 0 {
		return nil, false, nil
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where, order, err := t.queueConditions(view, sc, arg)
	if err != nil {
		return nil, false, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	q := `SELECT ` + caseColumns + ` FROM cases c JOIN projects p ON p.id = c.project_id WHERE ` + where +
		` ORDER BY ` + order + ` LIMIT ` + arg(limit+1) + ` OFFSET ` + arg(max(offset, 0))
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, false, fmt.Errorf("store: unable to list queue %s: %w", view, err)
	}
	defer rows.Close()
	var out []*Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, false, fmt.Errorf("store: unable to list queue %s: %w", view, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("store: unable to list queue %s: %w", view, err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}
