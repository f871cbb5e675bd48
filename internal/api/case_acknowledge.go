// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

type caseAcknowledgeRequest struct {
	Message string `json:"message"`
}

// caseAcknowledge answers POST /cases/{key}/acknowledge: it acknowledges
// the case's report in one transaction (new → acknowledged, the message,
// or the policy template when it is empty, to the reporter thread, the
// acknowledgement recorded, mail to the reporter queued). A case that is
// not new or already acknowledged is 409; one without a report 404.
func (a *api) caseAcknowledge(w http.ResponseWriter, r *router.Request) {
	var req caseAcknowledgeRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.Intake.Acknowledge(r.Context(), r.Actor, r.Project, r.Case.Key, req.Message)
	a.answerCase(w, r, c, err, http.StatusOK)
}
