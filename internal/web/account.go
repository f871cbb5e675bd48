// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"image/png"
	"net/http"
	"net/url"
	"strings"

	"github.com/pquerna/otp"

	"embargo/internal/router"
	"embargo/internal/store"
)

// accountData is the account page's content.
type accountData struct {
	User *store.User
	// Enrolling is set while a two-factor secret waits for its first code;
	// QR and Secret let the user add it to an authenticator app.
	Enrolling bool
	QR        template.URL
	Secret    string
	// RecoveryCodes are shown once, right after two-factor is turned on.
	RecoveryCodes []string
	CodesLeft     int
	Tokens        []*store.APIToken
	// NewToken is a just-created API token, shown once.
	NewToken string
}

// accountPage loads the account page; a nil page means it failed and the
// error page is already written.
func (h *web) accountPage(w http.ResponseWriter, r *router.Request) *page {
	ctx := r.Context()
	u, err := h.Accounts.User(ctx, r.Actor.UserID)
	if err != nil {
		h.fail(w, r, err)
		return nil
	}
	d := accountData{User: u}
	if u.TOTPEnabled {
		if d.CodesLeft, err = h.Accounts.RecoveryCodesLeft(ctx, r.Actor); err != nil {
			h.fail(w, r, err)
			return nil
		}
	} else if u.TOTPSecret != "" {
		if err := d.enrol(h.totpURL(u.Email, u.TOTPSecret)); err != nil {
			h.fail(w, r, err)
			return nil
		}
	}
	if d.Tokens, err = h.Accounts.Tokens(ctx, u.ID); err != nil {
		h.fail(w, r, err)
		return nil
	}
	p := newPage(r, "Your account")
	p.Data = d
	return p
}

// enrol fills the enrolment fields from an otpauth:// URL: the secret
// for typing in, and the same URL as a QR code image for scanning.
func (d *accountData) enrol(otpauthURL string) error {
	key, err := otp.NewKeyFromURL(otpauthURL)
	if err != nil {
		return err
	}
	img, err := key.Image(200, 200)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	d.Enrolling, d.Secret = true, key.Secret()
	// A data: URL we built from our own PNG bytes; the CSP allows data:
	// images and nothing user-supplied goes into it.
	d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
	return nil
}

// totpIssuer names this installation in authenticator apps: "Embargo"
// and the host, so that two installations are told apart.
func (h *web) totpIssuer() string {
	u, err := url.Parse(h.BaseURL)
	if err != nil || u.Hostname() == "" {
		return "Embargo"
	}
	return "Embargo " + u.Hostname()
}

// totpURL rebuilds the otpauth:// URL of a pending enrolment from its
// secret, with the parameters authz uses (SHA-1, six digits, 30 seconds).
func (h *web) totpURL(email, secret string) string {
	issuer := h.totpIssuer()
	q := url.Values{"secret": {secret}, "issuer": {issuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + email, RawQuery: q.Encode()}
	return u.String()
}

// account shows the signed-in user's password, two-factor and API token
// settings.
func (h *web) account(w http.ResponseWriter, r *router.Request) {
	if p := h.accountPage(w, r); p != nil {
		h.render(w, r.Request, http.StatusOK, viewAccount, p)
	}
}

// accountFormError shows err on the account page, beside the form named
// form.
func (h *web) accountFormError(w http.ResponseWriter, r *router.Request, form string, err error, fields ...string) {
	p := h.accountPage(w, r)
	if p == nil {
		return
	}
	p.Form = url.Values{"form": {form}}
	// Only non-secret fields are echoed back; passwords are typed again.
	for _, f := range []string{"name"} {
		p.Form.Set(f, strings.TrimSpace(r.PostForm.Get(f)))
	}
	h.formError(w, r, viewAccount, p, err, fields...)
}
