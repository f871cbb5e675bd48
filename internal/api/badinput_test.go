// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// snapshot is everything a bad request might wrongly change, as the API
// shows it.
func (h *harness) snapshot(key string) map[string]any {
	h.t.Helper()
	out := map[string]any{}
	for _, p := range []string{"/api/v1/cases/" + key, "/api/v1/cases/" + key + "/notes", "/api/v1/cases/" + key + "/events",
		"/api/v1/projects/acme", "/api/v1/projects/acme/members", "/api/v1/projects/acme/invitations",
		"/api/v1/projects/acme/cases", "/api/v1/projects", "/api/v1/users", "/api/v1/tokens"} {
		out[p] = h.must(http.StatusOK, "GET", p, h.admin, nil).object()
	}
	return out
}

// TestBadInput sends every kind of malformed request and checks that each
// gets a precise 4xx with the error shape, names the field when there is
// one, and changes nothing.
func TestBadInput(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		key := h.newCase("acme", h.admin, map[string]any{"title": "Original title", "description": "Original description"})
		before := h.snapshot(key)

		caseURL := "/api/v1/cases/" + key
		create := "/api/v1/projects/acme/cases"
		huge := `{"title":"big","description":"` + strings.Repeat("a", 1<<20) + `"}`
		deep := `{"settings":{"fix_target_days":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}}`
		json := "application/json"

		tests := []struct {
			name         string
			method, path string
			body         any
			contentType  string // "-" for none; "" for application/json
			status       int
			code         string
			field        string
		}{
			// Transport and encoding.
			{"no content type", "PATCH", caseURL, `{"title":"x"}`, "-", 415, "unsupported_media_type", ""},
			{"plain text", "PATCH", caseURL, `{"title":"x"}`, "text/plain", 415, "unsupported_media_type", ""},
			{"form", "POST", create, "title=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type", ""},
			{"latin-1 JSON", "PATCH", caseURL, `{"title":"x"}`, json + "; charset=iso-8859-1", 415, "unsupported_media_type", ""},
			{"malformed content type", "PATCH", caseURL, `{"title":"x"}`, "application/json; ;", 415, "unsupported_media_type", ""},
			{"body over 1 MiB", "POST", create, huge, "", 413, "too_large", ""},
			{"body over 1 MiB, length unknown", "POST", create, io.MultiReader(strings.NewReader(huge)), "", 413, "too_large", ""},
			{"invalid UTF-8", "PATCH", caseURL, "{\"title\":\"caf\xe9\"}", "", 400, "invalid_json", ""},

			// Not exactly one JSON object.
			{"empty body", "PATCH", caseURL, "", "", 400, "invalid_json", ""},
			{"only whitespace", "PATCH", caseURL, " \n ", "", 400, "invalid_json", ""},
			{"malformed", "PATCH", caseURL, `{"title": "x",}`, "", 400, "invalid_json", ""},
			{"truncated", "PATCH", caseURL, `{"title": "x"`, "", 400, "invalid_json", ""},
			{"second object", "PATCH", caseURL, `{"title":"a"}{"title":"b"}`, "", 400, "invalid_json", ""},
			{"trailing garbage", "PATCH", caseURL, `{"title":"a"} x`, "", 400, "invalid_json", ""},
			{"array", "POST", create, `[{"title":"a"}]`, "", 400, "invalid_json", ""},
			{"null", "POST", create, `null`, "", 400, "invalid_json", ""},
			{"string", "POST", create, `"title"`, "", 400, "invalid_json", ""},
			{"too deep", "PATCH", "/api/v1/projects/acme", deep, "", 400, "invalid_json", ""},

			// Fields the endpoint does not know, or repeated.
			{"unknown field", "PATCH", caseURL, `{"titel":"x"}`, "", 400, "unknown_field", "titel"},
			{"state is not editable", "PATCH", caseURL, `{"state":"closed"}`, "", 400, "unknown_field", "state"},
			{"unknown settings field", "PATCH", "/api/v1/projects/acme", `{"settings":{"embargo_days":3}}`, "", 400, "unknown_field", "settings.embargo_days"},
			{"duplicate field", "PATCH", caseURL, `{"title":"a","title":"b"}`, "", 400, "duplicate_field", "title"},
			{"duplicate nested field", "PATCH", "/api/v1/projects/acme", `{"settings":{"time_zone":"UTC","time_zone":"CET"}}`, "", 400, "duplicate_field", "settings.time_zone"},

			// Wrong JSON types.
			{"number for a string", "PATCH", caseURL, `{"title":42}`, "", 400, "invalid_type", "title"},
			{"boolean for a string", "POST", create, `{"title":"x","description":true}`, "", 400, "invalid_type", "description"},
			{"object for a string", "POST", "/api/v1/cases/" + key + "/notes", `{"body":{"text":"x"}}`, "", 400, "invalid_type", "body"},
			{"string for an array", "PUT", caseURL + "/assignment", `{"assignee_ids":"1"}`, "", 400, "invalid_type", "assignee_ids"},
			{"string in an integer array", "PUT", caseURL + "/assignment", `{"assignee_ids":[1,"2"]}`, "", 400, "invalid_type", "assignee_ids"},
			{"fraction for an integer", "PUT", caseURL + "/assignment", `{"coordinator_id":1.5}`, "", 400, "invalid_type", "coordinator_id"},
			{"integer out of range", "PUT", caseURL + "/assignment", `{"coordinator_id":1e30}`, "", 400, "invalid_type", "coordinator_id"},
			{"string for a boolean", "PATCH", "/api/v1/projects/acme", `{"require_mfa":"yes"}`, "", 400, "invalid_type", "require_mfa"},
			{"number for settings", "PATCH", "/api/v1/projects/acme", `{"settings":5}`, "", 400, "invalid_type", "settings"},
			{"string for a setting", "PATCH", "/api/v1/projects/acme", `{"settings":{"max_embargo_days":"90"}}`, "", 400, "invalid_type", "settings.max_embargo_days"},

			// Values the domain refuses.
			{"empty title", "PATCH", caseURL, `{"title":"  "}`, "", 422, "invalid", "title"},
			{"title too long", "PATCH", caseURL, `{"title":"` + strings.Repeat("x", 201) + `"}`, "", 422, "invalid", "title"},
			{"title on two lines", "PATCH", caseURL, `{"title":"a\nb"}`, "", 422, "invalid", "title"},
			{"NUL in a title", "PATCH", caseURL, `{"title":"a\u0000b"}`, "", 422, "invalid", "title"},
			{"description too long", "PATCH", caseURL, `{"description":"` + strings.Repeat("é", 64*1024+1) + `"}`, "", 422, "invalid", "description"},
			{"unknown severity", "PATCH", caseURL, `{"severity":"dire"}`, "", 422, "invalid", "severity"},
			{"component too long", "PATCH", caseURL, `{"component":"` + strings.Repeat("c", 201) + `"}`, "", 422, "invalid", "component"},
			{"note too long", "POST", caseURL + "/notes", `{"body":"` + strings.Repeat("n", 32*1024+1) + `"}`, "", 422, "invalid", "body"},
			{"unknown state", "POST", caseURL + "/transitions", `{"to":"done"}`, "", 422, "invalid", "to"},
			{"reject without resolution", "POST", caseURL + "/transitions", `{"to":"rejected","reason":"dup"}`, "", 422, "invalid", "resolution"},
			{"illegal transition", "POST", caseURL + "/transitions", `{"to":"disclosed"}`, "", 409, "conflict", ""},
			{"coordinator not a member", "PUT", caseURL + "/assignment", `{"coordinator_id":999}`, "", 422, "invalid", "coordinator_id"},
			{"assignee not a member", "PUT", caseURL + "/assignment", `{"assignee_ids":[999]}`, "", 422, "invalid", "assignee_ids"},
			{"bad time zone", "PATCH", "/api/v1/projects/acme", `{"settings":{"time_zone":"Mars/Olympus"}}`, "", 422, "invalid", "settings.time_zone"},
			{"default embargo over max", "PATCH", "/api/v1/projects/acme", `{"settings":{"default_embargo_days":120}}`, "", 422, "invalid", "settings.default_embargo_days"},
			{"name too long", "PATCH", "/api/v1/projects/acme", `{"name":"` + strings.Repeat("n", 101) + `"}`, "", 422, "invalid", "name"},
			{"bad slug", "POST", "/api/v1/projects", `{"slug":"Acme!","name":"A"}`, "", 422, "invalid", "slug"},
			{"taken slug", "POST", "/api/v1/projects", `{"slug":"acme","name":"Again"}`, "", 409, "conflict", ""},
			{"member email with NUL", "PUT", "/api/v1/projects/acme/members", `{"email":"a\u0000@example.test","role":"viewer"}`, "", 422, "invalid", "email"},
			{"member unknown role", "PUT", "/api/v1/projects/acme/members", `{"email":"admin@example.test","role":"owner"}`, "", 422, "invalid", "role"},
			{"demote last admin", "PUT", "/api/v1/projects/acme/members", `{"email":"admin@example.test","role":"viewer"}`, "", 409, "conflict", ""},
			{"invite bad email", "POST", "/api/v1/projects/acme/invitations", `{"email":"not an email","role":"viewer"}`, "", 422, "invalid", "email"},
			{"weak password", "POST", "/api/v1/users", `{"email":"new@example.test","name":"New","password":"short"}`, "", 422, "invalid", "password"},
			{"taken email", "POST", "/api/v1/users", `{"email":"ADMIN@example.test","name":"Dup","password":"` + password + `"}`, "", 409, "conflict", ""},
			{"token without name", "POST", "/api/v1/tokens", `{"name":""}`, "", 422, "invalid", "name"},

			// Paths and query parameters.
			{"case key unknown", "GET", "/api/v1/cases/ACME-999", nil, "", 404, "not_found", ""},
			{"case key with NUL", "GET", "/api/v1/cases/ACME-%00", nil, "", 404, "not_found", ""},
			{"slug not UTF-8", "GET", "/api/v1/projects/%ff", nil, "", 404, "not_found", ""},
			{"user id not a number", "DELETE", "/api/v1/projects/acme/members/bob", nil, "", 400, "invalid_parameter", "user_id"},
			{"user id zero", "DELETE", "/api/v1/projects/acme/members/0", nil, "", 400, "invalid_parameter", "user_id"},
			{"user id overflow", "POST", "/api/v1/users/99999999999999999999/disable", nil, "", 400, "invalid_parameter", "id"},
			{"invitation id negative", "DELETE", "/api/v1/projects/acme/invitations/-1", nil, "", 400, "invalid_parameter", "id"},
			{"token id fraction", "DELETE", "/api/v1/tokens/1.5", nil, "", 400, "invalid_parameter", "id"},
			{"no such member", "DELETE", "/api/v1/projects/acme/members/999", nil, "", 404, "not_found", ""},
			{"no such invitation", "DELETE", "/api/v1/projects/acme/invitations/999", nil, "", 404, "not_found", ""},
			{"no such user", "POST", "/api/v1/users/999/enable", nil, "", 404, "not_found", ""},
			{"limit zero", "GET", create + "?limit=0", nil, "", 400, "invalid_parameter", "limit"},
			{"limit too high", "GET", create + "?limit=201", nil, "", 400, "invalid_parameter", "limit"},
			{"limit not a number", "GET", create + "?limit=ten", nil, "", 400, "invalid_parameter", "limit"},
			{"limit twice", "GET", create + "?limit=1&limit=2", nil, "", 400, "invalid_parameter", "limit"},
			{"negative offset", "GET", create + "?offset=-1", nil, "", 400, "invalid_parameter", "offset"},
			{"unknown state filter", "GET", create + "?state=open,done", nil, "", 400, "invalid_parameter", "state"},
			{"unknown severity filter", "GET", create + "?severity=dire", nil, "", 400, "invalid_parameter", "severity"},
			{"bad assignee filter", "GET", create + "?assignee=bob", nil, "", 400, "invalid_parameter", "assignee"},
			{"query too long", "GET", create + "?q=" + strings.Repeat("q", 201), nil, "", 400, "invalid_parameter", "q"},
			{"NUL in query", "GET", create + "?q=%00", nil, "", 400, "invalid_parameter", "q"},
			{"malformed query string", "GET", create + "?q=%zz", nil, "", 400, "invalid_parameter", ""},
			{"misspelt filter", "GET", create + "?status=new", nil, "", 400, "invalid_parameter", "status"},
			{"bad before", "GET", caseURL + "/events?before=latest", nil, "", 400, "invalid_parameter", "before"},
			{"events limit too high", "GET", caseURL + "/events?limit=1000", nil, "", 400, "invalid_parameter", "limit"},

			// Routing.
			{"unknown endpoint", "GET", "/api/v1/advisories", nil, "", 404, "not_found", ""},
			{"wrong method", "DELETE", caseURL, nil, "", 405, "method_not_allowed", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var headers []string
				switch tt.contentType {
				case "-":
					headers = []string{"Content-Type", ""}
				case "":
					if tt.body != nil {
						headers = []string{"Content-Type", json}
					}
				default:
					headers = []string{"Content-Type", tt.contentType}
				}
				res := h.do(tt.method, tt.path, h.admin, tt.body, headers...)
				if res.status != tt.status {
					t.Fatalf("status %d, want %d\n%.300s", res.status, tt.status, res.body)
				}
				code, field := res.errorCode()
				if code != tt.code || field != tt.field {
					t.Errorf("code %q field %q, want %q %q\n%.300s", code, field, tt.code, tt.field, res.body)
				}
				if tt.status == 405 && res.header.Get("Allow") != "GET, PATCH" {
					t.Errorf("Allow = %q", res.header.Get("Allow"))
				}
				if diff := cmp.Diff(before, h.snapshot(key)); diff != "" {
					t.Errorf("a refused request changed state (-before +after):\n%s", diff)
				}
			})
		}
	})
}

// TestErrorMessages pins the wording clients and people rely on: the
// field and the expected type for type errors, the known fields for
// unknown ones.
func TestErrorMessages(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		tests := []struct {
			name, body, want string
		}{
			{"type", `{"title":42}`, `field "title" must be a string, not a number`},
			{"fraction", `{"title":"t","severity":["high"]}`, `field "severity" must be a string, not an array`},
			{"unknown", `{"title":"t","sevrity":"high"}`, `unknown field "sevrity"; known fields are component, description, severity, title`},
			{"duplicate", `{"title":"a","title":"b"}`, `field "title" appears more than once`},
			{"required", `{"description":"d"}`, `title: is required`},
			{"syntax", `{"title" "x"}`, `the request body is not valid JSON (error at byte 9)`},
			{"trailing", `{"title":"x"} {}`, `the request body must hold exactly one JSON object; found more data after it (at byte 14)`},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := h.do("POST", "/api/v1/projects/acme/cases", h.admin, tt.body)
				msg := res.object()["error"].(map[string]any)["message"]
				if msg != tt.want {
					t.Errorf("message %q, want %q", msg, tt.want)
				}
			})
		}
	})
}

// TestJSONMediaTypes checks that JSON under its other names is accepted.
func TestJSONMediaTypes(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		key := h.newCase("acme", h.admin, map[string]any{"title": "t"})
		for i, ct := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON; charset=UTF-8", "application/merge-patch+json"} {
			t.Run(ct, func(t *testing.T) {
				h.must(http.StatusOK, "PATCH", "/api/v1/cases/"+key, h.admin, `{"component":"c`+strconv.Itoa(i)+`"}`, "Content-Type", ct)
			})
		}
	})
}
