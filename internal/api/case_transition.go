// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/cases"
	"embargo/internal/router"
)

type caseTransitionRequest struct {
	To         string `json:"to"`
	Reason     string `json:"reason"`
	Resolution string `json:"resolution"`
}

// caseTransition answers POST /cases/{key}/transitions: it moves the case
// to another state. An illegal move is 409 naming the legal ones;
// rejecting needs a resolution and a reason, reopening a reason (422).
func (a *api) caseTransition(w http.ResponseWriter, r *router.Request) {
	var req caseTransitionRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.Cases.Move(r.Context(), r.Actor, r.Case.Key, cases.Transition{To: req.To, Reason: req.Reason, Resolution: req.Resolution})
	a.answerCase(w, r, c, err, http.StatusOK)
}
