// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

// tokenRevoke answers DELETE /tokens/{id}: one of the caller's own tokens
// stops working at once. Someone else's token is 404, as if absent.
func (a *api) tokenRevoke(w http.ResponseWriter, r *router.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Accounts.RevokeToken(r.Context(), r.Actor, id); err != nil {
		a.fail(w, r, err)
		return
	}
	noContent(w)
}
