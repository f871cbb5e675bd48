// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/authz"
	"embargo/internal/router"
)

type userCreateRequest struct {
	Email         string `json:"email"`
	Name          string `json:"name"`
	Password      string `json:"password"`
	InstanceAdmin bool   `json:"instance_admin"`
}

// userCreate answers POST /users: an instance admin creates an account
// with an initial password (at least 12 characters).
func (a *api) userCreate(w http.ResponseWriter, r *router.Request) {
	var req userCreateRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	u, err := a.Accounts.CreateUser(r.Context(), r.Actor, authz.NewUser{Email: req.Email, Name: req.Name,
		Password: req.Password, Admin: req.InstanceAdmin})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	created(w, "", userOut(u))
}
