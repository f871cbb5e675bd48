// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestMembers adds, promotes, lists and removes a member, and checks the
// last-admin guard.
func TestMembers(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		u, token := h.user("dana@example.test", false)
		h.project("acme")
		id := strconv.FormatInt(u.ID, 10)

		m := h.must(http.StatusOK, "PUT", "/api/v1/projects/acme/members", h.admin, map[string]any{"email": "Dana@Example.test", "role": "viewer"}).object()
		want := map[string]any{"user_id": float64(u.ID), "email": "dana@example.test", "name": "dana", "role": "viewer", "joined_at": "2026-01-02T03:04:05.000Z"}
		if diff := cmp.Diff(want, m); diff != "" {
			t.Errorf("member (-want +got):\n%s", diff)
		}
		h.must(http.StatusForbidden, "POST", "/api/v1/projects/acme/cases", token, map[string]any{"title": "t"})

		h.clk.Advance(time.Hour)
		m = h.must(http.StatusOK, "PUT", "/api/v1/projects/acme/members", h.admin, map[string]any{"email": "dana@example.test", "role": "admin"}).object()
		if m["role"] != "admin" || m["joined_at"] != "2026-01-02T03:04:05.000Z" {
			t.Errorf("after promotion: %v (a role change keeps the join date)", m)
		}
		h.must(http.StatusCreated, "POST", "/api/v1/projects/acme/cases", token, map[string]any{"title": "t"})

		var emails []string
		for _, x := range h.must(http.StatusOK, "GET", "/api/v1/projects/acme/members", token, nil).list("members") {
			emails = append(emails, x.(map[string]any)["email"].(string))
		}
		if diff := cmp.Diff([]string{"admin@example.test", "dana@example.test"}, emails); diff != "" {
			t.Errorf("members (-want +got):\n%s", diff)
		}

		me := h.must(http.StatusOK, "GET", "/api/v1/me", h.admin, nil).object()["user"].(map[string]any)
		adminID := strconv.Itoa(int(me["id"].(float64)))
		h.must(http.StatusNoContent, "DELETE", "/api/v1/projects/acme/members/"+adminID, token, nil)
		res := h.must(http.StatusConflict, "DELETE", "/api/v1/projects/acme/members/"+id, token, nil)
		if _, field := res.errorCode(); field != "" {
			t.Errorf("field %q", field)
		}
		h.must(http.StatusNotFound, "DELETE", "/api/v1/projects/acme/members/"+adminID, token, nil)
		// The instance admin, no longer a member, can still manage members.
		h.must(http.StatusOK, "PUT", "/api/v1/projects/acme/members", h.admin, map[string]any{"email": "admin@example.test", "role": "admin"})
		h.must(http.StatusNoContent, "DELETE", "/api/v1/projects/acme/members/"+id, h.admin, nil)
		h.must(http.StatusNotFound, "GET", "/api/v1/projects/acme", token, nil)
	})
}

// TestInvitations creates, lists and revokes invitations, and checks that
// the link works once and only its creator ever sees it.
func TestInvitations(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		base := "/api/v1/projects/acme/invitations"

		inv := h.must(http.StatusCreated, "POST", base, h.admin, map[string]any{"email": "Eve@Example.test", "role": "responder"}).object()
		link, ok := inv["accept_url"].(string)
		if !ok || !strings.HasPrefix(link, "http://example.test/invitations/accept?token=") {
			t.Fatalf("accept_url = %v", inv["accept_url"])
		}
		want := map[string]any{"email": "eve@example.test", "role": "responder", "created_at": "2026-01-02T03:04:05.000Z",
			"expires_at": "2026-01-09T03:04:05.000Z"}
		for k, v := range want {
			if inv[k] != v {
				t.Errorf("%s = %v, want %v", k, inv[k], v)
			}
		}
		u, err := url.Parse(link)
		if err != nil {
			t.Fatal(err)
		}
		secret := u.Query().Get("token")
		got, p, err := h.app.Projects.Invitation(t.Context(), secret)
		if err != nil || p.Slug != "acme" || got.Email != "eve@example.test" {
			t.Fatalf("the link does not open the invitation: %v", err)
		}

		second := h.must(http.StatusCreated, "POST", base, h.admin, map[string]any{"email": "frank@example.test", "role": "viewer"}).object()
		list := h.must(http.StatusOK, "GET", base, h.admin, nil)
		if n := len(list.list("invitations")); n != 2 {
			t.Errorf("%d invitations listed, want 2", n)
		}
		if strings.Contains(string(list.body), secret) || strings.Contains(string(list.body), "accept_url") {
			t.Errorf("the list shows the link")
		}

		id := strconv.Itoa(int(second["id"].(float64)))
		h.must(http.StatusNoContent, "DELETE", base+"/"+id, h.admin, nil)
		h.must(http.StatusNotFound, "DELETE", base+"/"+id, h.admin, nil)
		left := h.must(http.StatusOK, "GET", base, h.admin, nil).list("invitations")
		if len(left) != 1 || left[0].(map[string]any)["email"] != "eve@example.test" {
			t.Errorf("after revoking: %v", left)
		}

		// An invitation of another project cannot be revoked through this one.
		h.project("other")
		other := h.must(http.StatusCreated, "POST", "/api/v1/projects/other/invitations", h.admin, map[string]any{"email": "g@example.test", "role": "viewer"}).object()
		h.must(http.StatusNotFound, "DELETE", base+"/"+strconv.Itoa(int(other["id"].(float64))), h.admin, nil)
	})
}
