// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"errors"
	"net/http"
	"net/url"

	"embargo/internal/authz"
	"embargo/internal/router"
)

// login2FAForm asks for the second factor of a sign-in whose password was
// accepted.
func (h *web) login2FAForm(w http.ResponseWriter, r *router.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if r.Actor.Authenticated() {
		http.Redirect(w, r.Request, next, http.StatusSeeOther)
		return
	}
	if !h.pendingSecondFactor(r) {
		h.signInAgain(w, r, next)
		return
	}
	p := newPage(r, "Two-factor authentication")
	p.Data = loginData{Next: next}
	h.render(w, r.Request, http.StatusOK, viewLogin2FA, p)
}

// signInAgain shows the sign-in form when the second step has no first:
// the pending sign-in expired, or never happened.
func (h *web) signInAgain(w http.ResponseWriter, r *router.Request, next string) {
	p := newPage(r, "Sign in")
	p.Data = loginData{Next: next}
	p.Error = "Your sign-in timed out. Please sign in again."
	h.render(w, r.Request, http.StatusOK, viewLogin, p)
}

// login2FASubmit checks a TOTP or recovery code and completes the sign-in.
func (h *web) login2FASubmit(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	secret := sessionSecret(r.Request)
	if secret == "" {
		h.signInAgain(w, r, next)
		return
	}
	res, err := h.Accounts.CompleteSecondFactor(r.Context(), secret, r.PostForm.Get("code"))
	switch {
	case err == nil:
		h.setSession(w, secret, authz.SessionTTL)
		h.signedIn(w, r, res, next)
	case errors.Is(err, authz.ErrNoSession):
		h.clearSession(w)
		h.signInAgain(w, r, next)
	case errors.Is(err, authz.ErrBadCode), errors.Is(err, authz.ErrRateLimited):
		msg, _ := authz.ErrorMessage(err)
		p := newPage(r, "Two-factor authentication")
		p.Data = loginData{Next: next}
		p.Error = upperFirst(msg) + "."
		status := http.StatusUnprocessableEntity
		if errors.Is(err, authz.ErrRateLimited) {
			status = http.StatusTooManyRequests
		}
		h.render(w, r.Request, status, viewLogin2FA, p)
	default:
		h.fail(w, r, err)
	}
}

// logout ends the browser's session, complete or pending, and sends it to
// the start page (which asks a stranger to sign in).
func (h *web) logout(w http.ResponseWriter, r *router.Request) {
	if secret := sessionSecret(r.Request); secret != "" {
		if err := h.Accounts.Logout(r.Context(), secret); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.clearSession(w)
	http.Redirect(w, r.Request, "/", http.StatusSeeOther)
}

// loginURL returns the sign-in page that comes back to next.
func loginURL(next string) string {
	return "/login?next=" + url.QueryEscape(next)
}
