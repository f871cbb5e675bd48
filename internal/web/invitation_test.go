// SPDX-License-Identifier: AGPL-3.0-or-later

package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// inviteLink has the admin invite email to acme with role and returns the
// accept link's path and token.
func inviteLink(t *testing.T, admin *browser, email, role string) (path, token string) {
	t.Helper()
	page := admin.post("/projects/acme/invitations", url.Values{"email": {email}, "role": {role}}).want(http.StatusOK)
	link := attr(byID(page.doc(), "invite-link"), "value")
	path = strings.TrimPrefix(link, "http://example.test")
	u, err := url.Parse(path)
	if err != nil || u.Query().Get("token") == "" {
		t.Fatalf("invitation link %q", link)
	}
	return path, u.Query().Get("token")
}

// apiGet reads path from the API with a bearer token.
func apiGet(b *browser, token, path string) *response {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.env.srv.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return b.do(req)
}

// projectActions lists the actions of acme's audit events, oldest first.
func projectActions(t *testing.T, s *store.Store) []string {
	t.Helper()
	ctx := context.Background()
	var actions []string
	err := s.Read(ctx, func(tx *store.Tx) error {
		p, err := tx.ProjectBySlug(ctx, "acme")
		if err != nil {
			return err
		}
		events, err := tx.ProjectEvents(ctx, p.ID, 1000)
		for _, e := range events {
			actions = append(actions, e.Action)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(actions)
	return actions
}

// TestForwardedInvitation walks the forwarded-link attack: an admin
// invites zed, and bob, who has an account but is no member, opens the
// link zed forwarded (or leaked) and posts the form. Bob is refused, reads
// nothing of the project through the UI or the API, and zed can still
// accept.
func TestForwardedInvitation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).redirectsTo("/projects/acme")
		admin.post("/projects/acme/cases/new", url.Values{"title": {"Embargoed flaw"}}).redirectsTo("/cases/ACME-1")
		admin.post("/admin/users", url.Values{"email": {"bob@example.org"}, "name": {"Bob"}, "password": {testPassword}}).
			redirectsTo("/admin/users?notice=user-created")
		path, token := inviteLink(t, admin, "zed@example.test", "viewer")

		bob := e.login("bob@example.org")
		bobAPI := mustToken(t, e, "bob@example.org")
		bob.get(path).want(http.StatusOK).contains("z**@example.test", `id="invitation-refusal"`).
			lacks("zed@example.test", "Accept invitation")
		bob.post("/invitations/accept", url.Values{"token": {token}}).want(http.StatusForbidden).
			contains("This invitation is for z**@example.test", "bob@example.org").lacks("zed@example.test")

		for _, p := range []string{"/projects/acme", "/cases/ACME-1", "/projects/acme/members"} {
			bob.get(p).want(http.StatusNotFound).lacks("Embargoed flaw")
		}
		for _, p := range []string{"/api/v1/projects/acme", "/api/v1/projects/acme/cases", "/api/v1/cases/ACME-1", "/api/v1/search?q=Embargoed"} {
			if res := apiGet(bob, bobAPI, p); res.Status != http.StatusNotFound && res.Status != http.StatusOK ||
				strings.Contains(res.Body, "Embargoed") {
				t.Errorf("GET %s as bob: %d %s", p, res.Status, res.Body)
			}
		}
		apiGet(bob, bobAPI, "/api/v1/projects").want(http.StatusOK).lacks("acme")
		admin.get("/projects/acme/members").want(http.StatusOK).lacks("bob@example.org").contains("zed@example.test")

		// The invitation is still zed's.
		zed := e.browser()
		zed.get(path).want(http.StatusOK).contains(`value="zed@example.test" readonly`)
		zed.post("/invitations/accept", url.Values{"token": {token}, "name": {"Zed"}, "password": {testPassword}}).
			redirectsTo("/projects/acme?notice=joined")
		zed.get("/cases/ACME-1").want(http.StatusOK).contains("Embargoed flaw")
		// Single use: the link is spent, for zed and for bob.
		zed.get(path).want(http.StatusNotFound)
		bob.post("/invitations/accept", url.Values{"token": {token}}).want(http.StatusNotFound)
		bob.get("/cases/ACME-1").want(http.StatusNotFound)

		want := []string{"case.create", "invitation.accept", "invitation.create", "invitation.refuse", "member.add", "project.create", "user.create"}
		if got := slices.Compact(projectActions(t, s)); !slices.Equal(got, want) {
			t.Errorf("audit actions %v, want %v", got, want)
		}
	})
}

// TestInvitationLifetime checks that an invitation can be revoked, runs
// out after the invitation-ttl, and that its expiry is recorded once.
func TestInvitationLifetime(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).redirectsTo("/projects/acme")
		revoked, _ := inviteLink(t, admin, "rev@example.test", "viewer")
		late, _ := inviteLink(t, admin, "late@example.test", "viewer")
		ctx := context.Background()
		invs, err := e.app.Projects.OpenInvitations(ctx, 1)
		if err != nil || len(invs) != 2 {
			t.Fatalf("open invitations %v, %v", invs, err)
		}
		admin.post("/projects/acme/invitations/"+strconv.FormatInt(invs[0].ID, 10)+"/revoke", nil).want(http.StatusSeeOther)
		e.browser().get(revoked).want(http.StatusNotFound)

		e.clk.Advance(7*24*time.Hour - time.Minute)
		e.browser().get(late).want(http.StatusOK)
		e.clk.Advance(time.Minute)
		e.browser().get(late).want(http.StatusNotFound)
		for i, want := range []int{1, 0} { // recorded once only
			if n, err := e.app.Projects.ExpireInvitations(ctx); err != nil || n != want {
				t.Fatalf("run %d: ExpireInvitations = %d, %v; want %d", i+1, n, err, want)
			}
		}
		want := []string{"invitation.create", "invitation.create", "invitation.expire", "invitation.revoke", "member.add", "project.create"}
		if got := projectActions(t, s); !slices.Equal(got, want) {
			t.Errorf("audit actions %v, want %v", got, want)
		}
	})
}
