// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestProjectSecurityPolicy edits the security policy through PATCH
// settings: new projects get the defaults, lists given replace lists,
// values are normalized, and bad values are refused naming their field.
func TestProjectSecurityPolicy(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		settings := h.must(http.StatusOK, "GET", "/api/v1/projects/acme", h.admin, nil).object()["settings"].(map[string]any)
		defaults := map[string]any{
			"security_contacts": []any{}, "contact_urls": []any{}, "report_channels": []any{"web", "api"},
			"preferred_languages": []any{"en"}, "disclosure": "coordinated", "credit": "by_name",
			"bounty": "", "policy_intro": "", "acknowledgments_url": "",
		}
		for k, v := range defaults {
			if diff := cmp.Diff(v, settings[k]); diff != "" {
				t.Errorf("default %s (-want +got):\n%s", k, diff)
			}
		}

		got := h.must(http.StatusOK, "PATCH", "/api/v1/projects/acme", h.admin, map[string]any{"settings": map[string]any{
			"security_contacts":   []string{"Security@Acme.example", "security@acme.example", "psirt@acme.example"},
			"report_channels":     []string{"email", "web"},
			"preferred_languages": []string{"EN", "de-ch"},
			"disclosure":          "after_fix",
			"credit":              "anonymous",
			"bounty":              "https://bounty.acme.example/",
			"acknowledgments_url": "https://acme.example/thanks",
		}}).object()["settings"].(map[string]any)
		want := map[string]any{
			"security_contacts": []any{"security@acme.example", "psirt@acme.example"},
			"report_channels":   []any{"web", "email"}, "preferred_languages": []any{"en", "de-CH"},
			"disclosure": "after_fix", "credit": "anonymous", "bounty": "https://bounty.acme.example/",
			"acknowledgments_url": "https://acme.example/thanks", "time_zone": "UTC",
		}
		for k, v := range want {
			if diff := cmp.Diff(v, got[k]); diff != "" {
				t.Errorf("after patch %s (-want +got):\n%s", k, diff)
			}
		}

		for _, tt := range []struct {
			name     string
			settings map[string]any
			field    string
		}{
			{"bad email", map[string]any{"security_contacts": []string{"not-an-address"}}, "settings.security_contacts"},
			{"email channel without contacts", map[string]any{"security_contacts": []string{}}, "settings.security_contacts"},
			{"unknown channel", map[string]any{"report_channels": []string{"fax"}}, "settings.report_channels"},
			{"no channel", map[string]any{"report_channels": []string{}}, "settings.report_channels"},
			{"bad language", map[string]any{"preferred_languages": []string{"english!"}}, "settings.preferred_languages"},
			{"no language", map[string]any{"preferred_languages": []string{}}, "settings.preferred_languages"},
			{"unknown disclosure", map[string]any{"disclosure": "full"}, "settings.disclosure"},
			{"unknown credit", map[string]any{"credit": "maybe"}, "settings.credit"},
			{"http acknowledgments", map[string]any{"acknowledgments_url": "http://acme.example/thanks"}, "settings.acknowledgments_url"},
			{"http contact url", map[string]any{"contact_urls": []string{"http://acme.example/"}}, "settings.contact_urls"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				res := h.do("PATCH", "/api/v1/projects/acme", h.admin, map[string]any{"settings": tt.settings})
				if res.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422: %s", res.status, res.body)
				}
				if _, field := res.errorCode(); field != tt.field {
					t.Errorf("field %q, want %q", field, tt.field)
				}
			})
		}
	})
}
