// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

// participantRevoke answers DELETE /cases/{key}/participants/{id}: the
// participant loses access at once, and their link stops working.
func (a *api) participantRevoke(w http.ResponseWriter, r *router.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Cases.RevokeParticipant(r.Context(), r.Actor, r.Case.Key, id); err != nil {
		a.fail(w, r, err)
		return
	}
	noContent(w)
}
