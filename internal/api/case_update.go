// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

// caseUpdate answers PATCH /cases/{key}: fields left out stay as they are.
// State changes go through POST …/transitions instead.
func (a *api) caseUpdate(w http.ResponseWriter, r *router.Request) {
	var req caseFields
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.Cases.Update(r.Context(), r.Actor, r.Case.Key, req.input())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.caseOne(r, c)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
