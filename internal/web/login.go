// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"errors"
	"net/http"
	"net/url"

	"embargo/internal/authz"
	"embargo/internal/clock"
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
	res, err := h.signIn(w, r, r.PostForm.Get("email"), r.PostForm.Get("password"))
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
	if res.MFAPending {
		h.setSession(w, res.Session, authz.MFAPendingTTL)
		http.Redirect(w, r.Request, "/login/2fa?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	h.setSession(w, res.Session, authz.SessionTTL)
	h.signedIn(w, r, res, next)
}

// signIn checks a password with the browser's device cookie, and gives the
// browser a fresh device cookie when it succeeds, so that its later
// attempts count against it alone (see authz.SignIn).
func (h *web) signIn(w http.ResponseWriter, r *router.Request, email, password string) (authz.SignInResult, error) {
	device := ""
	if c, err := r.Cookie(authz.DeviceCookie); err == nil {
		device = c.Value
	}
	res, err := h.Accounts.SignIn(r.Context(), authz.SignInAttempt{Email: email, Password: password,
		RemoteAddr: remoteIP(r.Request), UserAgent: r.UserAgent(), Device: device})
	if err == nil {
		http.SetCookie(w, &http.Cookie{Name: authz.DeviceCookie, Value: res.Device, Path: "/",
			MaxAge: int(authz.DeviceTTL.Seconds()), HttpOnly: true, Secure: h.SecureCookies, SameSite: http.SameSiteLaxMode})
	}
	return res, err
}

// signedIn ends a complete sign-in: on to next, or first, when sign-ins to
// the account failed since the member's last one, a page that says so.
func (h *web) signedIn(w http.ResponseWriter, r *router.Request, res authz.SignInResult, next string) {
	if res.Failures == 0 {
		http.Redirect(w, r.Request, next, http.StatusSeeOther)
		return
	}
	p := newPage(r, "Signed in")
	p.Data = signedInData{Next: next, Failures: res.Failures, LastFailure: clock.Millis(res.LastFailure)}
	h.render(w, r.Request, http.StatusOK, viewSignedIn, p)
}

// signedInData is the page that reports failed sign-ins.
type signedInData struct {
	Next        string
	Failures    int
	LastFailure int64 // Unix milliseconds
}
