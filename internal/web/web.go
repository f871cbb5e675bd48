// SPDX-License-Identifier: AGPL-3.0-or-later

// Package web is Embargo's server-rendered HTML interface. Every page is an
// html/template view embedded in the binary and parsed once at start;
// every route goes through the router, which authorizes it before a
// handler runs. Handlers decode the form, call a domain service and either
// redirect (after a change) or render a view. The pages work without
// JavaScript; static/app.js only adds confirmations and copy buttons.
package web

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/intake"
	"embargo/internal/metrics"
	"embargo/internal/pgp"
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
	// Keys holds the projects' OpenPGP keys.
	Keys *pgp.Keys
	// Intake receives reports and runs the reporter thread; Gate holds
	// the rate limits of the report form and the reporter portal.
	Intake *intake.Service
	Gate   *intake.Gate
	// Metrics computes the team's response times and deadlines kept.
	Metrics *metrics.Service
}

type web struct {
	Deps
	views  *views
	assets *assets
}

// Register adds every UI route to mux and returns its router. It panics
// when a template or static file is missing or broken, so a bad build
// fails at start rather than on the first visit to a page.
func Register(mux *http.ServeMux, d Deps) *router.Router {
	a := loadAssets()
	h := &web{Deps: d, assets: a, views: mustParseViews(a)}
	rt := router.New(mux, d.Store, h.actor, h, d.Log, "")
	rt.OnCaseRefused(d.Cases.RecordParticipantRefusal)
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

// Denied renders the router's refusals: strangers are sent to sign in
// and come back afterwards; everyone else gets a page that says why.
func (h *web) Denied(w http.ResponseWriter, r *http.Request, actor *authz.Actor, err error) {
	switch {
	case errors.Is(err, authz.ErrUnauthenticated):
		// Only a GET can be repeated after signing in; a refused form post
		// would come back as a GET its route does not answer.
		next := "/"
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			next = r.URL.RequestURI()
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
	case errors.Is(err, router.ErrNotFound):
		h.errorPage(w, r, actor, http.StatusNotFound, "Not found",
			"There is nothing here, or you do not have access to it.")
	case errors.Is(err, authz.ErrMFARequired):
		h.render(w, r, http.StatusForbidden, viewMFARequired, &page{Title: "Two-factor authentication required", Actor: actor})
	case errors.Is(err, authz.ErrArchived):
		h.errorPage(w, r, actor, http.StatusConflict, "Project archived",
			"This project is archived and read-only. A project admin can restore it from the project's case list.")
	default:
		h.errorPage(w, r, actor, http.StatusForbidden, "Not allowed",
			"Your role does not allow this. Ask a project admin if you need access.")
	}
}

// Failed renders an internal error without details; the caller has
// logged them.
func (h *web) Failed(w http.ResponseWriter, r *http.Request) {
	h.errorPage(w, r, nil, http.StatusInternalServerError, "Something went wrong",
		"The server could not complete this request. The details are in the server log; try again in a moment.")
}
