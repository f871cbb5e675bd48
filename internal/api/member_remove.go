// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

// memberRemove answers DELETE /projects/{slug}/members/{user_id}. The last
// admin cannot be removed (409).
func (a *api) memberRemove(w http.ResponseWriter, r *router.Request) {
	id, err := pathID(r, "user_id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Projects.RemoveMember(r.Context(), r.Actor, r.Project, id); err != nil {
		a.fail(w, r, err)
		return
	}
	noContent(w)
}
