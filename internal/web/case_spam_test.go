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

var unblockForm = regexp.MustCompile(`action="(/projects/acme/settings/blocks/\d+/delete)"`)

// TestSpamFromCasePageToSettings marks a report as spam on its case page,
// blocking its address, checks that the sender's next report is refused
// and the case hidden from the list, and lifts the block in the settings.
func TestSpamFromCasePageToSettings(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("admin@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).want(http.StatusSeeOther)
		anon := e.browser()
		report := url.Values{"title": {"Cheap watches"}, "description": {"Buy now."}}
		anon.post("/p/acme/report", report).want(http.StatusCreated)

		admin.get("/cases/ACME-1").want(http.StatusOK).contains(`action="/cases/ACME-1/spam"`, "Block the address it came from").
			lacks(`name="block_key"`) // the report came without a key
		admin.post("/cases/ACME-1/spam", url.Values{"block_key": {"1"}}).want(http.StatusUnprocessableEntity).
			contains("came without an OpenPGP key")
		admin.post("/cases/ACME-1/spam", url.Values{"block_address": {"1"}}).redirectsTo("/cases/ACME-1?notice=case-spam")
		admin.get("/cases/ACME-1").want(http.StatusOK).lacks(`action="/cases/ACME-1/spam"`)

		anon.post("/p/acme/report", report).want(http.StatusForbidden).contains("could not be accepted").lacks("rep_")
		admin.get("/projects/acme").want(http.StatusOK).lacks("ACME-1")
		admin.get("/projects/acme?include_spam=1").want(http.StatusOK).contains("ACME-1")
		admin.get("/projects/acme?state=rejected").want(http.StatusOK).contains("ACME-1")

		res := admin.get("/projects/acme/settings").want(http.StatusOK).contains("Blocked senders", "ACME-1")
		m := unblockForm.FindStringSubmatch(res.Body)
		if m == nil {
			t.Fatalf("no unblock form in the settings:\n%s", res.Body)
		}
		admin.post(m[1], nil).redirectsTo("/projects/acme/settings?notice=sender-unblocked#blocks")
		admin.get("/projects/acme/settings").want(http.StatusOK).contains("No sender is blocked")
		anon.post("/p/acme/report", report).want(http.StatusCreated)
	})
}
