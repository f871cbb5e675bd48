// SPDX-License-Identifier: AGPL-3.0-or-later

package router

import (
	"log/slog"
	"net/http"
	"testing"

	"embargo/internal/authz"
)

type nopResponder struct{}

func (nopResponder) Denied(http.ResponseWriter, *http.Request, *authz.Actor, error) {}
func (nopResponder) Failed(http.ResponseWriter, *http.Request)                      {}

// TestHandleRefusesUnguardedRoutes: a route whose action the policy does
// not know, or whose pattern cannot name the resource its action needs,
// stops the server from starting.
func TestHandleRefusesUnguardedRoutes(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		action  authz.Action
		panics  bool
	}{
		{"known instance action", "/ok", authz.ActionPublic, false},
		{"unknown action", "/x", authz.Action("case.peek"), true},
		{"empty action", "/y", authz.Action(""), true},
		{"project action without slug", "/projects/list", authz.ActionCaseList, true},
		{"case action without key", "/cases/{id}", authz.ActionCaseView, true},
		{"case action with key", "/cases/{key}", authz.ActionCaseView, false},
		{"reporter action with token", "/r/{token}", authz.ActionPortalView, false},
		{"reporter action with key", "/cases/{key}/portal", authz.ActionPortalView, true},
		{"team action with token", "/r/{token}/case/{key}", authz.ActionCaseView, true},
		{"public action with token", "/r/{token}/x", authz.ActionPublic, true},
		{"submitter action with key", "/reports/{key}", authz.ActionReportView, false},
		{"submitter action with token", "/reports/{token}", authz.ActionReportView, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rt := New(http.NewServeMux(), nil, func(*http.Request) (*authz.Actor, error) { return authz.Anonymous, nil },
				nopResponder{}, slog.New(slog.DiscardHandler), "")
			defer func() {
				if got := recover() != nil; got != tc.panics {
					t.Fatalf("panicked = %v, want %v", got, tc.panics)
				}
			}()
			rt.Handle("GET", tc.pattern, tc.action, func(http.ResponseWriter, *Request) {})
		})
	}
}

func TestPlausibleName(t *testing.T) {
	for in, want := range map[string]bool{"ACME-1": true, "acme": true, "": true, "a\x00b": false, "é": false, "a b": false,
		string(make([]byte, 65)): false} {
		if got := plausibleName(in); got != want {
			t.Errorf("plausibleName(%q) = %v, want %v", in, got, want)
		}
	}
}
