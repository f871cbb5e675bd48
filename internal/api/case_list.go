// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"embargo/internal/cases"
	"embargo/internal/router"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// Paging limits shared by every paginated list.
const (
	defaultPageSize = 50
	maxPageSize     = 200
	maxOffset       = 1 << 31
)

// caseList answers GET /projects/{slug}/cases, newest first. Filters:
// state (repeatable or comma-separated; "open" stands for every state
// that still needs work), severity, priority, assignee ("me" or a user
// ID: cases the user coordinates or is assigned to), component (exact),
// label, include_spam, limit and offset. Cases rejected as spam are left out unless the filter asks for
// rejected cases or include_spam is true. With q the list is the cases
// matching it in full-text search, the most relevant first, each with
// the parts that matched.
func (a *api) caseList(w http.ResponseWriter, r *router.Request) {
	f, err := caseFilterParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f.ProjectID = r.Project.ID
	if strings.TrimSpace(f.Query) != "" {
		res, err := a.Cases.Search(r.Context(), f)
		if err != nil {
			a.fail(w, r, queryParamError(err))
			return
		}
		a.searchOut(w, r, f, res)
		return
	}
	cs, more, err := a.Cases.List(r.Context(), f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items, err := a.casesOut(r, cs)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeCaseList(w, f, items, more)
}

// caseFilterParams reads the filters of a case list or search from the
// query string (cases.ParseFilter), and its paging, refusing unknown
// parameters.
func caseFilterParams(r *router.Request) (store.CaseFilter, error) {
	q := r.URL.Query()
	if err := onlyParams(q, append(slices.Clone(cases.FilterParams), "limit", "offset")...); err != nil {
		return store.CaseFilter{}, err
	}
	f, err := cases.ParseFilter(q, r.Actor.UserID)
	if verr, ok := errors.AsType[*validation.Error](err); ok {
		return f, invalidParam(verr.Field, "%s", verr.Message)
	}
	if err == nil {
		f.Limit, err = intParam(q, "limit", defaultPageSize, 1, maxPageSize)
	}
	if err == nil {
		f.Offset, err = intParam(q, "offset", 0, 0, maxOffset)
	}
	return f, err
}

// searchOut renders a page of search hits as a case list whose cases say
// where they matched.
func (a *api) searchOut(w http.ResponseWriter, r *router.Request, f store.CaseFilter, res *cases.SearchResult) {
	cs := make([]*store.Case, len(res.Hits))
	for i, h := range res.Hits {
		cs[i] = h.Case
	}
	items, err := a.casesOut(r, cs)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	for i, h := range res.Hits {
		items[i].MatchedIn = h.MatchedIn
		if items[i].MatchedIn == nil {
			items[i].MatchedIn = []string{}
		}
	}
	writeCaseList(w, f, items, res.More)
}

// queryParamError turns the search's refusal of q, a query parameter,
// into the 400 every bad parameter gets.
func queryParamError(err error) error {
	var verr *validation.Error
	if errors.As(err, &verr) && verr.Field == "q" {
		return invalidParam("q", "%s", verr.Message)
	}
	return err
}

func writeCaseList(w http.ResponseWriter, f store.CaseFilter, items []caseJSON, more bool) {
	var next *int
	if more {
		n := f.Offset + len(items)
		next = &n
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": items, "limit": f.Limit, "offset": f.Offset,
		"has_more": more, "next_offset": next})
}

// casesOut renders cases with their assignees, CVSS scores, CWEs and
// priorities, each loaded in a query or few.
func (a *api) casesOut(r *router.Request, cs []*store.Case) ([]caseJSON, error) {
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	assignees, err := a.Cases.Assignees(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	scores, cwes, err := a.Cases.Classifications(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	priorities, err := a.Cases.Priorities(r.Context(), cs)
	if err != nil {
		return nil, err
	}
	labels, err := a.Cases.Labels(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	out := make([]caseJSON, 0, len(cs))
	for _, c := range cs {
		one := classified(caseOut(c, assignees[c.ID]), scores[c.ID], cwes[c.ID])
		one.Priority, one.PrioritySource = priorities[c.ID].Value, priorities[c.ID].Source
		one.Labels = labels[c.ID]
		if one.Labels == nil {
			one.Labels = []string{}
		}
		out = append(out, one)
	}
	return out, nil
}

// caseOne renders one case with its assignees.
func (a *api) caseOne(r *router.Request, c *store.Case) (caseJSON, error) {
	out, err := a.casesOut(r, []*store.Case{c})
	if err != nil {
		return caseJSON{}, err
	}
	e, err := a.Cases.EmbargoOf(r.Context(), c)
	if err != nil {
		return caseJSON{}, err
	}
	out[0].Embargo = embargoOut(e, a.Cases.Clock.Now())
	return out[0], nil
}
