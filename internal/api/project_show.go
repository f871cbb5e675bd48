// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

// projectShow answers GET /projects/{slug} with the project and its
// settings.
func (a *api) projectShow(w http.ResponseWriter, r *router.Request) {
	out, err := projectFull(r.Project, r.Actor)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
