// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"

	"embargo/internal/router"
)

// noteCreate adds an internal note to a case.
func (h *web) noteCreate(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Cases.AddNote(r.Context(), r.Actor, r.Case.Key, r.PostForm.Get("body")); err != nil {
		h.caseFormError(w, r, "note", err, "body")
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key+"#notes", "note-added")
}
