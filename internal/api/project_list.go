// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

// projectList answers GET /projects: the projects the caller is a member
// of, or every project for an instance admin, as summaries (settings are
// for members, through GET /projects/{slug}).
func (a *api) projectList(w http.ResponseWriter, r *router.Request) {
	ps, err := a.Projects.ListFor(r.Context(), r.Actor)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]projectSummaryJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, projectSummary(p, r.Actor))
	}
	writeJSON(w, http.StatusOK, map[string]any{"projects": out})
}
