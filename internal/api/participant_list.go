// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

// participantList answers GET /cases/{key}/participants with every
// participant of the case, invited, accepted and revoked.
func (a *api) participantList(w http.ResponseWriter, r *router.Request) {
	ps, err := a.Cases.Participants(r.Context(), r.Case)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]participantJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, participantOut(p))
	}
	writeJSON(w, http.StatusOK, map[string]any{"participants": out})
}
