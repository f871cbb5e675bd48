// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"embargo/internal/app"
	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/config"
	"embargo/internal/store"
)

// start is the fake clock's time in every test.
var start = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// password is good enough for the policy; every test user shares it.
const password = "correct horse battery staple"

// harness is a running API on a fresh database, with an instance admin.
type harness struct {
	t     *testing.T
	app   *app.App
	clk   *clock.Fake
	doc   *openAPIDoc
	admin string // bearer token of admin@example.test, an instance admin
}

func newHarness(t *testing.T, s *store.Store) *harness {
	t.Helper()
	clk := clock.NewFake(start)
	a := app.Build(&config.Config{Addr: "127.0.0.1:0", BaseURL: "http://example.test", ShutdownTimeout: time.Second},
		s, slog.New(slog.DiscardHandler), clk)
	h := &harness{t: t, app: a, clk: clk, doc: loadDoc(t)}
	_, h.admin = h.user("admin@example.test", true)
	return h
}

// user creates an account (each costs one Argon2 hash, so tests make few)
// and returns it with a fresh API token.
func (h *harness) user(email string, admin bool) (*store.User, string) {
	h.t.Helper()
	ctx := context.Background()
	cli := &authz.Actor{Via: "cli"}
	u, err := h.app.Accounts.CreateUser(ctx, cli, authz.NewUser{Email: email, Name: strings.Split(email, "@")[0], Password: password, Admin: admin})
	if err != nil {
		h.t.Fatalf("create user %s: %v", email, err)
	}
	token, _, err := h.app.Accounts.CreateToken(ctx, cli, email, "test")
	if err != nil {
		h.t.Fatalf("create token for %s: %v", email, err)
	}
	return u, token
}

// member adds user to the project with role through the API.
func (h *harness) member(slug, email, role string) {
	h.t.Helper()
	h.must(http.StatusOK, "PUT", "/api/v1/projects/"+slug+"/members", h.admin, map[string]any{"email": email, "role": role})
}

// project creates a project through the API as the instance admin, who
// becomes its admin.
func (h *harness) project(slug string) {
	h.t.Helper()
	h.must(http.StatusCreated, "POST", "/api/v1/projects", h.admin, map[string]any{"slug": slug, "name": strings.ToUpper(slug[:1]) + slug[1:]})
}

// newCase creates a case through the API and returns its key.
func (h *harness) newCase(slug, token string, fields map[string]any) string {
	h.t.Helper()
	return h.must(http.StatusCreated, "POST", "/api/v1/projects/"+slug+"/cases", token, fields).object()["key"].(string)
}

// confirm records, as token, what case key needs on record to be
// accepted, worked on and fixed: the decision "confirmed", an affected
// product and a fix reference (its severity comes with the case).
func (h *harness) confirm(key, token string) {
	h.t.Helper()
	h.must(http.StatusOK, "PUT", "/api/v1/cases/"+key+"/triage", token, `{"confirmation":{"decision":"confirmed"},`+
		`"affected":[{"package":{"ecosystem":"npm","name":"left-pad"},"versions":["1.0.0"]}],`+
		`"plan":{"fix_references":[{"type":"commit","url":"https://git.example/left-pad/commit/1"}]}}`)
}

type response struct {
	t      *testing.T
	status int
	header http.Header
	body   []byte
}

// object decodes the body as a JSON object (numbers as float64).
func (r *response) object() map[string]any {
	r.t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		r.t.Fatalf("response is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

// list returns the array under key.
func (r *response) list(key string) []any {
	r.t.Helper()
	v, ok := r.object()[key].([]any)
	if !ok {
		r.t.Fatalf("response has no array %q:\n%s", key, r.body)
	}
	return v
}

// errorCode returns error.code and error.field of an error response.
func (r *response) errorCode() (code, field string) {
	r.t.Helper()
	var e struct {
		Error struct{ Code, Field, Message string }
	}
	if err := json.Unmarshal(r.body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		r.t.Fatalf("not an error response (%v):\n%s", err, r.body)
	}
	return e.Error.Code, e.Error.Field
}

// do sends a request through the whole handler (middleware included) and
// checks the answer against the OpenAPI document and for leaked internals.
// A string, []byte or io.Reader body is sent as it is, anything else as
// JSON. headers are name/value pairs; an empty value removes the header.
func (h *harness) do(method, path, token string, body any, headers ...string) *response {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	case []byte:
		rd = bytes.NewReader(b)
	case io.Reader:
		rd = b // of unknown length, as with chunked encoding
	default:
		data, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	rec := httptest.NewRecorder()
	h.app.Handler.ServeHTTP(rec, req)
	res := &response{t: h.t, status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	h.check(method, path, res)
	return res
}

// must is do that fails the test unless the status is want.
func (h *harness) must(want int, method, path, token string, body any, headers ...string) *response {
	h.t.Helper()
	res := h.do(method, path, token, body, headers...)
	if res.status != want {
		h.t.Fatalf("%s %s: status %d, want %d\n%s", method, path, res.status, want, res.body)
	}
	return res
}

// internals are strings that would mean a Go, SQL or driver error
// reached a client.
var internals = []string{"goroutine ", ".go:", "store: ", "sqlite", "SQLSTATE", "pgx", "postgres", "json: ",
	"runtime error", "panic", "sql: ", "syntax error", "reflect"}

func (h *harness) check(method, path string, res *response) {
	h.t.Helper()
	if res.status == http.StatusNoContent {
		if len(res.body) != 0 {
			h.t.Errorf("%s %s: 204 with a body", method, path)
		}
	} else if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		h.t.Errorf("%s %s: Content-Type %q, want JSON\n%s", method, path, ct, res.body)
	}
	if res.status >= 400 {
		for _, s := range internals {
			if bytes.Contains(bytes.ToLower(res.body), []byte(strings.ToLower(s))) {
				h.t.Errorf("%s %s: error response contains %q:\n%s", method, path, s, res.body)
			}
		}
	}
	if err := h.doc.conforms(method, path, res.status, res.body); err != nil {
		h.t.Errorf("%s %s: response %d does not match openapi.json: %v\n%s", method, path, res.status, err, res.body)
	}
}
