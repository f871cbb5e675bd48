// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"errors"
	"net/http"
	"net/url"

	"embargo/internal/authz"
	"embargo/internal/router"
)

// loginData is the sign-in form's content.
type loginData struct {
	Next string
}

// loginForm shows the sign-in form. A signed-in user goes straight on; a
// browser still owing its second factor goes to that step.
func (h *web) loginForm(w http.ResponseWriter, r *router.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if r.Actor.Authenticated() {
		http.Redirect(w, r.Request, next, http.StatusSeeOther)
		return
	}
	if h.pendingSecondFactor(r) {
		http.Redirect(w, r.Request, "/login/2fa?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	p := newPage(r, "Sign in")
	p.Data = loginData{Next: next}
	h.render(w, r.Request, http.StatusOK, viewLogin, p)
}

// pendingSecondFactor reports whether the browser holds a session whose
// password step passed and whose second factor is still owed.
func (h *web) pendingSecondFactor(r *router.Request) bool {
	secret := sessionSecret(r.Request)
	if secret == "" {
		return false
	}
	_, pending, _ := h.Accounts.SessionActor(r.Context(), secret)
	return pending
}

// loginSubmit checks the password. The same message answers an unknown
// email and a wrong password, so the form does not reveal who has an
// account.
func (h *web) loginSubmit(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	secret, pending, err := h.Accounts.Login(r.Context(), r.PostForm.Get("email"), r.PostForm.Get("password"),
		remoteIP(r.Request), r.UserAgent())
	if err != nil {
		msg, ok := authz.ErrorMessage(err)
		if !ok {
			h.fail(w, r, err)
			return
		}
		p := newPage(r, "Sign in")
		p.Data = loginData{Next: next}
		p.Form = url.Values{"email": {r.PostForm.Get("email")}}
		p.Error = upperFirst(msg) + "."
		// 422 rather than 401: the request was understood and answered
		// with a form; there is no HTTP authentication scheme to offer.
		status := http.StatusUnprocessableEntity
		if errors.Is(err, authz.ErrRateLimited) {
			status = http.StatusTooManyRequests
		}
		h.render(w, r.Request, status, viewLogin, p)
		return
	}
	if pending {
		h.setSession(w, secret, authz.MFAPendingTTL)
		http.Redirect(w, r.Request, "/login/2fa?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	h.setSession(w, secret, authz.SessionTTL)
	http.Redirect(w, r.Request, next, http.StatusSeeOther)
}
