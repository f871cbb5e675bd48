// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestProjectEdit changes fields and settings with PATCH and checks that
// unmentioned fields and settings keep their values.
func TestProjectEdit(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		created := h.must(http.StatusCreated, "POST", "/api/v1/projects", h.admin, map[string]any{
			"slug": "acme", "name": "Acme", "description": "Rockets",
			"settings": map[string]any{"time_zone": "Europe/Berlin", "fix_target_days": map[string]any{"critical": 3}},
		}).object()
		settings := created["settings"].(map[string]any)
		if settings["time_zone"] != "Europe/Berlin" || settings["max_embargo_days"] != 90.0 {
			t.Errorf("created settings = %v", settings)
		}
		if diff := cmp.Diff(map[string]any{"critical": 3.0, "high": 30.0, "medium": 60.0, "low": 90.0}, settings["fix_target_days"]); diff != "" {
			t.Errorf("fix_target_days merged over the defaults (-want +got):\n%s", diff)
		}

		h.clk.Advance(time.Hour)
		got := h.must(http.StatusOK, "PATCH", "/api/v1/projects/acme", h.admin, map[string]any{
			"name": "Acme Corp", "settings": map[string]any{"advisory_prefix": "ACME", "fix_target_days": map[string]any{"low": 120}},
		}).object()
		want := map[string]any{"slug": "acme", "name": "Acme Corp", "description": "Rockets", "require_mfa": false,
			"archived": false, "archived_at": nil, "role": "admin",
			"created_at": "2026-01-02T03:04:05.000Z", "updated_at": "2026-01-02T04:04:05.000Z"}
		for k, v := range want {
			if diff := cmp.Diff(v, got[k]); diff != "" {
				t.Errorf("%s (-want +got):\n%s", k, diff)
			}
		}
		settings = got["settings"].(map[string]any)
		if settings["advisory_prefix"] != "ACME" || settings["time_zone"] != "Europe/Berlin" {
			t.Errorf("settings after patch = %v", settings)
		}
		if diff := cmp.Diff(map[string]any{"critical": 3.0, "high": 30.0, "medium": 60.0, "low": 120.0}, settings["fix_target_days"]); diff != "" {
			t.Errorf("fix_target_days (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(got, h.must(http.StatusOK, "GET", "/api/v1/projects/acme", h.admin, nil).object()); diff != "" {
			t.Errorf("GET differs from PATCH response:\n%s", diff)
		}

		list := h.must(http.StatusOK, "GET", "/api/v1/projects", h.admin, nil).list("projects")
		if len(list) != 1 || list[0].(map[string]any)["name"] != "Acme Corp" {
			t.Errorf("projects = %v", list)
		}
		if _, ok := list[0].(map[string]any)["settings"]; ok {
			t.Errorf("the list shows settings")
		}
	})
}

// TestProjectArchive checks that an archived project is read-only for
// everyone until unarchived, and that archiving twice is harmless.
func TestProjectArchive(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		key := h.newCase("acme", h.admin, map[string]any{"title": "t"})

		p := h.must(http.StatusOK, "POST", "/api/v1/projects/acme/archive", h.admin, nil).object()
		if p["archived"] != true || p["archived_at"] != "2026-01-02T03:04:05.000Z" {
			t.Errorf("archived project = %v", p)
		}
		h.must(http.StatusOK, "POST", "/api/v1/projects/acme/archive", h.admin, nil)

		writes := []struct{ method, path, body string }{
			{"POST", "/api/v1/projects/acme/cases", `{"title":"x"}`},
			{"PATCH", "/api/v1/cases/" + key, `{"title":"x"}`},
			{"POST", "/api/v1/cases/" + key + "/transitions", `{"to":"triage"}`},
			{"POST", "/api/v1/cases/" + key + "/notes", `{"body":"x"}`},
			{"PATCH", "/api/v1/projects/acme", `{"name":"x"}`},
			{"PUT", "/api/v1/projects/acme/members", `{"email":"admin@example.test","role":"admin"}`},
		}
		for _, w := range writes {
			res := h.must(http.StatusConflict, w.method, w.path, h.admin, w.body)
			if code, _ := res.errorCode(); code != "archived" {
				t.Errorf("%s %s: code %q", w.method, w.path, code)
			}
		}
		h.must(http.StatusOK, "GET", "/api/v1/cases/"+key, h.admin, nil)

		p = h.must(http.StatusOK, "POST", "/api/v1/projects/acme/unarchive", h.admin, nil).object()
		if p["archived"] != false || p["archived_at"] != nil {
			t.Errorf("unarchived project = %v", p)
		}
		h.must(http.StatusCreated, "POST", "/api/v1/cases/"+key+"/notes", h.admin, `{"body":"writable again"}`)
	})
}

// TestProjectRequireMFA checks that a project requiring two-factor
// refuses members whose account has none, with a code that says so.
func TestProjectRequireMFA(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		_, viewer := h.user("viewer@example.test", false)
		h.project("acme")
		h.member("acme", "viewer@example.test", "viewer")
		h.must(http.StatusOK, "GET", "/api/v1/projects/acme", viewer, nil)
		h.must(http.StatusOK, "PATCH", "/api/v1/projects/acme", h.admin, map[string]any{"require_mfa": true})
		res := h.must(http.StatusForbidden, "GET", "/api/v1/projects/acme", viewer, nil)
		if code, _ := res.errorCode(); code != "mfa_required" {
			t.Errorf("code %q", code)
		}
	})
}
