// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"

	"embargo/internal/authz"
	"embargo/internal/router"
	"embargo/internal/validation"
)

// accountPassword changes the password. Every session of the user ends;
// this browser gets a fresh one so the user stays signed in here.
func (h *web) accountPassword(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f := r.PostForm
	fields := []string{"current_password", "new_password", "new_password_confirm"}
	if f.Get("new_password") != f.Get("new_password_confirm") {
		h.accountFormError(w, r, "password", validation.Errorf("new_password_confirm", "must match the new password"), fields...)
		return
	}
	keep, err := authz.NewSecret("")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Accounts.ChangePassword(r.Context(), r.Actor, f.Get("current_password"), f.Get("new_password"), keep); err != nil {
		h.accountFormError(w, r, "password", err, fields...)
		return
	}
	h.setSession(w, keep, authz.SessionTTL)
	redirect(w, r, "/account", "password-changed")
}
