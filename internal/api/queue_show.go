// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"
	"slices"
	"strings"

	"embargo/internal/cases"
	"embargo/internal/router"
	"embargo/internal/store"
)

// queueView is one view's count in the queue.
type queueViewJSON struct {
	View  string `json:"view"`
	Label string `json:"label"`
	Count int    `json:"count"`
	// MoreThan is true when the view holds more cases than Count, where
	// the queue stops counting.
	MoreThan bool `json:"more_than"`
}

// queueShow answers GET /queue: the team's queue over every project whose
// cases the actor may read, as counts per view and one page of one view
// (view, limit, offset).
func (a *api) queueShow(w http.ResponseWriter, r *router.Request) {
	q := r.URL.Query()
	err := onlyParams(q, "view", "limit", "offset")
	var view string
	var limit, offset int
	if err == nil {
		view, err = stringParam(q, "view")
		if err == nil && view != "" && !slices.Contains(store.QueueViews, view) {
			err = invalidParam("view", "must be one of %s", strings.Join(store.QueueViews, ", "))
		}
	}
	if err == nil {
		limit, err = intParam(q, "limit", defaultPageSize, 1, maxPageSize)
	}
	if err == nil {
		offset, err = intParam(q, "offset", 0, 0, maxOffset)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ps, err := a.Projects.ListFor(r.Context(), r.Actor)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.Cases.Queue(r.Context(), r.Actor, ps, view, limit, offset)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items, err := a.casesOut(r, out.Cases)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	views := make([]queueViewJSON, 0, len(store.QueueViews))
	for _, v := range store.QueueViews {
		n := out.Counts[v]
		one := queueViewJSON{View: v, Label: cases.QueueLabel(v), Count: n}
		if n >= store.QueueCountCap {
			one.Count, one.MoreThan = store.QueueCountCap-1, true
		}
		views = append(views, one)
	}
	var next *int
	if out.More {
		n := offset + len(out.Cases)
		next = &n
	}
	writeJSON(w, http.StatusOK, map[string]any{"view": out.View, "views": views, "cases": items, "limit": limit,
		"offset": offset, "has_more": out.More, "next_offset": next})
}
