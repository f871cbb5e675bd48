// SPDX-License-Identifier: AGPL-3.0-or-later

package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// The clock starts on 2026-05-04 03:02:01 UTC; the default policy's
// embargo is 90 days, which is also its maximum.
func TestEmbargoCountdownOnTheCasePageAndThePortal(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("admin@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).want(http.StatusSeeOther)
		res := e.browser().postMultipart("/p/acme/report", map[string]string{"title": "Overflow", "description": "d"}, nil).
			want(http.StatusCreated)
		m := reporterLink.FindStringSubmatch(res.Body)
		if m == nil {
			t.Fatalf("no reporter link on the receipt:\n%s", res.Body)
		}
		portal := m[1]
		reporter := e.browser()

		admin.get("/cases/ACME-1").want(http.StatusOK).contains(`id="embargo"`, "Embargo ends 2 Aug 2026 03:02 UTC — in 90 days")
		reporter.get(portal).want(http.StatusOK).contains(`id="portal-embargo"`, "Embargo ends 2 Aug 2026 03:02 UTC — in 90 days")

		admin.post("/cases/ACME-1/embargo", url.Values{"embargo_until": {"2026-05-01T12:00"}}).
			want(http.StatusUnprocessableEntity).contains("in the past")
		admin.post("/cases/ACME-1/embargo", url.Values{"embargo_until": {"2026-09-01T12:00"}}).
			want(http.StatusUnprocessableEntity).contains("2 Aug 2026 03:02 UTC")
		admin.post("/cases/ACME-1/embargo", url.Values{"embargo_until": {"2026-06-01T14:00"}}).
			redirectsTo("/cases/ACME-1?notice=case-saved#embargo")

		admin.get("/cases/ACME-1").want(http.StatusOK).contains("Embargo ends 1 Jun 2026 14:00 UTC — in 28 days")
		reporter.get(portal).want(http.StatusOK).contains("Embargo ends 1 Jun 2026 14:00 UTC — in 28 days")

		admin.post("/cases/ACME-1/embargo/extend", url.Values{"embargo_until": {"2026-06-15T14:00"}, "asked_by": {"reporter"},
			"reason": {"conference talk"}, "reporter_agreed": {"yes"}}).redirectsTo("/cases/ACME-1?notice=case-saved#embargo")
		admin.post("/cases/ACME-1/embargo/broken", url.Values{"where": {"https://forum.example/t/9"}, "reaction": {"disclose today"}}).
			redirectsTo("/cases/ACME-1?notice=case-saved#embargo")
		admin.get("/cases/ACME-1").want(http.StatusOK).
			contains("Embargo ends 15 Jun 2026 14:00 UTC — in 42 days", "asked by reporter", "the reporter agreed",
				`id="embargo-broken"`, "https://forum.example/t/9", "disclose today").
			contains("extended the embargo from")
	})
}
