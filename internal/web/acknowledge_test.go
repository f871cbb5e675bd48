// SPDX-License-Identifier: AGPL-3.0-or-later

package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

func TestAcknowledgeFromTheCasePage(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("admin@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).want(http.StatusSeeOther)

		anon := e.browser()
		res := anon.post("/p/acme/report", url.Values{"title": {"Overflow"}, "description": {"d"},
			"contact_email": {"rita@example.net"}}).want(http.StatusCreated).
			contains(`id="mail-notice"`, "does not send mail yet")
		m := reporterLink.FindStringSubmatch(res.Body)
		if m == nil {
			t.Fatalf("no reporter link on the receipt:\n%s", res.Body)
		}
		portal := m[1]
		reporter := e.browser()
		reporter.get(portal).want(http.StatusOK).contains(`id="acknowledgement"`, "Not acknowledged yet", `id="mail-notice"`)

		page := admin.get("/cases/ACME-1").want(http.StatusOK).contains(`id="acknowledged-at"`, "not yet")
		form := byID(page.doc(), "acknowledge")
		if form == nil || attr(form, "action") != "/cases/ACME-1/acknowledge" {
			t.Fatalf("no acknowledge form:\n%s", page.Body)
		}
		var message string
		for _, ta := range findAll(form, tag("textarea")) {
			if attr(ta, "name") == "message" {
				message = text(ta)
			}
		}
		if !strings.Contains(message, "First assessment: by") || !strings.Contains(message, "is handling it") {
			t.Fatalf("the message is not prefilled from the policy: %q", message)
		}
		if len(findAll(form, func(n *html.Node) bool { return n.Data == "button" && attr(n, "type") == "submit" })) != 1 {
			t.Error("the form has no single submit button")
		}
		// The bare state change is not offered beside the card.
		if strings.Contains(page.Body, `value="acknowledged"`) {
			t.Error("the plain transition to acknowledged is still offered")
		}

		// An invalid message comes back with the text kept.
		admin.post("/cases/ACME-1/acknowledge", url.Values{"message": {"bad\x00"}}).
			want(http.StatusUnprocessableEntity).contains(`id="acknowledge"`)

		admin.post("/cases/ACME-1/acknowledge", url.Values{"message": {message}}).
			redirectsTo("/cases/ACME-1?notice=acknowledged#reporter")
		admin.get("/cases/ACME-1").want(http.StatusOK).lacks(`id="acknowledge"`).contains("First assessment: by")
		page = reporter.get(portal).want(http.StatusOK).contains("Acknowledged on ", "(due ", "First assessment by")
		if ack := byID(page.doc(), "acknowledgement"); ack == nil || !strings.Contains(text(ack), "Acknowledged on") {
			t.Error("the acknowledgement is not inside #acknowledgement")
		}

		// Twice is refused.
		admin.post("/cases/ACME-1/acknowledge", url.Values{"message": {"again"}}).want(http.StatusConflict)

		admin.get("/projects/acme/settings").want(http.StatusOK).contains(`name="auto_acknowledge"`, `id="mail-notice"`)
	})
}
