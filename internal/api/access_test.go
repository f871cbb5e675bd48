// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

const secretTitle = "Embargoed-overflow-3c1d"

// TestAccessByRole sends the same requests as each kind of caller and
// checks the exact status: 401 without a token, 404 for outsiders (as if
// the project did not exist), 403 for members whose role is too low, and
// for allowed callers the handler's answer. Allowed writes carry an
// invalid body (422), so the table can be replayed without changing
// anything. No refusal may contain the case's content.
func TestAccessByRole(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		lead, leadToken := h.user("lead@example.test", false)
		_, responder := h.user("responder@example.test", false)
		_, viewer := h.user("viewer@example.test", false)
		_, outsider := h.user("outsider@example.test", false)
		h.project("acme")
		h.project("other")
		h.member("acme", "lead@example.test", "admin")
		h.member("acme", "responder@example.test", "responder")
		h.member("acme", "viewer@example.test", "viewer")
		h.member("other", "outsider@example.test", "admin")
		// The instance admin leaves acme, to show that running the
		// installation does not open its cases.
		me := h.must(http.StatusOK, "GET", "/api/v1/me", h.admin, nil).object()["user"].(map[string]any)
		adminID := strconv.Itoa(int(me["id"].(float64)))
		h.must(http.StatusNoContent, "DELETE", "/api/v1/projects/acme/members/"+adminID, h.admin, nil)
		h.newCase("acme", leadToken, map[string]any{"title": secretTitle})

		tokens := map[string]string{"public": "", "outsider": outsider, "instance admin": h.admin,
			"viewer": viewer, "responder": responder, "project admin": leadToken}
		roles := []string{"public", "outsider", "instance admin", "viewer", "responder", "project admin"}

		// want lists the status per role, in the order of roles.
		tests := []struct {
			name, method, path string
			body               any
			want               [6]int
		}{
			{"me", "GET", "/api/v1/me", nil, [6]int{401, 200, 200, 200, 200, 200}},
			{"list projects", "GET", "/api/v1/projects", nil, [6]int{401, 200, 200, 200, 200, 200}},
			{"create project", "POST", "/api/v1/projects", map[string]any{"slug": "x"}, [6]int{401, 403, 422, 403, 403, 403}},
			{"show project", "GET", "/api/v1/projects/acme", nil, [6]int{401, 404, 403, 200, 200, 200}},
			{"edit project", "PATCH", "/api/v1/projects/acme", map[string]any{"name": ""}, [6]int{401, 404, 403, 403, 403, 422}},
			{"unarchive project", "POST", "/api/v1/projects/acme/unarchive", nil, [6]int{401, 404, 200, 403, 403, 200}},
			{"list members", "GET", "/api/v1/projects/acme/members", nil, [6]int{401, 404, 403, 200, 200, 200}},
			{"set member", "PUT", "/api/v1/projects/acme/members", map[string]any{"email": "nobody@example.test", "role": "viewer"}, [6]int{401, 404, 422, 403, 403, 422}},
			{"remove member", "DELETE", "/api/v1/projects/acme/members/999999", nil, [6]int{401, 404, 404, 403, 403, 404}},
			{"list invitations", "GET", "/api/v1/projects/acme/invitations", nil, [6]int{401, 404, 200, 403, 403, 200}},
			{"invite", "POST", "/api/v1/projects/acme/invitations", map[string]any{"email": "x", "role": "viewer"}, [6]int{401, 404, 422, 403, 403, 422}},
			{"list cases", "GET", "/api/v1/projects/acme/cases", nil, [6]int{401, 404, 403, 200, 200, 200}},
			{"create case", "POST", "/api/v1/projects/acme/cases", map[string]any{"title": ""}, [6]int{401, 404, 403, 403, 422, 422}},
			{"show case", "GET", "/api/v1/cases/ACME-1", nil, [6]int{401, 404, 403, 200, 200, 200}},
			{"edit case", "PATCH", "/api/v1/cases/ACME-1", map[string]any{"severity": "dire"}, [6]int{401, 404, 403, 403, 422, 422}},
			{"assign case", "PUT", "/api/v1/cases/ACME-1/assignment", map[string]any{"coordinator_id": 999999}, [6]int{401, 404, 403, 403, 422, 422}},
			{"transition", "POST", "/api/v1/cases/ACME-1/transitions", map[string]any{"to": "nowhere"}, [6]int{401, 404, 403, 403, 422, 422}},
			{"list notes", "GET", "/api/v1/cases/ACME-1/notes", nil, [6]int{401, 404, 403, 200, 200, 200}},
			{"create note", "POST", "/api/v1/cases/ACME-1/notes", map[string]any{"body": " "}, [6]int{401, 404, 403, 403, 422, 422}},
			{"history", "GET", "/api/v1/cases/ACME-1/events", nil, [6]int{401, 404, 403, 200, 200, 200}},
			{"missing case", "GET", "/api/v1/cases/ACME-99", nil, [6]int{401, 404, 404, 404, 404, 404}},
			{"missing project", "GET", "/api/v1/projects/nope", nil, [6]int{401, 404, 404, 404, 404, 404}},
			{"list users", "GET", "/api/v1/users", nil, [6]int{401, 403, 200, 403, 403, 403}},
			{"create user", "POST", "/api/v1/users", map[string]any{"email": "x"}, [6]int{401, 403, 422, 403, 403, 403}},
			{"enable user", "POST", "/api/v1/users/" + strconv.FormatInt(lead.ID, 10) + "/enable", nil, [6]int{401, 403, 200, 403, 403, 403}},
			{"list tokens", "GET", "/api/v1/tokens", nil, [6]int{401, 200, 200, 200, 200, 200}},
			{"create token", "POST", "/api/v1/tokens", map[string]any{"name": ""}, [6]int{401, 422, 422, 422, 422, 422}},
			{"revoke token", "DELETE", "/api/v1/tokens/999999", nil, [6]int{401, 404, 404, 404, 404, 404}},
			{"openapi", "GET", "/api/v1/openapi.json", nil, [6]int{200, 200, 200, 200, 200, 200}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				for i, role := range roles {
					res := h.do(tt.method, tt.path, tokens[role], tt.body)
					if res.status != tt.want[i] {
						t.Errorf("as %s: status %d, want %d\n%s", role, res.status, tt.want[i], res.body)
					}
					if res.status >= 400 && strings.Contains(string(res.body), secretTitle) {
						t.Errorf("as %s: a refusal contains the case title", role)
					}
					if res.status == 401 && res.header.Get("WWW-Authenticate") == "" {
						t.Errorf("as %s: 401 without WWW-Authenticate", role)
					}
				}
			})
		}
	})
}

// TestAuthentication checks that only a valid, current token of an
// enabled account authenticates.
func TestAuthentication(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		u, token := h.user("someone@example.test", false)
		revoked := h.must(http.StatusCreated, "POST", "/api/v1/tokens", token, map[string]any{"name": "to revoke"}).object()
		h.must(http.StatusNoContent, "DELETE", "/api/v1/tokens/"+strconv.Itoa(int(revoked["id"].(float64))), token, nil)

		tests := []struct {
			name   string
			header string
			want   int
		}{
			{"no header", "", http.StatusUnauthorized},
			{"valid token", "Bearer " + token, http.StatusOK},
			{"scheme in lower case", "bearer " + token, http.StatusOK},
			{"unknown token", "Bearer emb_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", http.StatusUnauthorized},
			{"revoked token", "Bearer " + revoked["token"].(string), http.StatusUnauthorized},
			{"basic auth", "Basic " + token, http.StatusUnauthorized},
			{"no scheme", token, http.StatusUnauthorized},
			{"overlong token", "Bearer emb_" + strings.Repeat("A", 500), http.StatusUnauthorized},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := h.do("GET", "/api/v1/me", "", nil, "Authorization", tt.header)
				if res.status != tt.want {
					t.Errorf("status %d, want %d\n%s", res.status, tt.want, res.body)
				}
				if res.status == http.StatusUnauthorized {
					if code, _ := res.errorCode(); code != "unauthenticated" {
						t.Errorf("code %q", code)
					}
				}
			})
		}

		t.Run("disabled account", func(t *testing.T) {
			id := strconv.FormatInt(u.ID, 10)
			h.must(http.StatusOK, "POST", "/api/v1/users/"+id+"/disable", h.admin, nil)
			h.must(http.StatusUnauthorized, "GET", "/api/v1/me", token, nil)
			h.must(http.StatusOK, "POST", "/api/v1/users/"+id+"/enable", h.admin, nil)
			h.must(http.StatusOK, "GET", "/api/v1/me", token, nil)
		})
	})
}
