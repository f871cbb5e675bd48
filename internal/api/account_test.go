// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestMe checks the caller's account and memberships.
func TestMe(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		h.project("beta")
		got := h.must(http.StatusOK, "GET", "/api/v1/me", h.admin, nil).object()
		want := map[string]any{
			"user": map[string]any{"id": 1.0, "email": "admin@example.test", "name": "admin", "instance_admin": true,
				"disabled": false, "mfa_enabled": false, "created_at": "2026-01-02T03:04:05.000Z", "updated_at": "2026-01-02T03:04:05.000Z"},
			"memberships": []any{
				map[string]any{"project": "acme", "project_name": "Acme", "role": "admin"},
				map[string]any{"project": "beta", "project_name": "Beta", "role": "admin"},
			},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("me (-want +got):\n%s", diff)
		}
	})
}

// TestTokens creates a token through the API, uses it, lists and revokes
// it, and checks that nobody can revoke someone else's.
func TestTokens(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		_, other := h.user("other@example.test", false)

		tk := h.must(http.StatusCreated, "POST", "/api/v1/tokens", h.admin, map[string]any{"name": "ci"}).object()
		plain, _ := tk["token"].(string)
		if !strings.HasPrefix(plain, "emb_") || tk["name"] != "ci" || tk["last_used_at"] != nil || tk["revoked_at"] != nil {
			t.Fatalf("created token = %v", tk)
		}
		h.clk.Advance(2 * time.Minute)
		h.must(http.StatusOK, "GET", "/api/v1/me", plain, nil)

		list := h.must(http.StatusOK, "GET", "/api/v1/tokens", h.admin, nil)
		if strings.Contains(string(list.body), plain) {
			t.Errorf("the list shows a secret")
		}
		tokens := list.list("tokens")
		if len(tokens) != 2 {
			t.Fatalf("%d tokens, want the harness's and the new one", len(tokens))
		}
		newest := tokens[0].(map[string]any)
		if newest["name"] != "ci" || newest["last_used_at"] != "2026-01-02T03:06:05.000Z" {
			t.Errorf("listed token = %v", newest)
		}

		id := strconv.Itoa(int(tk["id"].(float64)))
		h.must(http.StatusNotFound, "DELETE", "/api/v1/tokens/"+id, other, nil)
		h.must(http.StatusOK, "GET", "/api/v1/me", plain, nil)
		h.must(http.StatusNoContent, "DELETE", "/api/v1/tokens/"+id, h.admin, nil)
		h.must(http.StatusUnauthorized, "GET", "/api/v1/me", plain, nil)
		h.must(http.StatusNotFound, "DELETE", "/api/v1/tokens/"+id, h.admin, nil)
		revoked := h.must(http.StatusOK, "GET", "/api/v1/tokens", h.admin, nil).list("tokens")[0].(map[string]any)
		if revoked["revoked_at"] != "2026-01-02T03:06:05.000Z" {
			t.Errorf("revoked token = %v", revoked)
		}
		if n := len(h.must(http.StatusOK, "GET", "/api/v1/tokens", other, nil).list("tokens")); n != 1 {
			t.Errorf("other sees %d tokens, want only their own", n)
		}
	})
}

// TestUsers creates, lists, disables and enables accounts.
func TestUsers(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		u := h.must(http.StatusCreated, "POST", "/api/v1/users", h.admin, map[string]any{
			"email": "Grace@Example.test", "name": "Grace", "password": password}).object()
		want := map[string]any{"email": "grace@example.test", "name": "Grace", "instance_admin": false, "disabled": false, "mfa_enabled": false}
		for k, v := range want {
			if u[k] != v {
				t.Errorf("%s = %v, want %v", k, u[k], v)
			}
		}
		if _, ok := u["password"]; ok {
			t.Errorf("the response echoes the password")
		}
		id := strconv.Itoa(int(u["id"].(float64)))

		var names []string
		for _, x := range h.must(http.StatusOK, "GET", "/api/v1/users", h.admin, nil).list("users") {
			names = append(names, x.(map[string]any)["name"].(string))
		}
		if diff := cmp.Diff([]string{"Grace", "admin"}, names); diff != "" {
			t.Errorf("users by name (-want +got):\n%s", diff)
		}

		if d := h.must(http.StatusOK, "POST", "/api/v1/users/"+id+"/disable", h.admin, nil).object(); d["disabled"] != true {
			t.Errorf("after disable: %v", d)
		}
		if d := h.must(http.StatusOK, "POST", "/api/v1/users/"+id+"/enable", h.admin, nil).object(); d["disabled"] != false {
			t.Errorf("after enable: %v", d)
		}
		h.must(http.StatusConflict, "POST", "/api/v1/users/1/disable", h.admin, nil)
	})
}
