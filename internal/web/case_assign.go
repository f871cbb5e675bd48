// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"
	"strconv"

	"embargo/internal/cases"
	"embargo/internal/router"
	"embargo/internal/validation"
)

// caseAssign sets a case's coordinator and assignees.
func (h *web) caseAssign(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	var a cases.Assignment
	var err error
	if c := r.PostForm.Get("coordinator"); c != "" {
		if a.CoordinatorID, err = strconv.ParseInt(c, 10, 64); err != nil {
			h.caseFormError(w, r, "assign", validation.Errorf("coordinator", "is not a member"), "coordinator")
			return
		}
	}
	for _, s := range r.PostForm["assignees"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			h.caseFormError(w, r, "assign", validation.Errorf("assignees", "is not a member"), "assignees")
			return
		}
		a.AssigneeIDs = append(a.AssigneeIDs, id)
	}
	if _, err := h.Cases.Assign(r.Context(), r.Actor, r.Case.Key, a); err != nil {
		h.caseFormError(w, r, "assign", err, "coordinator", "assignees")
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key, "case-assigned")
}
