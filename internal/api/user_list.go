// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

// userList answers GET /users: every account, by name.
func (a *api) userList(w http.ResponseWriter, r *router.Request) {
	us, err := a.Accounts.Users(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]userJSON, 0, len(us))
	for _, u := range us {
		out = append(out, userOut(u))
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": out})
}
