// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

type noteCreateRequest struct {
	Body string `json:"body"`
}

// noteCreate answers POST /cases/{key}/notes: an internal note, visible
// to the project's team only.
func (a *api) noteCreate(w http.ResponseWriter, r *router.Request) {
	var req noteCreateRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.Cases.AddNote(r.Context(), r.Actor, r.Case.Key, req.Body)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	created(w, "", noteOut(n, r.Case.Key))
}
