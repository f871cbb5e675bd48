// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

// memberList answers GET /projects/{slug}/members, ordered by name.
func (a *api) memberList(w http.ResponseWriter, r *router.Request) {
	ms, err := a.Projects.Members(r.Context(), r.Project.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]memberJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, memberOut(m))
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": out})
}
