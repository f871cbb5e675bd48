// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

type tokenCreateRequest struct {
	Name string `json:"name"`
}

// tokenCreatedJSON is a new token with its secret, returned only here:
// the server keeps just a hash.
type tokenCreatedJSON struct {
	tokenJSON
	Token string `json:"token"`
}

// tokenCreate answers POST /tokens: a new API token for the caller.
func (a *api) tokenCreate(w http.ResponseWriter, r *router.Request) {
	var req tokenCreateRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	plain, tk, err := a.Accounts.CreateToken(r.Context(), r.Actor, r.Actor.Email, req.Name)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	created(w, "", tokenCreatedJSON{tokenJSON: tokenOut(tk), Token: plain})
}
