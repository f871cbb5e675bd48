// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

// invitationList answers GET /projects/{slug}/invitations with the
// pending ones (not accepted, revoked or expired). Their links are never
// shown again after creation: only a hash is stored.
func (a *api) invitationList(w http.ResponseWriter, r *router.Request) {
	ins, err := a.Projects.OpenInvitations(r.Context(), r.Project.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]invitationJSON, 0, len(ins))
	for _, in := range ins {
		out = append(out, invitationOut(in))
	}
	writeJSON(w, http.StatusOK, map[string]any{"invitations": out})
}
