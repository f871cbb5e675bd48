// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"

	"embargo/internal/authz"
	"embargo/internal/router"
	"embargo/internal/store"
)

// projectCard is one project on the dashboard.
type projectCard struct {
	Project   *store.Project
	Role      authz.Role
	OpenCases int
}

// homeData is the dashboard's content.
type homeData struct {
	Projects  []projectCard
	CanCreate bool
}

// home is the dashboard: the projects the actor can see, with how many
// cases in each still need work.
func (h *web) home(w http.ResponseWriter, r *router.Request) {
	ps, err := h.Projects.ListFor(r.Context(), r.Actor)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	counts, err := h.Cases.OpenCounts(r.Context(), ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := homeData{CanCreate: can(r, authz.ActionProjectCreate)}
	for _, p := range ps {
		d.Projects = append(d.Projects, projectCard{Project: p, Role: r.Actor.Role(p.ID), OpenCases: counts[p.ID]})
	}
	pg := newPage(r, "Projects")
	pg.Data = d
	h.render(w, r.Request, http.StatusOK, viewHome, pg)
}
