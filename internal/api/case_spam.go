// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/intake"
	"embargo/internal/router"
)

type caseSpamRequest struct {
	BlockAddress bool `json:"block_address"`
	BlockKey     bool `json:"block_key"`
}

// caseSpam answers POST /cases/{key}/spam: it rejects the case as spam,
// which hides it from the default case lists, and blocks the report's
// client address and reporter key for the project as asked. A case that
// cannot move to rejected is 409; asking to block what the report lacks
// is 422.
func (a *api) caseSpam(w http.ResponseWriter, r *router.Request) {
	var req caseSpamRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.Intake.MarkSpam(r.Context(), r.Actor, r.Case.Key, intake.Spam{BlockAddress: req.BlockAddress, BlockKey: req.BlockKey})
	a.answerCase(w, r, c, err, http.StatusOK)
}
