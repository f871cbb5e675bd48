// SPDX-License-Identifier: AGPL-3.0-or-later

// Package api is Embargo's JSON API under /api/v1. Clients authenticate
// with "Authorization: Bearer TOKEN". Handlers are thin: decode, (the
// router has already authorized), call the domain, encode.
package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/projects"
	"embargo/internal/router"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// Prefix is where the API lives.
const Prefix = "/api/v1"

// Deps are the services the API calls.
type Deps struct {
	Store    *store.Store
	Accounts *authz.Accounts
	Projects *projects.Service
	Cases    *cases.Service
	Clock    clock.Clock
	Log      *slog.Logger
	BaseURL  string
}

type api struct {
	Deps
}

// Register adds every API route to mux and returns its router.
func Register(mux *http.ServeMux, d Deps) *router.Router {
	a := &api{Deps: d}
	rt := router.New(mux, d.Store, a.actor, a, d.Log, Prefix)
	a.routes(rt)
	return rt
}

// actor resolves the bearer token. The API never reads cookies, so a
// browser cannot be tricked into making API calls with its session.
func (a *api) actor(r *http.Request) (*authz.Actor, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return authz.Anonymous, nil
	}
	act, err := a.Accounts.TokenActor(r.Context(), strings.TrimSpace(token))
	if errors.Is(err, authz.ErrNoSession) {
		return authz.Anonymous, nil
	}
	return act, err
}

// errorBody is the shape of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, message, field string) {
	writeJSON(w, status, errorBody{Error: errorDetail{Code: code, Message: message, Field: field}})
}

// Denied renders the router's refusals.
func (a *api) Denied(w http.ResponseWriter, r *http.Request, actor *authz.Actor, err error) {
	switch {
	case errors.Is(err, authz.ErrUnauthenticated):
		w.Header().Set("WWW-Authenticate", `Bearer realm="embargo"`)
		writeError(w, http.StatusUnauthorized, "unauthenticated", "a valid API token is required (Authorization: Bearer TOKEN)", "")
	case errors.Is(err, router.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "not found", "")
	case errors.Is(err, authz.ErrMFARequired):
		writeError(w, http.StatusForbidden, "mfa_required", "this project requires two-factor authentication; enable it on your account", "")
	case errors.Is(err, authz.ErrArchived):
		writeError(w, http.StatusConflict, "archived", "the project is archived and read-only", "")
	default:
		writeError(w, http.StatusForbidden, "forbidden", "you do not have permission to do this", "")
	}
}

// Failed renders an internal error without details.
func (a *api) Failed(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusInternalServerError, "internal", "internal error; the server log has the details", "")
}

// fail renders a domain error: input problems as 4xx with their message,
// anything else as a logged 500.
func (a *api) fail(w http.ResponseWriter, r *router.Request, err error) {
	var v *validation.Error
	var c *validation.Conflict
	var n *validation.NotFound
	switch {
	case errors.As(err, &v):
		writeError(w, http.StatusUnprocessableEntity, "invalid", v.Error(), v.Field)
	case errors.As(err, &c):
		writeError(w, http.StatusConflict, "conflict", c.Message, "")
	case errors.As(err, &n):
		writeError(w, http.StatusNotFound, "not_found", n.Error(), "")
	default:
		if msg, ok := authz.ErrorMessage(err); ok {
			writeError(w, http.StatusUnauthorized, "unauthenticated", msg, "")
			return
		}
		a.Log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		a.Failed(w, r.Request)
	}
}
