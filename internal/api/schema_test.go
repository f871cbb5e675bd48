// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// openAPIDoc is the parsed openapi.json, enough of it to check responses
// against: every response a test receives must be documented for its
// operation and status, and match the schema. The checker is stricter
// than JSON Schema on purpose: an object schema with properties is
// closed (an undocumented key fails) unless it says additionalProperties,
// so the document cannot fall behind the code.
type openAPIDoc struct {
	raw map[string]any
}

func loadDoc(t testing.TB) *openAPIDoc {
	t.Helper()
	data, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return &openAPIDoc{raw: raw}
}

func (d *openAPIDoc) paths() map[string]any {
	p, _ := d.raw["paths"].(map[string]any)
	return p
}

// operation finds the documented operation for a request path under
// /api/v1, preferring templates with more literal segments.
func (d *openAPIDoc) operation(method, path string) (map[string]any, string) {
	u, _ := url.Parse(path)
	rel, ok := strings.CutPrefix(u.Path, "/api/v1")
	if !ok {
		return nil, ""
	}
	segs := strings.Split(rel, "/")
	best, bestLiterals := "", -1
	for tmpl := range d.paths() {
		ts := strings.Split(tmpl, "/")
		if len(ts) != len(segs) {
			continue
		}
		literals, match := 0, true
		for i, s := range ts {
			switch {
			case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"):
				match = match && segs[i] != ""
			case s == segs[i]:
				literals++
			default:
				match = false
			}
		}
		if match && literals > bestLiterals {
			best, bestLiterals = tmpl, literals
		}
	}
	if best == "" {
		return nil, ""
	}
	op, _ := d.paths()[best].(map[string]any)[strings.ToLower(method)].(map[string]any)
	return op, best
}

// conforms checks a response against the document. Requests to paths the
// document does not describe (unknown endpoints, wrong methods) must still
// answer with the Error schema.
func (d *openAPIDoc) conforms(method, path string, status int, body []byte) error {
	op, _ := d.operation(method, path)
	if op == nil {
		if status < 400 {
			return fmt.Errorf("undocumented operation answered %d", status)
		}
		return d.validateBody(map[string]any{"$ref": "#/components/schemas/Error"}, body)
	}
	responses, _ := op["responses"].(map[string]any)
	resp, ok := responses[fmt.Sprint(status)].(map[string]any)
	if !ok {
		return fmt.Errorf("status %d is not documented for this operation", status)
	}
	resp = d.resolve(resp)
	content, _ := resp["content"].(map[string]any)
	if content == nil {
		if len(body) != 0 {
			return fmt.Errorf("documented without content, but the body is %d bytes", len(body))
		}
		return nil
	}
	media, _ := content["application/json"].(map[string]any)
	if media == nil {
		return fmt.Errorf("no application/json content documented")
	}
	schema, _ := media["schema"].(map[string]any)
	return d.validateBody(schema, body)
}

func (d *openAPIDoc) validateBody(schema map[string]any, body []byte) error {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("body is not JSON: %v", err)
	}
	return d.validate(schema, v, "$")
}

// resolve follows a local $ref ("#/components/…").
func (d *openAPIDoc) resolve(node map[string]any) map[string]any {
	for {
		ref, ok := node["$ref"].(string)
		if !ok {
			return node
		}
		var cur any = d.raw
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			m, _ := cur.(map[string]any)
			cur = m[part]
		}
		next, ok := cur.(map[string]any)
		if !ok {
			panic("openapi.json: unresolvable $ref " + ref)
		}
		node = next
	}
}

// validate supports the subset of JSON Schema the document uses: $ref,
// type (one or a list), properties, required, additionalProperties,
// items, enum, allOf, oneOf, anyOf, minimum, format date-time.
func (d *openAPIDoc) validate(schema map[string]any, v any, at string) error {
	schema = d.resolve(schema)
	if subs, ok := schema["anyOf"].([]any); ok {
		for _, s := range subs {
			if d.validate(s.(map[string]any), v, at) == nil {
				return nil
			}
		}
		return fmt.Errorf("%s: matches none of anyOf", at)
	}
	if subs, ok := schema["oneOf"].([]any); ok {
		n := 0
		for _, s := range subs {
			if d.validate(s.(map[string]any), v, at) == nil {
				n++
			}
		}
		if n != 1 {
			return fmt.Errorf("%s: matches %d of oneOf, want exactly 1", at, n)
		}
		return nil
	}
	// allOf: the parts' properties and required lists describe one object.
	if subs, ok := schema["allOf"].([]any); ok {
		merged := map[string]any{"type": "object", "properties": map[string]any{}, "required": []any{}}
		for _, s := range subs {
			part := d.resolve(s.(map[string]any))
			for k, p := range part["properties"].(map[string]any) {
				merged["properties"].(map[string]any)[k] = p
			}
			if req, ok := part["required"].([]any); ok {
				merged["required"] = append(merged["required"].([]any), req...)
			}
		}
		schema = merged
	}
	if err := checkType(schema["type"], v, at); err != nil {
		return err
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
		return fmt.Errorf("%s: %v is not one of %v", at, v, enum)
	}
	if min, ok := schema["minimum"].(json.Number); ok {
		if n, isNum := v.(json.Number); isNum {
			a, _ := n.Float64()
			b, _ := min.Float64()
			if a < b {
				return fmt.Errorf("%s: %v is below the minimum %v", at, n, min)
			}
		}
	}
	if s, ok := v.(string); ok && schema["format"] == "date-time" {
		if _, err := time.Parse(time.RFC3339, s); err != nil || !strings.HasSuffix(s, "Z") {
			return fmt.Errorf("%s: %q is not an RFC 3339 UTC time", at, s)
		}
	}
	switch val := v.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		for _, r := range asList(schema["required"]) {
			if _, ok := val[r.(string)]; !ok {
				return fmt.Errorf("%s: required key %q missing", at, r)
			}
		}
		for k, item := range val {
			if p, ok := props[k].(map[string]any); ok {
				if err := d.validate(p, item, at+"."+k); err != nil {
					return err
				}
				continue
			}
			switch extra := schema["additionalProperties"].(type) {
			case map[string]any:
				if err := d.validate(extra, item, at+"."+k); err != nil {
					return err
				}
			case bool:
				if !extra {
					return fmt.Errorf("%s: key %q is not allowed", at, k)
				}
			default:
				if props != nil {
					return fmt.Errorf("%s: key %q is not documented", at, k)
				}
			}
		}
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, item := range val {
				if err := d.validate(items, item, fmt.Sprintf("%s[%d]", at, i)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func checkType(t any, v any, at string) error {
	if t == nil {
		return nil
	}
	var types []string
	switch tt := t.(type) {
	case string:
		types = []string{tt}
	case []any:
		for _, x := range tt {
			types = append(types, x.(string))
		}
	}
	for _, want := range types {
		if jsonTypeIs(want, v) {
			return nil
		}
	}
	return fmt.Errorf("%s: %s is not of type %v", at, kindOf(v), types)
}

func jsonTypeIs(want string, v any) bool {
	switch want {
	case "null":
		return v == nil
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		_, err := n.Int64()
		return err == nil
	}
	return false
}

func kindOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case json.Number:
		return "number " + x.String()
	case string:
		return fmt.Sprintf("string %q", x)
	default:
		return fmt.Sprintf("%T", v)
	}
}
