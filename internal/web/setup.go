// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"

	"embargo/internal/authz"
	"embargo/internal/router"
)

// setupData is the first-admin form's content.
type setupData struct {
	Token string
}

// setupForm shows the first-admin form for a valid one-time setup link.
func (h *web) setupForm(w http.ResponseWriter, r *router.Request) {
	token := r.URL.Query().Get("token")
	if !h.Accounts.ValidSetupToken(r.Context(), token) {
		h.setupInvalid(w, r)
		return
	}
	p := newPage(r, "Set up Embargo")
	p.Data = setupData{Token: token}
	h.render(w, r.Request, http.StatusOK, viewSetup, p)
}

// setupInvalid answers a setup link that cannot be used (any more).
func (h *web) setupInvalid(w http.ResponseWriter, r *router.Request) {
	h.errorPage(w, r.Request, r.Actor, http.StatusNotFound, "Setup link not valid",
		"This setup link has expired or was already used. If no account exists yet, restart the server to print a new one.")
}

// setupSubmit creates the first instance admin and signs them in.
func (h *web) setupSubmit(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	token := r.PostForm.Get("token")
	if !h.Accounts.ValidSetupToken(r.Context(), token) {
		h.setupInvalid(w, r)
		return
	}
	email, password := r.PostForm.Get("email"), r.PostForm.Get("password")
	_, err := h.Accounts.CompleteSetup(r.Context(), token, authz.NewUser{Email: email, Name: r.PostForm.Get("name"), Password: password})
	if err != nil {
		p := newPage(r, "Set up Embargo")
		p.Form, p.Data = r.PostForm, setupData{Token: token}
		h.formError(w, r, viewSetup, p, err, "email", "name", "password")
		return
	}
	res, err := h.signIn(w, r, email, password)
	if err != nil || res.MFAPending {
		// The account exists; signing in by hand still works.
		http.Redirect(w, r.Request, "/login", http.StatusSeeOther)
		return
	}
	h.setSession(w, res.Session, authz.SessionTTL)
	http.Redirect(w, r.Request, "/", http.StatusSeeOther)
}
