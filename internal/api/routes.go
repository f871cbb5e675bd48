// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/authz"
	"embargo/internal/router"
)

// routes registers every API endpoint with the action it requires.
func (a *api) routes(rt *router.Router) {
	rt.Handle("GET", "/projects", authz.ActionProjectList, a.projectList)
}

func (a *api) projectList(w http.ResponseWriter, r *router.Request) {
	ps, err := a.Projects.ListFor(r.Context(), r.Actor)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]map[string]any, 0, len(ps))
	for _, p := range ps {
		out = append(out, map[string]any{"slug": p.Slug, "name": p.Name})
	}
	writeJSON(w, http.StatusOK, map[string]any{"projects": out})
}
