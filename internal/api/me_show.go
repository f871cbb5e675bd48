// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

type membershipJSON struct {
	Project     string `json:"project"`
	ProjectName string `json:"project_name"`
	Role        string `json:"role"`
}

// meShow answers GET /me: the caller's account and project roles.
func (a *api) meShow(w http.ResponseWriter, r *router.Request) {
	u, err := a.Accounts.User(r.Context(), r.Actor.UserID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ps, err := a.Projects.MemberProjects(r.Context(), u.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ms := make([]membershipJSON, 0, len(ps))
	for _, p := range ps {
		// The roles the router authorized with, so the answer matches
		// what this request was allowed to do.
		if role := r.Actor.Role(p.ID); role != "" {
			ms = append(ms, membershipJSON{Project: p.Slug, ProjectName: p.Name, Role: string(role)})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": userOut(u), "memberships": ms})
}
