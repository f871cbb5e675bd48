// SPDX-License-Identifier: AGPL-3.0-or-later

// Package router is the one gate between HTTP and the domain. Every route
// of the UI and the API is registered here with the authorization action it
// requires; the router loads the resource the action applies to (the
// project named by {slug}, the case named by {key} with the account that
// sent its report, or the case whose private reporter link is {token}),
// asks authz.Can, and only then calls
// the handler. A route without an action cannot be registered.
package router

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"embargo/internal/authz"
	"embargo/internal/store"
)

// Request is an authorized request with the resource it names.
type Request struct {
	*http.Request
	Actor   *authz.Actor
	Project *store.Project // set for project and case actions
	Case    *store.Case    // set for case actions
}

// Handler serves an authorized request.
type Handler func(w http.ResponseWriter, r *Request)

// Route is one registered endpoint.
type Route struct {
	Method  string
	Pattern string // path pattern, without the method
	Action  authz.Action
}

// Responder renders the outcomes the router decides on its own, in the
// style of its surface (HTML pages or JSON errors).
type Responder interface {
	// Denied renders a refusal: err is authz.ErrUnauthenticated,
	// ErrMFARequired, ErrArchived or ErrForbidden, or errNotFound.
	Denied(w http.ResponseWriter, r *http.Request, actor *authz.Actor, err error)
	// Failed renders an internal error (already logged).
	Failed(w http.ResponseWriter, r *http.Request)
}

// ActorFunc resolves who is making a request; it returns authz.Anonymous
// when no credential is presented. A presented but invalid credential is
// also Anonymous.
type ActorFunc func(r *http.Request) (*authz.Actor, error)

// Router registers guarded routes on a ServeMux.
type Router struct {
	mux     *http.ServeMux
	store   *store.Store
	actor   ActorFunc
	respond Responder
	log     *slog.Logger
	prefix  string
	routes  []Route
	refused RefusalFunc
}

// RefusalFunc is told of a signed-in actor refused a case route: c is the
// case (nil when no case has that key). It decides whether the refusal is
// worth recording.
type RefusalFunc func(ctx context.Context, actor *authz.Actor, c *store.Case, action authz.Action, path string) error

// OnCaseRefused makes the router tell fn of every signed-in actor refused
// a case route, so that a participant probing other cases is on record.
func (rt *Router) OnCaseRefused(fn RefusalFunc) {
	rt.refused = fn
}

func (rt *Router) noteRefusal(r *http.Request, actor *authz.Actor, c *store.Case, action authz.Action) {
	if rt.refused == nil || !actor.Authenticated() {
		return
	}
	if err := rt.refused(r.Context(), actor, c, action, r.URL.Path); err != nil && !errors.Is(err, context.Canceled) {
		rt.log.Error("record refusal", "method", r.Method, "path", r.URL.Path, "err", err)
	}
}

// New returns a router that registers on mux, with patterns under prefix.
func New(mux *http.ServeMux, s *store.Store, actor ActorFunc, respond Responder, log *slog.Logger, prefix string) *Router {
	return &Router{mux: mux, store: s, actor: actor, respond: respond, log: log, prefix: prefix}
}

// ErrNotFound is passed to Responder.Denied when the named resource does
// not exist or the actor may not learn that it exists.
var ErrNotFound = errors.New("not found")

// Handle registers h for method and pattern, guarded by action. It panics
// (at start-up) when the action is unknown to the policy or the pattern
// lacks the wildcard the action's resource needs.
func (rt *Router) Handle(method, pattern string, action authz.Action, h Handler) {
	if !authz.Known(action) {
		panic(fmt.Sprintf("router: %s %s: action %q has no policy entry", method, pattern, action))
	}
	full := rt.prefix + pattern
	kind := authz.ResourceKindOf(action)
	switch kind {
	case authz.KindProject:
		if !strings.Contains(full, "{slug}") {
			panic(fmt.Sprintf("router: %s %s: project action %q needs {slug}", method, full, action))
		}
	case authz.KindCase:
		if authz.IsReporterAction(action) {
			if !strings.Contains(full, "{token}") || strings.Contains(full, "{key}") {
				panic(fmt.Sprintf("router: %s %s: reporter action %q needs {token} and no {key}", method, full, action))
			}
		} else if !strings.Contains(full, "{key}") {
			panic(fmt.Sprintf("router: %s %s: case action %q needs {key}", method, full, action))
		}
	}
	byLink := strings.Contains(full, "{token}")
	if byLink && !authz.IsReporterAction(action) {
		// A reporter link makes its holder a reporter; a team route must
		// never be reachable through one.
		panic(fmt.Sprintf("router: %s %s: only reporter actions may use {token}", method, full))
	}
	rt.routes = append(rt.routes, Route{Method: method, Pattern: full, Action: action})
	rt.mux.HandleFunc(method+" "+full, func(w http.ResponseWriter, r *http.Request) {
		if byLink {
			rt.serveReporter(w, r, action, h)
			return
		}
		rt.serve(w, r, action, kind, h)
	})
}

// Routes lists every route registered so far.
func (rt *Router) Routes() []Route {
	return append([]Route(nil), rt.routes...)
}

func (rt *Router) serve(w http.ResponseWriter, r *http.Request, action authz.Action, kind authz.ResourceKind, h Handler) {
	ctx := r.Context()
	actor, err := rt.actor(r)
	if err != nil {
		rt.fail(w, r, "resolve actor", err)
		return
	}
	req := &Request{Request: r, Actor: actor}
	res := authz.Instance
	var submitterID, participantID int64
	if !plausibleName(r.PathValue("slug")) || !plausibleName(r.PathValue("key")) {
		// Such a name cannot exist; PostgreSQL would even reject a NUL.
		rt.respond.Denied(w, r, actor, ErrNotFound)
		return
	}
	switch kind {
	case authz.KindProject:
		err = rt.store.Read(ctx, func(tx *store.Tx) error {
			var err error
			req.Project, err = tx.ProjectBySlug(ctx, r.PathValue("slug"))
			return err
		})
	case authz.KindCase:
		err = rt.store.Read(ctx, func(tx *store.Tx) error {
			var err error
			if req.Case, err = tx.CaseByKey(ctx, r.PathValue("key"), false); err != nil {
				return err
			}
			// Only the submitter's own routes need the report's sender:
			// every other case route is spared the lookup.
			if authz.IsSubmitterAction(action) {
				if submitterID, err = tx.ReportSubmitter(ctx, req.Case.ID); err != nil {
					return err
				}
			}
			if authz.IsParticipantAction(action) && actor.Authenticated() {
				switch _, err := tx.ParticipantOf(ctx, req.Case.ID, actor.UserID); {
				case err == nil:
					participantID = actor.UserID
				case !errors.Is(err, store.ErrNotFound):
					return err
				}
			}
			req.Project, err = tx.ProjectByID(ctx, req.Case.ProjectID)
			return err
		})
	}
	if errors.Is(err, store.ErrNotFound) {
		if kind == authz.KindCase {
			rt.noteRefusal(r, actor, nil, action)
		}
		if !actor.Authenticated() && !authz.IsPublic(action) {
			// Strangers learn nothing, not even whether the thing exists.
			rt.respond.Denied(w, r, actor, authz.ErrUnauthenticated)
			return
		}
		rt.respond.Denied(w, r, actor, ErrNotFound)
		return
	}
	if err != nil {
		rt.fail(w, r, "load resource", err)
		return
	}
	if req.Project != nil {
		res = authz.Resource{Kind: kind, ProjectID: req.Project.ID, RequireMFA: req.Project.RequireMFA,
			Archived: req.Project.ArchivedAt != 0}
		if req.Case != nil {
			res.CaseID, res.SubmitterID, res.ParticipantUserID = req.Case.ID, submitterID, participantID
		}
	}
	if err := authz.Can(actor, action, res); err != nil {
		if req.Case != nil {
			rt.noteRefusal(r, actor, req.Case, action)
		}
		if errors.Is(err, authz.ErrForbidden) && req.Project != nil &&
			(actor.Role(req.Project.ID) == "" && !actor.InstanceAdmin || authz.IsSubmitterAction(action) ||
				authz.IsParticipantAction(action)) {
			// Outsiders get the same answer for "exists, not yours" and
			// "does not exist"; so does anyone asking for a report they
			// did not send.
			err = ErrNotFound
		}
		rt.respond.Denied(w, r, actor, err)
		return
	}
	if authz.IsSubmitterAction(action) {
		// The report's sender acts as its reporter here, never with their
		// team roles, whatever else they are.
		req.Actor = actor.AsReporter(req.Case.ID)
	}
	h(w, req)
}

// serveReporter serves a route of the reporter portal: the case is the one
// whose live reporter link is {token}, and the actor is the holder of that
// link, whoever else the request's credentials name. An unknown or revoked
// link is not found, for everyone.
func (rt *Router) serveReporter(w http.ResponseWriter, r *http.Request, action authz.Action, h Handler) {
	ctx := r.Context()
	token := r.PathValue("token")
	if !strings.HasPrefix(token, authz.ReporterLinkPrefix) || !plausibleName(token) {
		rt.respond.Denied(w, r, authz.Anonymous, ErrNotFound)
		return
	}
	req := &Request{Request: r}
	err := rt.store.Read(ctx, func(tx *store.Tx) error {
		var err error
		if req.Case, err = tx.CaseByReporterLink(ctx, authz.HashSecret(token)); err != nil {
			return err
		}
		req.Project, err = tx.ProjectByID(ctx, req.Case.ProjectID)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		rt.respond.Denied(w, r, authz.Anonymous, ErrNotFound)
		return
	}
	if err != nil {
		rt.fail(w, r, "load reporter case", err)
		return
	}
	req.Actor = &authz.Actor{Via: "reporter", ReporterCaseID: req.Case.ID}
	res := authz.Resource{Kind: authz.KindCase, ProjectID: req.Project.ID, CaseID: req.Case.ID,
		Archived: req.Project.ArchivedAt != 0}
	if err := authz.Can(req.Actor, action, res); err != nil {
		rt.respond.Denied(w, r, req.Actor, err)
		return
	}
	h(w, req)
}

func (rt *Router) fail(w http.ResponseWriter, r *http.Request, what string, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	rt.log.Error("request failed", "what", what, "method", r.Method, "path", r.URL.Path, "err", err)
	rt.respond.Failed(w, r)
}

// plausibleName reports whether a slug or case key from a path could name
// something: short, printable ASCII.
func plausibleName(v string) bool {
	if len(v) > 64 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] <= 0x20 || v[i] >= 0x7f {
			return false
		}
	}
	return true
}

// NotFound answers a request that matched no route in this router's
// style, for the actor making it.
func (rt *Router) NotFound(w http.ResponseWriter, r *http.Request) {
	actor, err := rt.actor(r)
	if err != nil {
		actor = authz.Anonymous
	}
	rt.respond.Denied(w, r, actor, ErrNotFound)
}
