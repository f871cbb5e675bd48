// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"

	"embargo/internal/intake"
	"embargo/internal/router"
)

// caseSpam rejects the case as spam and blocks the report's sender as the
// ticked boxes ask ("block_address", "block_key").
func (h *web) caseSpam(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f := r.PostForm
	sp := intake.Spam{BlockAddress: f.Get("block_address") != "", BlockKey: f.Get("block_key") != ""}
	if _, err := h.Intake.MarkSpam(r.Context(), r.Actor, r.Case.Key, sp); err != nil {
		// No field markers: the page shows the message above the case,
		// where a refusal of the whole action belongs.
		h.caseFormError(w, r, "spam", err)
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key, "case-spam")
}
