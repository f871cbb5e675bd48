// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
	"embargo/internal/validation"
)

// reporterLinkOut is the reporter link after a change: the new link,
// shown this once, or null after a revocation.
type reporterLinkOut struct {
	ReporterURL *string `json:"reporter_url"`
}

// reporterLinkSet answers POST /cases/{key}/reporter-link: {"action":
// "revoke"} kills the reporter's link at once; {"action": "reissue"}
// replaces it with a new one.
func (a *api) reporterLinkSet(w http.ResponseWriter, r *router.Request) {
	var req struct {
		Action string `json:"action"`
	}
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	switch req.Action {
	case "revoke":
		if err := a.Intake.RevokeLink(r.Context(), r.Actor, r.Case); err != nil {
			a.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, reporterLinkOut{})
	case "reissue":
		token, err := a.Intake.ReissueLink(r.Context(), r.Actor, r.Case)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		link := a.BaseURL + "/r/" + token
		writeJSON(w, http.StatusOK, reporterLinkOut{ReporterURL: &link})
	default:
		a.fail(w, r, validation.Errorf("action", "must be revoke or reissue"))
	}
}
