// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"

	"embargo/internal/router"
)

// caseAcknowledge acknowledges the case's report with the posted message
// (the prefilled template, possibly edited): the case moves to
// acknowledged, the message goes to the reporter and the acknowledgement
// is recorded, all at once.
func (h *web) caseAcknowledge(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Intake.Acknowledge(r.Context(), r.Actor, r.Project, r.Case.Key, r.PostForm.Get("message")); err != nil {
		h.caseFormError(w, r, "acknowledge", err, "message")
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key+"#reporter", "acknowledged")
}
