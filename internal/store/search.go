// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Full-text search over cases. The index (migration 0009) holds one
// document per case made of four parts; this file is the one place that
// knows how each engine queries it: FTS5 MATCH with bm25 on SQLite,
// tsquery with ts_rank on PostgreSQL. Every term reaches the engine quoted
// or as a bound parameter of a function that does not parse operators, so
// no text a user types can change the query's structure or make it fail.

// The parts of a case the index holds, as SearchHit.MatchedIn names them.
const (
	MatchTitle       = "title"       // the case key and title
	MatchDescription = "description" // description, component, and the report's product, versions, steps and impact
	MatchNote        = "note"        // internal notes
	MatchThread      = "thread"      // the reporter thread
)

// matchParts lists the parts in index order with the FTS5 column and the
// tsvector weight that hold each.
var matchParts = []struct{ name, column, weight string }{
	{MatchTitle, "title", "a"},
	{MatchDescription, "description", "b"},
	{MatchNote, "notes", "c"},
	{MatchThread, "thread", "d"},
}

// SearchTerm is one word, or a phrase of words, to search for. With Prefix
// its last word matches every word it begins.
type SearchTerm struct {
	Text   string
	Prefix bool
}

// TextQuery is a parsed full-text query: a case matches when, for every
// group of All, it contains at least one of the group's terms, and it
// contains none of Exclude.
type TextQuery struct {
	All     [][]SearchTerm
	Exclude []SearchTerm
}

// Searchable reports whether text holds something the index can find: a
// letter or a digit. Both engines' tokenizers drop everything else.
func Searchable(text string) bool {
	return strings.IndexFunc(text, isWordRune) >= 0
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }

// words splits text into the runs of letters and digits the tokenizers see.
func words(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return !isWordRune(r) })
}

// clean drops terms that cannot match anything and the groups left empty.
func (q TextQuery) clean() TextQuery {
	var out TextQuery
	for _, g := range q.All {
		var kept []SearchTerm
		for _, t := range g {
			if t.Text = sanitize(t.Text); Searchable(t.Text) {
				kept = append(kept, t)
			}
		}
		if len(kept) > 0 {
			out.All = append(out.All, kept)
		}
	}
	for _, t := range q.Exclude {
		if t.Text = sanitize(t.Text); Searchable(t.Text) {
			out.Exclude = append(out.Exclude, t)
		}
	}
	return out
}

// sanitize makes s valid UTF-8 without NUL, which PostgreSQL refuses in
// text.
func sanitize(s string) string {
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", " "), " ")
}

// positive returns every term of All.
func (q TextQuery) positive() []SearchTerm {
	var out []SearchTerm
	for _, g := range q.All {
		out = append(out, g...)
	}
	return out
}

// ftsString quotes s as an FTS5 string: inside double quotes nothing is an
// operator, and a doubled quote is a literal one.
func ftsString(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func ftsTerm(t SearchTerm) string {
	if t.Prefix {
		return ftsString(t.Text) + "*"
	}
	return ftsString(t.Text)
}

func ftsAny(terms []SearchTerm) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = ftsTerm(t)
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// textColumns restricts a user's terms to the text of a case, never its
// scope column.
const textColumns = "{title description notes thread}"

// FTSMatch renders q (already cleaned, with at least one group) as an FTS5
// MATCH expression limited to the given projects.
func FTSMatch(q TextQuery, projectIDs []int64) string {
	var b strings.Builder
	scopes := make([]string, len(projectIDs))
	for i, id := range projectIDs {
		scopes[i] = ftsString("p" + strconv.FormatInt(id, 10))
	}
	b.WriteString("({scope} : (" + strings.Join(scopes, " OR ") + ") AND " + textColumns + " : (")
	for i, g := range q.All {
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteString(ftsAny(g))
	}
	b.WriteString("))")
	if len(q.Exclude) > 0 {
		return "(" + b.String() + " NOT " + textColumns + " : " + ftsAny(q.Exclude) + ")"
	}
	return b.String()
}

// pgTerm renders t as a tsquery expression whose user text is a bound
// parameter. phraseto_tsquery never parses operators in its argument;
// a prefix is built for to_tsquery from letter and digit runs only, each
// quoted, which cannot spell an operator either.
func pgTerm(t SearchTerm, arg func(any) string) string {
	if !t.Prefix {
		return "phraseto_tsquery('simple', " + arg(t.Text) + ")"
	}
	ws := words(strings.ToLower(t.Text))
	for i, w := range ws {
		ws[i] = "'" + w + "'"
	}
	return "to_tsquery('simple', " + arg(strings.Join(ws, " <-> ")+":*") + ")"
}

func pgAny(terms []SearchTerm, arg func(any) string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = pgTerm(t, arg)
	}
	return "(" + strings.Join(parts, " || ") + ")"
}

// pgQuery renders q (already cleaned, with at least one group) as a
// tsquery expression.
func pgQuery(q TextQuery, arg func(any) string) string {
	groups := make([]string, len(q.All))
	for i, g := range q.All {
		groups[i] = pgAny(g, arg)
	}
	out := "(" + strings.Join(groups, " && ") + ")"
	if len(q.Exclude) > 0 {
		out = "(" + out + " && !!" + pgAny(q.Exclude, arg) + ")"
	}
	return out
}

// SearchWindow is how many of the newest cases containing a query's words
// SearchCases ranks and filters; a query matching more shows the best of
// those, and finds older ones only when narrowed with more words.
const SearchWindow = 5000

// SearchFilter selects cases by full-text query. CaseFilter's ProjectID,
// States, Severity, AssigneeID, HideSpam, Limit and Offset apply as in
// ListCases; its Query is not read.
type SearchFilter struct {
	CaseFilter
	// ProjectIDs searches several projects at once when ProjectID is 0.
	// Neither set: nothing matches.
	ProjectIDs []int64
	Text       TextQuery
}

// SearchHit is one case a search found, with the parts of it that hold at
// least one of the query's terms (MatchTitle, …), in index order.
type SearchHit struct {
	Case      *Case
	MatchedIn []string
}

// SearchCases returns one page of the cases matching f, the most relevant
// first (newest first among equals), and whether more follow. A query
// without a searchable term matches nothing.
func (t *Tx) SearchCases(ctx context.Context, f SearchFilter) ([]*SearchHit, bool, error) {
	q := f.Text.clean()
	projects := f.ProjectIDs
	if f.ProjectID != 0 {
		projects = []int64{f.ProjectID}
	}
	if len(q.All) == 0 || len(projects) == 0 {
		return nil, false, nil
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	// Ranking reads every candidate's index entry, so it is bounded: only
	// the newest SearchWindow cases that contain the words are ranked and
	// filtered. Finding those is cheap on both engines (FTS5 walks its
	// doclists newest first and stops; PostgreSQL sorts ids, not
	// documents), so a broad query costs what a narrow one does.
	var query string
	window := strconv.Itoa(SearchWindow - 1)
	if t.engine == Postgres {
		tsq := pgQuery(q, arg)
		ph := make([]string, len(projects))
		for i, id := range projects {
			ph[i] = arg(id)
		}
		inProjects := "project_id IN (" + strings.Join(ph, ", ") + ")"
		where := append([]string{"s.document @@ " + tsq, "s." + inProjects,
			"s.case_id >= COALESCE((SELECT case_id FROM case_search WHERE document @@ " + tsq + " AND " + inProjects +
				" ORDER BY case_id DESC LIMIT 1 OFFSET " + window + "), 0)"},
			append(caseConditions(f.CaseFilter, arg), labelCondition(f.CaseFilter, arg)...)...)
		// ts_rank normalisation 1 divides by the log of the document's
		// length, so a long thread does not outrank a title.
		query = `SELECT ` + caseColumns + ` FROM case_search s JOIN cases c ON c.id = s.case_id
			JOIN projects p ON p.id = c.project_id WHERE ` + strings.Join(where, " AND ") + `
			ORDER BY ts_rank(s.document, ` + tsq + `, 1) DESC, c.id DESC`
	} else {
		m := arg(FTSMatch(q, projects))
		where := append([]string{"case_search MATCH " + m,
			"s.rowid >= COALESCE((SELECT rowid FROM case_search WHERE case_search MATCH " + m +
				" ORDER BY rowid DESC LIMIT 1 OFFSET " + window + "), 0)"},
			append(caseConditions(f.CaseFilter, arg), labelCondition(f.CaseFilter, arg)...)...)
		// CROSS JOIN keeps the index the outer loop: the planner would
		// otherwise probe it once per case of the project.
		query = `SELECT ` + caseColumns + ` FROM case_search s CROSS JOIN cases c ON c.id = s.rowid
			JOIN projects p ON p.id = c.project_id WHERE ` + strings.Join(where, " AND ") + `
			ORDER BY s.rank, c.id DESC`
	}
	query += ` LIMIT ` + arg(limit+1) + ` OFFSET ` + arg(max(f.Offset, 0))
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, false, fmt.Errorf("store: unable to search cases: %w", err)
	}
	defer rows.Close()
	var out []*SearchHit
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, false, fmt.Errorf("store: unable to search cases: %w", err)
		}
		out = append(out, &SearchHit{Case: c})
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("store: unable to search cases: %w", err)
	}
	rows.Close()
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	if err := t.matchedIn(ctx, out, q); err != nil {
		return nil, false, err
	}
	return out, more, nil
}

// matchedIn fills in which parts of each hit hold one of the query's
// terms, with one query over the page's cases only. On PostgreSQL each
// part is a weight of the document (ts_filter) of the rows read by id. On
// SQLite each part is a column: one scan per column of the matches between
// the page's lowest and highest id, filtered here, is far cheaper than
// probing FTS5 once per id (each probe sets the doclists up again), and the
// search window bounds it.
func (t *Tx) matchedIn(ctx context.Context, hits []*SearchHit, q TextQuery) error {
	if len(hits) == 0 {
		return nil
	}
	byID := make(map[int64]*SearchHit, len(hits))
	lo, hi := hits[0].Case.ID, hits[0].Case.ID
	for _, h := range hits {
		byID[h.Case.ID] = h
		lo, hi = min(lo, h.Case.ID), max(hi, h.Case.ID)
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	terms := q.positive()
	var query string
	if t.engine == Postgres {
		ids := make([]string, len(hits))
		for i, h := range hits {
			ids[i] = arg(h.Case.ID)
		}
		any := pgAny(terms, arg)
		var cols []string
		for _, p := range matchParts {
			cols = append(cols, `ts_filter(document, '{`+p.weight+`}') @@ `+any)
		}
		query = `SELECT case_id, ` + strings.Join(cols, ", ") + ` FROM case_search WHERE case_id IN (` + strings.Join(ids, ", ") + `)`
	} else {
		from, to := arg(lo), arg(hi)
		var parts []string
		for i, p := range matchParts {
			cols := []string{"0", "0", "0", "0"}
			cols[i] = "1"
			parts = append(parts, `SELECT rowid, `+strings.Join(cols, ", ")+` FROM case_search WHERE case_search MATCH `+
				arg("{"+p.column+"} : "+ftsAny(terms))+` AND rowid BETWEEN `+from+` AND `+to)
		}
		query = strings.Join(parts, " UNION ALL ")
	}
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: unable to search cases: %w", err)
	}
	defer rows.Close()
	found := map[int64]*[4]bool{}
	for rows.Next() {
		var id int64
		var in [4]bool
		if err := rows.Scan(&id, &in[0], &in[1], &in[2], &in[3]); err != nil {
			return fmt.Errorf("store: unable to search cases: %w", err)
		}
		if byID[id] == nil {
			continue // in the range, not on the page
		}
		f := found[id]
		if f == nil {
			f = &[4]bool{}
			found[id] = f
		}
		for i := range in {
			f[i] = f[i] || in[i]
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: unable to search cases: %w", err)
	}
	for id, f := range found {
		h := byID[id]
		for i, p := range matchParts {
			if f[i] {
				h.MatchedIn = append(h.MatchedIn, p.name)
			}
		}
	}
	return nil
}
