// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"

	"embargo/internal/router"
)

// tokenCreate issues an API token for the signed-in user and shows it
// once: only its hash is kept.
func (h *web) tokenCreate(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	plain, _, err := h.Accounts.CreateToken(r.Context(), r.Actor, r.Actor.Email, r.PostForm.Get("name"))
	if err != nil {
		h.accountFormError(w, r, "token", err, "name")
		return
	}
	p := h.accountPage(w, r)
	if p == nil {
		return
	}
	d := p.Data.(accountData)
	d.NewToken = plain
	p.Data = d
	h.render(w, r.Request, http.StatusOK, viewAccount, p)
}

// tokenRevoke revokes one of the user's own tokens.
func (h *web) tokenRevoke(w http.ResponseWriter, r *router.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Accounts.RevokeToken(r.Context(), r.Actor, id); err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, "/account", "token-revoked")
}
