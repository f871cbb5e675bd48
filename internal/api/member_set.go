// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/identity"
	"embargo/internal/router"
)

type memberSetRequest struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

// memberSet answers PUT /projects/{slug}/members: it adds an existing
// account to the project or changes its role. People without an account
// are invited instead (POST …/invitations).
func (a *api) memberSet(w http.ResponseWriter, r *router.Request) {
	var req memberSetRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	// Checked here because the lookup by email must never see text that
	// cannot be an address (a NUL byte is an error on PostgreSQL).
	email, err := identity.Email("email", req.Email)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	m, err := a.Projects.SetMember(r.Context(), r.Actor, r.Project, email, req.Role)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// Reload for the stored join date: a role change keeps the original one.
	ms, err := a.Projects.Members(r.Context(), r.Project.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	for _, x := range ms {
		if x.UserID == m.UserID {
			m = x
		}
	}
	writeJSON(w, http.StatusOK, memberOut(m))
}
