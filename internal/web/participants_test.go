// SPDX-License-Identifier: AGPL-3.0-or-later

package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

var (
	participantLink   = regexp.MustCompile(`http://example\.test(/participate/par_[A-Za-z0-9_-]+)`)
	participantRevoke = regexp.MustCompile(`action="(/cases/ACME-1/participants/\d+/revoke)"`)
	participantShare  = regexp.MustCompile(`action="(/cases/ACME-1/participants/\d+/share)"`)
)

// TestParticipantsCard: the team invites a vendor from the case page, sees
// the link once, shares text and revokes; the invitee, signed in with the
// invited address, accepts the terms and sees the shared text only.
func TestParticipantsCard(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("admin@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).want(http.StatusSeeOther)
		admin.post("/projects/acme/cases/new", url.Values{"title": {"Secret-title-9d2e"}}).redirectsTo("/cases/ACME-1")
		admin.get("/cases/ACME-1").want(http.StatusOK).contains(`id="participants"`, "No one outside the team")

		admin.post("/cases/ACME-1/participants", url.Values{"email": {"not-an-address"}, "organization": {"Vendor Inc"},
			"role": {"vendor"}}).want(http.StatusUnprocessableEntity)
		res := admin.post("/cases/ACME-1/participants", url.Values{"email": {"psirt@vendor.example"},
			"organization": {"Vendor Inc"}, "role": {"vendor"}, "message": {"Please join"}}).want(http.StatusOK).
			contains(`id="participant-link"`, "Vendor Inc", "invited")
		m := participantLink.FindStringSubmatch(res.Body)
		if m == nil {
			t.Fatalf("no participant link on the page:\n%s", res.Body)
		}
		link := m[1]
		page := admin.get("/cases/ACME-1").want(http.StatusOK).lacks(link).
			contains("invited Vendor Inc (psirt@vendor.example) to the case as vendor")
		share := participantShare.FindStringSubmatch(page.Body)
		if share == nil {
			t.Fatalf("no share form:\n%s", page.Body)
		}
		admin.post(share[1], url.Values{"summary": {"Fixed in 2.4.1"}}).
			redirectsTo("/cases/ACME-1?notice=participant-shared#participants")

		vendor := e.browser()
		vendor.get(link).want(http.StatusOK).contains("Embargo terms", "Please join", "Sun 2 Aug 2026 03:02 UTC").
			lacks("Secret-title-9d2e", "Fixed in 2.4.1", "ACME-1")
		res = vendor.post(link, url.Values{"name": {"Val"}, "password": {testPassword}, "agree": {"yes"}})
		res.redirectsTo("/cases/ACME-1/participant?notice=participation-accepted")
		vendor.get("/cases/ACME-1/participant").want(http.StatusOK).
			contains("Fixed in 2.4.1", "Embargo ends 2 Aug 2026 03:02 UTC", "Vendor Inc").lacks("Secret-title-9d2e")
		vendor.get("/cases/ACME-1").want(http.StatusNotFound).lacks("Secret-title-9d2e")

		page = admin.get("/cases/ACME-1").want(http.StatusOK).contains("accepted the embargo terms for Vendor Inc")
		revoke := participantRevoke.FindStringSubmatch(page.Body)
		if revoke == nil {
			t.Fatalf("no revoke form:\n%s", page.Body)
		}
		admin.post(revoke[1], nil).redirectsTo("/cases/ACME-1?notice=participant-revoked#participants")
		admin.get("/cases/ACME-1").want(http.StatusOK).contains("revoked the access of Vendor Inc")
		vendor.get("/cases/ACME-1/participant").want(http.StatusNotFound).lacks("Fixed in 2.4.1")
		vendor.get(link).want(http.StatusNotFound)
	})
}
