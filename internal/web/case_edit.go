// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"

	"embargo/internal/router"
)

// caseEdit changes a case's title, description, severity and component.
func (h *web) caseEdit(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Cases.Update(r.Context(), r.Actor, r.Case.Key, caseInput(r)); err != nil {
		h.caseFormError(w, r, "edit", err, "title", "description", "severity", "component")
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key, "case-saved")
}
