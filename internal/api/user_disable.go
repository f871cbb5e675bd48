// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"errors"
	"net/http"

	"embargo/internal/router"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// userDisable answers POST /users/{id}/disable: the account can no longer
// sign in or use its tokens. Admins cannot disable themselves (409).
func (a *api) userDisable(w http.ResponseWriter, r *router.Request) {
	a.setDisabled(w, r, true)
}

// userEnable answers POST /users/{id}/enable.
func (a *api) userEnable(w http.ResponseWriter, r *router.Request) {
	a.setDisabled(w, r, false)
}

func (a *api) setDisabled(w http.ResponseWriter, r *router.Request, disabled bool) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Accounts.SetDisabled(r.Context(), r.Actor, id, disabled); err != nil {
		a.fail(w, r, err)
		return
	}
	u, err := a.Accounts.User(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		err = &validation.NotFound{What: "user"}
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, userOut(u))
}
