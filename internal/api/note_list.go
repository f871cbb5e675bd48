// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

// noteList answers GET /cases/{key}/notes, oldest first.
func (a *api) noteList(w http.ResponseWriter, r *router.Request) {
	ns, err := a.Cases.Notes(r.Context(), r.Case.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]noteJSON, 0, len(ns))
	for _, n := range ns {
		out = append(out, noteOut(n, r.Case.Key))
	}
	writeJSON(w, http.StatusOK, map[string]any{"notes": out})
}
