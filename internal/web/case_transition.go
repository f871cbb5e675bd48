// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"

	"embargo/internal/cases"
	"embargo/internal/router"
)

// caseTransition moves a case to another state. An illegal move (someone
// else moved it first) comes back as a conflict naming the legal ones.
func (h *web) caseTransition(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f := r.PostForm
	tr := cases.Transition{To: f.Get("to"), Resolution: f.Get("resolution"), Reason: f.Get("reason")}
	if _, err := h.Cases.Move(r.Context(), r.Actor, r.Case.Key, tr); err != nil {
		h.caseFormError(w, r, "transition", err, "resolution", "reason")
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key, "case-moved")
}
