// SPDX-License-Identifier: AGPL-3.0-or-later

package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

func TestMetricsPage(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("admin@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).want(http.StatusSeeOther)
		e.browser().post("/p/acme/report", url.Values{"title": {"Overflow"}, "description": {"d"}}).want(http.StatusCreated)
		admin.post("/cases/ACME-1/transition", url.Values{"to": {"triage"}}).want(http.StatusSeeOther)

		page := admin.get("/projects/acme/metrics").want(http.StatusOK).
			contains(`id="metric-acknowledge"`, "<svg", `class="bar"`, "Deadlines kept", "Open cases: 1").
			lacks("style=")
		if ack := text(byID(page.doc(), "metric-acknowledge")); !strings.Contains(ack, "1 case") {
			t.Errorf("time to acknowledge card: %s", ack)
		}
		admin.get("/projects/acme").want(http.StatusOK).contains(`href="/projects/acme/metrics"`)
		e.browser().get("/projects/acme/metrics").want(http.StatusSeeOther)
	})
}
