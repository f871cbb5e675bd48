// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/cases"
	"embargo/internal/router"
)

type caseAssignRequest struct {
	CoordinatorID *int64  `json:"coordinator_id"`
	AssigneeIDs   []int64 `json:"assignee_ids"`
}

// caseAssign answers PUT /cases/{key}/assignment: it replaces the
// coordinator (null or absent for none) and the assignees (absent for
// none). Everyone named must be a responder or admin of the project.
func (a *api) caseAssign(w http.ResponseWriter, r *router.Request) {
	var req caseAssignRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	as := cases.Assignment{AssigneeIDs: req.AssigneeIDs}
	if req.CoordinatorID != nil {
		as.CoordinatorID = *req.CoordinatorID
	}
	c, err := a.Cases.Assign(r.Context(), r.Actor, r.Case.Key, as)
	if err != nil {
		a.fail(w, r, err, "coordinator", "coordinator_id", "assignees", "assignee_ids")
		return
	}
	out, err := a.caseOne(r, c)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
