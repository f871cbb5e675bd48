// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

// submittedReportJSON is one report the caller sent while signed in.
type submittedReportJSON struct {
	Reference   string    `json:"reference"`
	Project     string    `json:"project"`
	Case        string    `json:"case"`
	Title       string    `json:"title"`
	State       string    `json:"state"`
	SubmittedAt timestamp `json:"submitted_at"`
	UpdatedAt   timestamp `json:"updated_at"`
}

// reportList answers GET /me/reports: the reports the caller sent while
// signed in (through the form or this API with a token), newest first,
// paged with limit and offset. updated_at is the last activity: a change
// of the case or a message in its thread.
func (a *api) reportList(w http.ResponseWriter, r *router.Request) {
	q := r.URL.Query()
	if err := onlyParams(q, "limit", "offset"); err != nil {
		a.fail(w, r, err)
		return
	}
	limit, err := intParam(q, "limit", defaultPageSize, 1, maxPageSize)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	offset, err := intParam(q, "offset", 0, 0, maxOffset)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rs, more, err := a.Intake.SubmittedReports(r.Context(), r.Actor.UserID, limit, offset)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items := make([]submittedReportJSON, len(rs))
	for i, s := range rs {
		items[i] = submittedReportJSON{Reference: s.Reference, Project: s.Case.ProjectSlug, Case: s.Case.Key,
			Title: s.Case.Title, State: s.Case.State, SubmittedAt: timestamp(s.SubmittedAt), UpdatedAt: timestamp(s.LastActivityAt)}
	}
	var next *int
	if more {
		n := offset + len(items)
		next = &n
	}
	writeJSON(w, http.StatusOK, map[string]any{"reports": items, "limit": limit, "offset": offset,
		"has_more": more, "next_offset": next})
}
