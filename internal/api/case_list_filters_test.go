// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// bulkOutcome is a bulk response reduced to key → "ok" or error code.
func bulkOutcome(t *testing.T, res *response) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range res.list("results") {
		m := r.(map[string]any)
		if m["ok"].(bool) {
			out[m["key"].(string)] = "ok"
			continue
		}
		e := m["error"].(map[string]any)
		if e["message"].(string) == "" {
			t.Errorf("refusal of %s without a message", m["key"])
		}
		out[m["key"].(string)] = e["code"].(string)
	}
	return out
}

func TestBulkActions(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		resp, respToken := h.user("responder@example.test", false)
		viewer, viewerToken := h.user("viewer@example.test", false)
		h.project("acme")
		h.project("other")
		h.member("acme", "responder@example.test", "responder")
		h.member("acme", "viewer@example.test", "viewer")
		for range 3 {
			h.newCase("acme", h.admin, map[string]any{"title": "case"})
		}
		h.newCase("other", h.admin, map[string]any{"title": "not yours"})
		// ACME-3 is accepted: it cannot go back to triage.
		h.confirm("ACME-3", h.admin)
		for _, to := range []string{"triage", "accepted"} {
			h.must(http.StatusOK, "POST", "/api/v1/cases/ACME-3/transitions", h.admin, map[string]any{"to": to})
		}
		bulk := "/api/v1/projects/acme/cases/bulk"

		t.Run("mixed legal and illegal transitions; another project's case is not found", func(t *testing.T) {
			res := h.must(http.StatusOK, "POST", bulk, respToken, map[string]any{
				"keys": []string{"ACME-1", "acme-2", "ACME-3", "OTHER-1", "NOPE-9", "ACME-1"}, "action": "transition", "to": "triage"})
			want := map[string]string{"ACME-1": "ok", "ACME-2": "ok", "ACME-3": "conflict", "OTHER-1": "not_found", "NOPE-9": "not_found"}
			if diff := cmp.Diff(want, bulkOutcome(t, res)); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			if o := res.object(); o["succeeded"] != 2.0 || o["refused"] != 3.0 || len(res.list("results")) != 5 {
				t.Errorf("counts: %s", res.body)
			}
			// The refusal of another project's case reads like that of a
			// case that does not exist.
			msgs := map[string]string{}
			for _, r := range res.list("results") {
				m := r.(map[string]any)
				if e, ok := m["error"].(map[string]any); ok {
					msgs[m["key"].(string)] = e["message"].(string)
				}
			}
			if msgs["OTHER-1"] != "no case OTHER-1 in this project" || msgs["NOPE-9"] != "no case NOPE-9 in this project" {
				t.Errorf("not-found messages: %q", msgs)
			}
			if st := h.must(http.StatusOK, "GET", "/api/v1/cases/OTHER-1", h.admin, nil).object()["state"]; st != "new" {
				t.Errorf("OTHER-1 is %v, want untouched", st)
			}
			if st := h.must(http.StatusOK, "GET", "/api/v1/cases/ACME-2", h.admin, nil).object()["state"]; st != "triage" {
				t.Errorf("ACME-2 is %v, want triage", st)
			}
		})

		t.Run("a viewer is refused each case, as for the single action", func(t *testing.T) {
			res := h.must(http.StatusOK, "POST", bulk, viewerToken, map[string]any{"keys": []string{"ACME-1", "OTHER-1"}, "action": "label", "label": "tls"})
			if diff := cmp.Diff(map[string]string{"ACME-1": "forbidden", "OTHER-1": "not_found"}, bulkOutcome(t, res)); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			h.must(http.StatusForbidden, "POST", "/api/v1/cases/ACME-1/labels", viewerToken, map[string]any{"label": "tls"})
		})

		t.Run("assign checks the assignee as the single action does", func(t *testing.T) {
			res := h.must(http.StatusOK, "POST", bulk, respToken, map[string]any{"keys": []string{"ACME-1"}, "action": "assign", "assignee_id": viewer.ID})
			if diff := cmp.Diff(map[string]string{"ACME-1": "invalid"}, bulkOutcome(t, res)); diff != "" {
				t.Errorf("assigning a viewer (-want +got):\n%s", diff)
			}
			res = h.must(http.StatusOK, "POST", bulk, respToken, map[string]any{"keys": []string{"ACME-1", "ACME-2"}, "action": "assign", "assignee_id": resp.ID})
			if diff := cmp.Diff(map[string]string{"ACME-1": "ok", "ACME-2": "ok"}, bulkOutcome(t, res)); diff != "" {
				t.Errorf("assigning a responder (-want +got):\n%s", diff)
			}
			got := keys(h.must(http.StatusOK, "GET", "/api/v1/projects/acme/cases?assignee="+strconv.FormatInt(resp.ID, 10), h.admin, nil))
			if diff := cmp.Diff([]string{"ACME-2", "ACME-1"}, got); diff != "" {
				t.Errorf("assignee filter (-want +got):\n%s", diff)
			}
		})

		t.Run("labels, and the label and priority filters", func(t *testing.T) {
			res := h.must(http.StatusOK, "POST", bulk, respToken, map[string]any{"keys": []string{"ACME-1", "ACME-3"}, "action": "label", "label": " TLS "})
			if diff := cmp.Diff(map[string]string{"ACME-1": "ok", "ACME-3": "ok"}, bulkOutcome(t, res)); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			h.must(http.StatusOK, "POST", "/api/v1/cases/ACME-1/labels", respToken, map[string]any{"label": "crypto"})
			if got := h.must(http.StatusOK, "GET", "/api/v1/cases/ACME-1", respToken, nil).object()["labels"]; !cmp.Equal(got, []any{"crypto", "tls"}) {
				t.Errorf("labels of ACME-1 = %v", got)
			}
			if got := keys(h.must(http.StatusOK, "GET", "/api/v1/projects/acme/cases?label=tls", respToken, nil)); !cmp.Equal(got, []string{"ACME-3", "ACME-1"}) {
				t.Errorf("label filter = %v", got)
			}
			h.must(http.StatusOK, "DELETE", "/api/v1/cases/ACME-3/labels/tls", respToken, nil)
			if got := h.must(http.StatusOK, "GET", "/api/v1/projects/acme/labels", viewerToken, nil).list("labels"); !cmp.Equal(got, []any{"crypto", "tls"}) {
				t.Errorf("project labels = %v", got)
			}
			if code, field := h.must(http.StatusUnprocessableEntity, "POST", "/api/v1/cases/ACME-1/labels", respToken, map[string]any{"label": "no spaces"}).errorCode(); code != "invalid" || field != "label" {
				t.Errorf("bad label: %s %s", code, field)
			}
			h.must(http.StatusBadRequest, "GET", "/api/v1/projects/acme/cases?priority=P9", respToken, nil)

			// A critical CVSS score makes the case P2 in the list's stored
			// priority, the same as the case shows.
			h.must(http.StatusOK, "PATCH", "/api/v1/cases/ACME-2", respToken, map[string]any{"cvss_vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"})
			list := h.must(http.StatusOK, "GET", "/api/v1/projects/acme/cases?priority=P2", respToken, nil)
			if got := keys(list); !cmp.Equal(got, []string{"ACME-2"}) {
				t.Errorf("priority filter = %v", got)
			}
			// Known exploitation raises it to P1.
			h.must(http.StatusOK, "PUT", "/api/v1/cases/ACME-2/triage", respToken,
				`{"reproduction":{"status":"not-tried"},"confirmation":{"decision":"pending"},"affected":[],"exploitation":"known-exploited"}`)
			if got := keys(h.must(http.StatusOK, "GET", "/api/v1/projects/acme/cases?priority=P1", respToken, nil)); !cmp.Equal(got, []string{"ACME-2"}) {
				t.Errorf("priority filter after exploitation = %v", got)
			}
			// A severity set by hand moves the stored priority too.
			h.must(http.StatusOK, "PATCH", "/api/v1/cases/ACME-1", respToken, map[string]any{"severity": "low"})
			if got := keys(h.must(http.StatusOK, "GET", "/api/v1/projects/acme/cases?priority=P4", respToken, nil)); !cmp.Equal(got, []string{"ACME-1"}) {
				t.Errorf("priority filter after a severity change = %v", got)
			}
		})

		t.Run("bad requests change nothing", func(t *testing.T) {
			for _, body := range []map[string]any{
				{"keys": []string{}, "action": "label", "label": "x"},
				{"keys": []string{"ACME-1"}, "action": "delete"},
				{"keys": []string{"ACME-1"}, "action": "transition", "to": "nowhere"},
				{"keys": []string{"ACME-1"}, "action": "assign"},
			} {
				h.must(http.StatusUnprocessableEntity, "POST", bulk, respToken, body)
			}
		})
	})
}

func TestSavedViewsBelongToTheirOwner(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		_, respToken := h.user("responder@example.test", false)
		h.project("acme")
		h.project("other")
		h.member("acme", "responder@example.test", "responder")

		v := h.must(http.StatusOK, "POST", "/api/v1/projects/acme/views", respToken,
			map[string]any{"name": "My open P1", "query": "?state=open&priority=P1&offset=50&bogus=1"}).object()
		if v["query"] != "priority=P1&state=open" {
			t.Errorf("saved query = %v, want only the filters", v["query"])
		}
		id := strconv.FormatInt(int64(v["id"].(float64)), 10)
		// Saving under the same name replaces the filters.
		again := h.must(http.StatusOK, "POST", "/api/v1/projects/acme/views", respToken,
			map[string]any{"name": "My open P1", "query": "state=open&priority=P1&label=tls"}).object()
		if again["id"] != v["id"] {
			t.Errorf("saving under a taken name made a new view: %v", again)
		}
		if got := h.must(http.StatusOK, "GET", "/api/v1/projects/acme/views", respToken, nil).list("views"); len(got) != 1 {
			t.Errorf("owner's views = %v", got)
		}
		if got := h.must(http.StatusOK, "GET", "/api/v1/projects/acme/views", h.admin, nil).list("views"); len(got) != 0 {
			t.Errorf("another user sees views %v", got)
		}
		h.must(http.StatusNotFound, "DELETE", "/api/v1/projects/acme/views/"+id, h.admin, nil)
		h.must(http.StatusNotFound, "DELETE", "/api/v1/projects/other/views/"+id, h.admin, nil)
		h.must(http.StatusUnprocessableEntity, "POST", "/api/v1/projects/acme/views", respToken, map[string]any{"name": "", "query": ""})
		h.must(http.StatusNoContent, "DELETE", "/api/v1/projects/acme/views/"+id, respToken, nil)
		h.must(http.StatusNotFound, "DELETE", "/api/v1/projects/acme/views/"+id, respToken, nil)
	})
}
