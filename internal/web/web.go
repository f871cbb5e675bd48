// SPDX-License-Identifier: AGPL-3.0-or-later

// Package web is Embargo's server-rendered HTML interface.
package web

import (
	"errors"
	"log/slog"
	"net/http"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/projects"
	"embargo/internal/router"
	"embargo/internal/store"
)

// SessionCookie names the browser session cookie.
const SessionCookie = "embargo_session"

// Deps are the services the UI calls.
type Deps struct {
	Store         *store.Store
	Accounts      *authz.Accounts
	Projects      *projects.Service
	Cases         *cases.Service
	Clock         clock.Clock
	Log           *slog.Logger
	BaseURL       string
	SecureCookies bool
}

type web struct {
	Deps
}

// Register adds every UI route to mux and returns its router.
func Register(mux *http.ServeMux, d Deps) *router.Router {
	h := &web{Deps: d}
	rt := router.New(mux, d.Store, h.actor, h, d.Log, "")
	h.routes(rt)
	return rt
}

// actor resolves the session cookie.
func (h *web) actor(r *http.Request) (*authz.Actor, error) {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return authz.Anonymous, nil
	}
	act, _, err := h.Accounts.SessionActor(r.Context(), c.Value)
	if errors.Is(err, authz.ErrNoSession) {
		return authz.Anonymous, nil
	}
	return act, err
}

// Denied renders the router's refusals.
func (h *web) Denied(w http.ResponseWriter, r *http.Request, actor *authz.Actor, err error) {
	switch {
	case errors.Is(err, authz.ErrUnauthenticated):
		http.Redirect(w, r, "/login?next="+r.URL.EscapedPath(), http.StatusSeeOther)
	case errors.Is(err, router.ErrNotFound):
		http.Error(w, "Not found.", http.StatusNotFound)
	default:
		http.Error(w, "Forbidden.", http.StatusForbidden)
	}
}

// Failed renders an internal error without details.
func (h *web) Failed(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "Internal error.", http.StatusInternalServerError)
}
