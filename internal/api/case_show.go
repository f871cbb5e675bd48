// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

// caseShow answers GET /cases/{key}.
func (a *api) caseShow(w http.ResponseWriter, r *router.Request) {
	out, err := a.caseOne(r, r.Case)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
