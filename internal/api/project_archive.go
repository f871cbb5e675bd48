// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

// projectArchive answers POST /projects/{slug}/archive: the project
// becomes read-only. Archiving an archived project changes nothing.
func (a *api) projectArchive(w http.ResponseWriter, r *router.Request) {
	a.setArchived(w, r, true)
}

// projectUnarchive answers POST /projects/{slug}/unarchive.
func (a *api) projectUnarchive(w http.ResponseWriter, r *router.Request) {
	a.setArchived(w, r, false)
}

// setArchived answers with the project summary: an instance admin may
// archive a project whose settings they may not read.
func (a *api) setArchived(w http.ResponseWriter, r *router.Request, archived bool) {
	p, err := a.Projects.SetArchived(r.Context(), r.Actor, r.Project.Slug, archived)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, projectSummary(p, r.Actor))
}
