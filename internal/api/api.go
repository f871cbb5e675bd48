// SPDX-License-Identifier: AGPL-3.0-or-later

// Package api is Embargo's JSON API under /api/v1. Clients authenticate
// with "Authorization: Bearer TOKEN". Handlers are thin: decode, (the
// router has already authorized), call the domain, encode.
//
// Every error is a 4xx or 5xx status with the body
// {"error":{"code":…,"message":…,"field":…}}; messages come from the
// validation package or are written here, never from Go or SQL errors.
package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/intake"
	"embargo/internal/metrics"
	"embargo/internal/pgp"
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
	Intake   *intake.Service
	Gate     *intake.Gate // rate limits on reports
	Clock    clock.Clock
	Log      *slog.Logger
	BaseURL  string
	// Keys holds the projects' OpenPGP keys.
	Keys *pgp.Keys
	// Metrics computes the team's response times and deadlines kept.
	Metrics *metrics.Service
}

type api struct {
	Deps
}

// Register adds every API route to mux and returns its router.
func Register(mux *http.ServeMux, d Deps) *router.Router {
	a := &api{Deps: d}
	// The routes live on a mux of their own behind guard, which refuses
	// unusable paths and query strings before the router looks anything up.
	inner := http.NewServeMux()
	rt := router.New(inner, d.Store, a.actor, a, d.Log, Prefix)
	rt.OnCaseRefused(d.Cases.RecordParticipantRefusal)
	a.routes(rt)
	// Paths under the prefix that match no route get a JSON answer too, so
	// clients never have to parse the mux's plain-text pages. This handler
	// serves no data, so it needs no action and stays off the route list.
	inner.HandleFunc(Prefix+"/", a.unmatched(inner))
	mux.Handle(Prefix+"/", guard(inner))
	return rt
}

// guard refuses paths and query parameters that are not valid UTF-8 or
// hold control characters: they cannot name anything, and some databases
// reject such strings outright (PostgreSQL fails on a NUL byte), which
// would otherwise surface as a 500. Malformed query strings, which
// url.Values would silently drop parts of, are refused too.
func guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cleanText(r.URL.Path) {
			writeError(w, http.StatusNotFound, "not_found", "not found", "")
			return
		}
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid_parameter", "the query string is malformed", "")
			return
		}
		for k, vs := range q {
			if !cleanText(k) {
				writeError(w, http.StatusBadRequest, "invalid_parameter", "a query parameter name is not valid text", "")
				return
			}
			for _, v := range vs {
				if !cleanText(v) {
					writeError(w, http.StatusBadRequest, "invalid_parameter", k+": must be UTF-8 text without control characters", k)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// cleanText reports whether s is valid UTF-8 without control characters.
func cleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
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

// created answers 201 with v and, when it has one of its own, the new
// resource's address under the prefix.
func created(w http.ResponseWriter, location string, v any) {
	if location != "" {
		w.Header().Set("Location", Prefix+location)
	}
	writeJSON(w, http.StatusCreated, v)
}

// noContent answers 204 for a successful deletion.
func noContent(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
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

// fail renders an error: bad requests and domain input problems as 4xx
// with their message, anything else as a logged 500. fields renames the
// domain's field names to the request's where they differ, e.g.
// "coordinator" to "coordinator_id".
func (a *api) fail(w http.ResponseWriter, r *router.Request, err error, fields ...string) {
	var b *badRequest
	var v *validation.Error
	var c *validation.Conflict
	var n *validation.NotFound
	switch {
	case errors.As(err, &b):
		writeError(w, b.status, b.code, b.message, b.field)
	case errors.As(err, &v):
		field := v.Field
		for i := 0; i+1 < len(fields); i += 2 {
			if fields[i] == field {
				field = fields[i+1]
			}
		}
		msg := v.Message
		if field != "" {
			msg = field + ": " + msg
		}
		writeError(w, http.StatusUnprocessableEntity, "invalid", msg, field)
	case errors.As(err, &c):
		writeError(w, http.StatusConflict, "conflict", c.Message, "")
	case errors.As(err, &n):
		writeError(w, http.StatusNotFound, "not_found", n.Error(), "")
	default:
		if msg, ok := authz.ErrorMessage(err); ok {
			writeError(w, http.StatusUnauthorized, "unauthenticated", msg, "")
			return
		}
		if r.Context().Err() != nil {
			return // the client went away; nobody is listening
		}
		a.Log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		a.Failed(w, r.Request)
	}
}

// probeMethods are the methods unmatched checks when telling "no such
// path" (404) from "no such method on this path" (405).
var probeMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// unmatched answers requests under the prefix that no route takes: 405
// with an Allow header when the path exists under other methods, else 404.
func (a *api) unmatched(mux *http.ServeMux) http.HandlerFunc {
	catchAll := Prefix + "/"
	return func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range probeMethods {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" && pattern != catchAll {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, http.StatusMethodNotAllowed, "method_not_allowed",
				r.Method+" is not supported here; use "+strings.Join(allow, ", "), "")
			return
		}
		writeError(w, http.StatusNotFound, "not_found", "no such API endpoint; see "+Prefix+"/openapi.json", "")
	}
}
