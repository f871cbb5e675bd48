// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"embargo/internal/authz"
	"embargo/internal/router"
	"embargo/internal/validation"
)

// maxFormBytes bounds a form post. The largest field, a case description,
// is 64 Ki characters, up to four bytes each, form-encoded.
const maxFormBytes = 1 << 20

var errTooLarge = errors.New("web: form too large")

// parseForm reads a posted form within maxFormBytes.
func parseForm(w http.ResponseWriter, r *router.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		return validation.Errorf("", "the form could not be read")
	}
	return nil
}

// safeNext returns next when it is a path on this site, else "/". A
// scheme-relative "//host" or a backslash (which browsers read as a slash)
// would send the user elsewhere after signing in.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

// setSession gives the browser its session cookie. HttpOnly keeps it from
// scripts; SameSite=Lax keeps it off cross-site posts (with the app's
// cross-origin protection as the main guard).
func (h *web) setSession(w http.ResponseWriter, secret string, ttl time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: secret, Path: "/", MaxAge: int(ttl.Seconds()),
		HttpOnly: true, Secure: h.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// clearSession tells the browser to drop its session cookie.
func (h *web) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: h.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// sessionSecret returns the session cookie's value, or "".
func sessionSecret(r *http.Request) string {
	if c, err := r.Cookie(SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// remoteIP is the client address without its port, for sign-in rate
// limits (the app has already replaced it with the proxy's view when it
// trusts one).
func remoteIP(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// pathID reads a numeric path wildcard. A malformed one names nothing, so
// it is reported as not found.
func pathID(r *router.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, &validation.NotFound{What: name}
	}
	return id, nil
}

// redirect answers a successful post with a redirect to a page that shows
// its result (post/redirect/get, so reloading does not post again).
func redirect(w http.ResponseWriter, r *router.Request, to, notice string) {
	if notice != "" {
		to, frag, _ := strings.Cut(to, "#")
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "notice=" + url.QueryEscape(notice)
		if frag != "" {
			to += "#" + frag
		}
		http.Redirect(w, r.Request, to, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r.Request, to, http.StatusSeeOther)
}

// can reports whether the request's actor may do action to the request's
// project or case, by the same policy the router applies. Pages use it to
// show only the forms that would be accepted.
func can(r *router.Request, action authz.Action) bool {
	res := authz.Instance
	if r.Project != nil {
		res = authz.Resource{Kind: authz.KindProject, ProjectID: r.Project.ID, RequireMFA: r.Project.RequireMFA,
			Archived: r.Project.ArchivedAt != 0}
		if r.Case != nil {
			res.Kind, res.CaseID = authz.KindCase, r.Case.ID
		}
	}
	if authz.ResourceKindOf(action) == authz.KindInstance {
		res = authz.Instance
	}
	return authz.Can(r.Actor, action, res) == nil
}
