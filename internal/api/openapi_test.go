// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/api"
	"embargo/internal/authz"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

var pathParam = regexp.MustCompile(`\{([A-Za-z_]+)(\.\.\.)?\}`)

// registered returns the API's routes as "METHOD /path" in the document's
// terms: without the /api/v1 prefix (the document's server URL), with
// {name...} as {name}.
func registered(t *testing.T) map[string]authz.Action {
	t.Helper()
	rt := api.Register(http.NewServeMux(), api.Deps{Log: slog.New(slog.DiscardHandler)})
	out := map[string]authz.Action{}
	for _, r := range rt.Routes() {
		p, ok := strings.CutPrefix(r.Pattern, api.Prefix)
		if !ok {
			t.Fatalf("route %s %s is outside %s", r.Method, r.Pattern, api.Prefix)
		}
		p = strings.TrimSuffix(p, "{$}")
		p = pathParam.ReplaceAllString(p, "{$1}")
		out[r.Method+" "+p] = r.Action
	}
	return out
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// TestOpenAPIMatchesRoutes fails when a registered route is missing from
// openapi.json or the document lists an operation that is not registered.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	doc := loadDoc(t)
	routes := registered(t)
	var documented, want []string
	for path, item := range doc.paths() {
		for m := range item.(map[string]any) {
			if slices.Contains(httpMethods, m) {
				documented = append(documented, strings.ToUpper(m)+" "+path)
			}
		}
	}
	for r := range routes {
		want = append(want, r)
	}
	slices.Sort(documented)
	slices.Sort(want)
	if diff := cmp.Diff(want, documented); diff != "" {
		t.Errorf("openapi.json and routes.go disagree (-registered +documented):\n%s", diff)
	}
}

// TestOpenAPIDocument checks that the document is OpenAPI 3.1, that every
// reference resolves, and that each operation is described fully enough
// to use: parameters for every path wildcard, the security its action
// needs, and the error statuses every such endpoint can answer.
func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	doc := loadDoc(t)
	if v, _ := doc.raw["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Fatalf(`openapi is %q, want "3.1.x"`, v)
	}
	for _, key := range []string{"info", "paths", "components"} {
		if _, ok := doc.raw[key].(map[string]any); !ok {
			t.Errorf("document has no %q object", key)
		}
	}
	schemes, _ := doc.raw["components"].(map[string]any)["securitySchemes"].(map[string]any)
	if b, _ := schemes["bearer"].(map[string]any); b["type"] != "http" || b["scheme"] != "bearer" {
		t.Errorf("securitySchemes.bearer is %v, want an http bearer scheme", schemes["bearer"])
	}
	if diff := cmp.Diff([]any{map[string]any{"bearer": []any{}}}, doc.raw["security"]); diff != "" {
		t.Errorf("top-level security should require the bearer scheme:\n%s", diff)
	}

	// Every $ref resolves.
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch x := v.(type) {
		case map[string]any:
			if _, ok := x["$ref"].(string); ok {
				func() {
					defer func() {
						if p := recover(); p != nil {
							t.Errorf("%s: %v", at, p)
						}
					}()
					doc.resolve(x)
				}()
			}
			for k, c := range x {
				walk(c, at+"/"+k)
			}
		case []any:
			for _, c := range x {
				walk(c, at)
			}
		}
	}
	walk(doc.raw, "#")

	routes := registered(t)
	ids := map[string]string{}
	for path, rawItem := range doc.paths() {
		item := rawItem.(map[string]any)
		inPath := map[string]bool{}
		for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
			inPath[m[1]] = true
		}
		for _, m := range httpMethods {
			rawOp, ok := item[m]
			if !ok {
				continue
			}
			op := rawOp.(map[string]any)
			where := strings.ToUpper(m) + " " + path
			action := routes[where]

			id, _ := op["operationId"].(string)
			if id == "" {
				t.Errorf("%s: no operationId", where)
			} else if other, dup := ids[id]; dup {
				t.Errorf("%s: operationId %q also used by %s", where, id, other)
			}
			ids[id] = where
			if s, _ := op["summary"].(string); s == "" {
				t.Errorf("%s: no summary", where)
			}

			declared := map[string]bool{}
			for _, list := range []any{item["parameters"], op["parameters"]} {
				for _, p := range asList(list) {
					p := doc.resolve(p.(map[string]any))
					if p["in"] == "path" {
						declared[p["name"].(string)] = true
						if p["required"] != true {
							t.Errorf("%s: path parameter %v must be required", where, p["name"])
						}
					}
				}
			}
			if diff := cmp.Diff(inPath, declared); diff != "" {
				t.Errorf("%s: path parameters in the template and declared differ (-template +declared):\n%s", where, diff)
			}

			sec, overridden := op["security"]
			public := authz.IsPublic(action)
			if public && (!overridden || len(asList(sec)) != 0) {
				t.Errorf("%s: a public route must say \"security\": []", where)
			}
			if !public && overridden {
				t.Errorf("%s: needs a token but overrides security", where)
			}

			responses, _ := op["responses"].(map[string]any)
			var need []string
			if !public {
				need = append(need, "401")
			}
			if k := authz.ResourceKindOf(action); k == authz.KindProject || k == authz.KindCase {
				need = append(need, "404")
			}
			if _, ok := op["requestBody"]; ok {
				need = append(need, "400", "413", "415", "422")
			}
			if strings.Contains(path, "{") && !strings.HasSuffix(path, "{slug}") && !strings.HasSuffix(path, "{key}") {
				need = append(need, "404")
			}
			success := false
			for code := range responses {
				success = success || strings.HasPrefix(code, "2")
			}
			if !success {
				t.Errorf("%s: no success response", where)
			}
			for _, code := range need {
				if _, ok := responses[code]; !ok {
					t.Errorf("%s: response %s is not documented", where, code)
				}
			}
		}
	}
}

// TestOpenAPIServed checks that the endpoint serves the embedded file as
// it is, without a token.
func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		res := h.must(http.StatusOK, "GET", "/api/v1/openapi.json", "", nil)
		want, err := os.ReadFile("openapi.json")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(res.body, want) {
			t.Errorf("served document differs from openapi.json")
		}
	})
}
