// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

// tokenList answers GET /tokens: the caller's own API tokens, newest
// first, revoked ones included (with revoked_at) so the record is whole.
// The secrets themselves are never shown again.
func (a *api) tokenList(w http.ResponseWriter, r *router.Request) {
	tks, err := a.Accounts.Tokens(r.Context(), r.Actor.UserID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]tokenJSON, 0, len(tks))
	for _, tk := range tks {
		out = append(out, tokenOut(tk))
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
}
