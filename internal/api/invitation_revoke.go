// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

// invitationRevoke answers DELETE /projects/{slug}/invitations/{id}: the
// link stops working. Only pending invitations of this project qualify.
func (a *api) invitationRevoke(w http.ResponseWriter, r *router.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Projects.RevokeInvitation(r.Context(), r.Actor, r.Project, id); err != nil {
		a.fail(w, r, err)
		return
	}
	noContent(w)
}
