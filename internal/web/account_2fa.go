// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"

	"embargo/internal/router"
)

// totpBegin creates a new two-factor secret and shows it as a QR code
// with a form for the first code.
func (h *web) totpBegin(w http.ResponseWriter, r *router.Request) {
	_, otpURL, err := h.Accounts.BeginTOTP(r.Context(), r.Actor, h.totpIssuer())
	if err != nil {
		h.accountFormError(w, r, "2fa", err)
		return
	}
	p := h.accountPage(w, r)
	if p == nil {
		return
	}
	d := p.Data.(accountData)
	if err := d.enrol(otpURL); err != nil {
		h.fail(w, r, err)
		return
	}
	p.Data = d
	h.render(w, r.Request, http.StatusOK, viewAccount, p)
}

// totpConfirm turns two-factor on once a code from the app matches, and
// shows the recovery codes, once.
func (h *web) totpConfirm(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	codes, err := h.Accounts.ConfirmTOTP(r.Context(), r.Actor, r.PostForm.Get("code"))
	if err != nil {
		h.accountFormError(w, r, "2fa", err, "code")
		return
	}
	p := h.accountPage(w, r)
	if p == nil {
		return
	}
	d := p.Data.(accountData)
	d.RecoveryCodes = codes
	p.Data = d
	p.Notice = "Two-factor authentication is on."
	h.render(w, r.Request, http.StatusOK, viewAccount, p)
}

// totpDisable turns two-factor off after checking the password.
func (h *web) totpDisable(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Accounts.DisableTOTP(r.Context(), r.Actor, r.PostForm.Get("password")); err != nil {
		h.accountFormError(w, r, "2fa", err, "password")
		return
	}
	redirect(w, r, "/account", "2fa-disabled")
}
