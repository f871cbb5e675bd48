// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestCaseCVSS sets, changes and clears a case's CVSS vector through
// PATCH /cases/{key} and checks the score, rating and severity it answers.
func TestCaseCVSS(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		key := h.newCase("acme", h.admin, map[string]any{"title": "Leak"})
		if c := h.must(http.StatusOK, "GET", "/api/v1/cases/"+key, h.admin, nil).object(); c["cvss"] != nil {
			t.Fatalf("new case has cvss %v", c["cvss"])
		}
		tests := []struct {
			name         string
			body         string
			wantCVSS     any
			wantSeverity string
		}{
			{"v3.1 Heartbleed", `{"cvss_vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}`,
				map[string]any{"vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "version": "3.1", "score": 7.5, "rating": "High"}, "high"},
			{"v4.0 with other fields", `{"title":"Remote leak","cvss_vector":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}`,
				map[string]any{"vector": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "version": "4.0", "score": 9.3, "rating": "Critical"}, "critical"},
			{"full impact scores 10.0", `{"cvss_vector":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"}`,
				map[string]any{"vector": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", "version": "4.0", "score": 10.0, "rating": "Critical"}, "critical"},
			{"clear", `{"cvss_vector":""}`, nil, "critical"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := h.must(http.StatusOK, "PATCH", "/api/v1/cases/"+key, h.admin, tt.body).object()
				if diff := cmp.Diff(tt.wantCVSS, c["cvss"]); diff != "" {
					t.Errorf("cvss (-want +got):\n%s", diff)
				}
				if c["severity"] != tt.wantSeverity {
					t.Errorf("severity = %v, want %s", c["severity"], tt.wantSeverity)
				}
			})
		}
		res := h.must(http.StatusOK, "PATCH", "/api/v1/cases/"+key, h.admin, `{"cvss_vector":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"}`)
		if !strings.Contains(string(res.body), `"score":10.0`) {
			t.Errorf("score not written with one decimal: %s", res.body)
		}
		list := h.must(http.StatusOK, "GET", "/api/v1/projects/acme/cases", h.admin, nil).list("cases")
		if got := list[0].(map[string]any)["cvss"].(map[string]any)["rating"]; got != "Critical" {
			t.Errorf("listed case's rating = %v", got)
		}
	})
}

// TestCaseCVSSRefusals checks that a bad vector is a 400 naming the metric
// and an unknown CWE a 422 naming the ID, and that neither changes the case.
func TestCaseCVSSRefusals(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		key := h.newCase("acme", h.admin, map[string]any{"title": "Leak"})
		before := h.must(http.StatusOK, "GET", "/api/v1/cases/"+key, h.admin, nil).object()
		tests := []struct {
			name, body      string
			status          int
			code, field, in string
		}{
			{"bad value", `{"title":"x","cvss_vector":"CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}`, 400, "invalid_cvss", "cvss_vector", `metric \"AV\" has invalid value \"Q\"`},
			{"missing metric", `{"cvss_vector":"CVSS:3.1/AV:N/AC:L/UI:N/S:U/C:H/I:N/A:N"}`, 400, "invalid_cvss", "cvss_vector", `missing mandatory metric \"PR\"`},
			{"unknown metric", `{"cvss_vector":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/XX:N"}`, 400, "invalid_cvss", "cvss_vector", `unknown metric \"XX\"`},
			{"wrong prefix", `{"cvss_vector":"CVSS:2.0/AV:N"}`, 400, "invalid_cvss", "cvss_vector", `unsupported CVSS version`},
			{"not a string", `{"cvss_vector":7.5}`, 400, "invalid_type", "cvss_vector", ""},
			{"unknown CWE", `{"title":"x","cwe_ids":["CWE-79","CWE-999999"]}`, 422, "invalid", "cwe_ids", "CWE-999999"},
			{"severity contradicts", `{"severity":"low","cvss_vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}`, 422, "invalid", "severity", "contradicts"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := h.must(tt.status, "PATCH", "/api/v1/cases/"+key, h.admin, tt.body)
				code, field := res.errorCode()
				if code != tt.code || field != tt.field || !strings.Contains(string(res.body), tt.in) {
					t.Errorf("error %s on %s, want %s on %s containing %s:\n%s", code, field, tt.code, tt.field, tt.in, res.body)
				}
				after := h.must(http.StatusOK, "GET", "/api/v1/cases/"+key, h.admin, nil).object()
				if diff := cmp.Diff(before, after); diff != "" {
					t.Errorf("a refused PATCH changed the case (-before +after):\n%s", diff)
				}
			})
		}
	})
}

func TestCaseCWEs(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		key := h.newCase("acme", h.admin, map[string]any{"title": "XSS"})
		tests := []struct {
			body string
			want []any
		}{
			{`{"cwe_ids":["CWE-79","787","cwe-79"]}`, []any{"CWE-79", "CWE-787"}},
			{`{"cwe_ids":[]}`, []any{}},
		}
		for _, tt := range tests {
			c := h.must(http.StatusOK, "PATCH", "/api/v1/cases/"+key, h.admin, tt.body).object()
			if diff := cmp.Diff(tt.want, c["cwe_ids"]); diff != "" {
				t.Errorf("%s: cwe_ids (-want +got):\n%s", tt.body, diff)
			}
		}
	})
}

func TestCWESearch(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		_, nobody := h.user("nobody@example.test", false)
		var out struct {
			Version string
			CWEs    []struct{ ID, Name, Kind, Status string }
		}
		res := h.must(http.StatusOK, "GET", "/api/v1/cwe?q=CWE-79&limit=1", nobody, nil)
		if err := json.Unmarshal(res.body, &out); err != nil {
			t.Fatal(err)
		}
		if out.Version != "4.15" || len(out.CWEs) != 1 || out.CWEs[0].ID != "CWE-79" || out.CWEs[0].Kind != "weakness" {
			t.Errorf("search CWE-79 = %+v", out)
		}
		res = h.must(http.StatusOK, "GET", "/api/v1/cwe?q=zzzz+nothing", nobody, nil)
		if !strings.Contains(string(res.body), `"cwes":[]`) {
			t.Errorf("no match = %s", res.body)
		}
		for _, q := range []string{"", "?q=", "?q=xss&limit=0", "?q=xss&limit=x"} {
			res := h.must(http.StatusBadRequest, "GET", "/api/v1/cwe"+q, nobody, nil)
			if code, _ := res.errorCode(); code != "invalid_parameter" {
				t.Errorf("%q: code %s", q, code)
			}
		}
		h.must(http.StatusUnauthorized, "GET", "/api/v1/cwe?q=xss", "", nil)
	})
}
