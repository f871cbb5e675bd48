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

var viewDeleteForm = regexp.MustCompile(`action="(/projects/acme/views/\d+/delete)"`)

// TestQueue filters the case list, saves and deletes a view, labels a
// case on its page and runs a bulk action with a per-case summary.
func TestQueue(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).redirectsTo("/projects/acme")
		admin.post("/projects/new", url.Values{"slug": {"other"}, "name": {"Other"}}).redirectsTo("/projects/other")
		for _, c := range []url.Values{
			{"title": {"Parser overflow"}, "component": {"parser"}, "severity": {"critical"}},
			{"title": {"Login timing"}, "component": {"web"}, "severity": {"low"}},
			{"title": {"Accepted one"}, "component": {"web"}},
		} {
			admin.post("/projects/acme/cases/new", c).want(http.StatusSeeOther)
		}
		admin.post("/projects/other/cases/new", url.Values{"title": {"Elsewhere"}}).want(http.StatusSeeOther)
		admin.post("/cases/ACME-3/triage", triageForm()).want(http.StatusSeeOther)
		for _, to := range []string{"triage", "accepted"} {
			admin.post("/cases/ACME-3/transition", url.Values{"to": {to}}).want(http.StatusSeeOther)
		}

		// Labels on the case page.
		admin.post("/cases/ACME-1/labels", url.Values{"label": {"TLS"}}).redirectsTo("/cases/ACME-1?notice=label-added#labels-heading")
		admin.post("/cases/ACME-1/labels", url.Values{"label": {"bad label"}}).want(http.StatusUnprocessableEntity).
			contains("May hold only letters")
		admin.get("/cases/ACME-1").want(http.StatusOK).contains(`<span class="badge label">tls</span>`, "added the label tls",
			`src="/static/cvss-calculator.js?v=`, `id="cvss-calculator"`)

		// Filters, each alone.
		for _, tt := range []struct {
			query      string
			has, lacks []string
		}{
			{"priority=P2", []string{"ACME-1"}, []string{"ACME-2", "ACME-3"}}, // critical, nothing exploited
			{"priority=P4", []string{"ACME-2"}, []string{"ACME-1", "ACME-3"}},
			{"component=web", []string{"ACME-2", "ACME-3"}, []string{">ACME-1<"}},
			{"label=tls", []string{"ACME-1"}, []string{"ACME-2", "ACME-3"}},
			{"assignee=me", nil, []string{"ACME-1", "ACME-2", "ACME-3"}},
		} {
			admin.get("/projects/acme?" + tt.query).want(http.StatusOK).contains(tt.has...).lacks(tt.lacks...)
		}
		admin.get("/projects/acme?priority=P7").want(http.StatusUnprocessableEntity)
		admin.get("/projects/acme?assignee=nobody").want(http.StatusUnprocessableEntity)

		// A saved view keeps the filters and is its owner's only.
		admin.post("/projects/acme/views", url.Values{"name": {"Web"}, "query": {"component=web&page=3"}}).
			redirectsTo("/projects/acme?component=web&notice=view-saved")
		page := admin.get("/projects/acme?component=web").want(http.StatusOK).contains(`aria-current="true" class="current">Web</a>`)
		del := viewDeleteForm.FindStringSubmatch(page.Body)
		if del == nil {
			t.Fatalf("no delete form for the view:\n%s", page.Body)
		}
		admin.post("/projects/acme/views", url.Values{"name": {""}, "query": {"component=web"}}).want(http.StatusUnprocessableEntity)

		admin.post("/admin/users", url.Values{"email": {"rey@example.org"}, "name": {"Rey"}, "password": {testPassword}}).
			redirectsTo("/admin/users?notice=user-created")
		admin.post("/projects/acme/members", url.Values{"email": {"rey@example.org"}, "role": {"responder"}}).
			redirectsTo("/projects/acme/members?notice=member-added")
		rey := e.login("rey@example.org")
		rey.get("/projects/acme").want(http.StatusOK).lacks(">Web</a>")
		rey.post(del[1], nil).want(http.StatusNotFound)
		admin.post(del[1], nil).redirectsTo("/projects/acme?notice=view-deleted")

		// Bulk: ACME-3 cannot move to triage; OTHER-1 is not this project's.
		res := rey.post("/projects/acme/cases/bulk", url.Values{"key": {"ACME-1", "ACME-2", "ACME-3", "OTHER-1"},
			"action": {"transition"}, "to": {"triage"}, "return": {"component=web"}}).want(http.StatusOK).
			contains("Bulk action: 2 done, 2 refused", "<strong>ACME-3</strong>: a case cannot move from accepted to triage",
				"<strong>OTHER-1</strong>: no case OTHER-1 in this project")
		if v := attr(byID(res.doc(), "component"), "value"); v != "web" {
			t.Errorf("the list after a bulk action shows component %q, want the filters it was on", v)
		}
		admin.get("/cases/OTHER-1").want(http.StatusOK).contains(`<dt>State</dt><dd>new</dd>`)
		rey.post("/projects/acme/cases/bulk", url.Values{"key": {"ACME-1", "ACME-2"}, "action": {"label"}, "label": {"triaged"}}).
			want(http.StatusOK).contains("Bulk action: 2 done, 0 refused")
		rey.get("/projects/acme?label=triaged").want(http.StatusOK).contains("ACME-1", "ACME-2")
		rey.post("/projects/acme/cases/bulk", url.Values{"action": {"label"}, "label": {"x"}}).
			want(http.StatusUnprocessableEntity).contains("Select at least one case.")
	})
}
