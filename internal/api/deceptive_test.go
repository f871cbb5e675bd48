// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestDeceptiveUnicodeRefused sends a right-to-left override, an isolate
// and a zero-width space to each one-line field a person reads as a name
// and wants a 422 naming the field and the character. Multi-line text is
// kept byte for byte: the API gives back data, not a page to read.
func TestDeceptiveUnicodeRefused(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		key := h.newCase("acme", h.admin, map[string]any{"title": "Original title"})
		tests := []struct {
			name, method, path, field string
			body                      func(v string) map[string]any
		}{
			{"case title", "POST", "/api/v1/projects/acme/cases", "title", func(v string) map[string]any { return map[string]any{"title": v} }},
			{"case title on edit", "PATCH", "/api/v1/cases/" + key, "title", func(v string) map[string]any { return map[string]any{"title": v} }},
			{"component", "PATCH", "/api/v1/cases/" + key, "component", func(v string) map[string]any { return map[string]any{"component": v} }},
			{"project name", "PATCH", "/api/v1/projects/acme", "name", func(v string) map[string]any { return map[string]any{"name": v} }},
			{"project slug", "POST", "/api/v1/projects", "slug", func(v string) map[string]any { return map[string]any{"slug": "a" + v + "b", "name": "B"} }},
			{"label", "POST", "/api/v1/cases/" + key + "/labels", "label", func(v string) map[string]any { return map[string]any{"label": v} }},
			{"saved view", "POST", "/api/v1/projects/acme/views", "name", func(v string) map[string]any { return map[string]any{"name": v, "query": "state=new"} }},
			{"token label", "POST", "/api/v1/tokens", "name", func(v string) map[string]any { return map[string]any{"name": v} }},
			{"user name", "POST", "/api/v1/users", "name", func(v string) map[string]any {
				return map[string]any{"email": "new@example.test", "name": v, "password": password}
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				for _, r := range []rune{0x202E, 0x2067, 0x200B} {
					res := h.do(tt.method, tt.path, h.admin, tt.body("auth"+string(r)+"gpj.exe"))
					if res.status != http.StatusUnprocessableEntity {
						t.Fatalf("%U: status %d, want 422\n%.300s", r, res.status, res.body)
					}
					if code, field := res.errorCode(); code != "invalid" || field != tt.field {
						t.Errorf("%U: code %q field %q, want invalid %q", r, code, field, tt.field)
					}
					var e struct{ Error struct{ Message string } }
					_ = json.Unmarshal(res.body, &e)
					if want := fmt.Sprintf("must not contain U+%04X", r); !strings.Contains(e.Error.Message, want) || strings.ContainsRune(e.Error.Message, r) {
						t.Errorf("%U: message %q, want it to say %q without the character", r, e.Error.Message, want)
					}
				}
			})
		}

		desc := "Run `a\u2066b\u2069` as\u200Bshown."
		h.must(http.StatusOK, "PATCH", "/api/v1/cases/"+key, h.admin, map[string]any{"description": desc})
		if got := h.must(http.StatusOK, "GET", "/api/v1/cases/"+key, h.admin, nil).object()["description"]; got != desc {
			t.Errorf("description %q, want %q byte for byte", got, desc)
		}
	})
}
