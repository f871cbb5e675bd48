// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"embargo/internal/router"
)

// Limits on what a request may send. The largest legitimate body, a case
// description of 64 Ki characters, is at most 256 KiB of UTF-8; 1 MiB
// leaves room for JSON escaping without letting a client make the server
// buffer arbitrary amounts.
const (
	maxBodyBytes = 1 << 20
	maxDepth     = 16 // our bodies nest three levels at most
)

// badRequest is a problem with the request itself, found before the
// domain is called: its shape, encoding, size or parameters.
type badRequest struct {
	status  int
	code    string
	message string
	field   string
}

func (e *badRequest) Error() string { return e.message }

func invalidJSON(format string, args ...any) *badRequest {
	return &badRequest{status: http.StatusBadRequest, code: "invalid_json", message: fmt.Sprintf(format, args...)}
}

func invalidParam(name, format string, args ...any) *badRequest {
	return &badRequest{status: http.StatusBadRequest, code: "invalid_parameter", field: name,
		message: name + ": " + fmt.Sprintf(format, args...)}
}

// decode reads the request body as exactly one JSON object into dst, a
// pointer to a struct whose fields carry json tags. It refuses, as a
// *badRequest: a content type other than JSON (415), a body over
// maxBodyBytes (413), malformed JSON, anything but one object, duplicate
// or unknown fields, and values of the wrong type (400, naming the field).
func decode(w http.ResponseWriter, r *router.Request, dst any) error {
	if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	tooLarge := &badRequest{status: http.StatusRequestEntityTooLarge, code: "too_large",
		message: fmt.Sprintf("the request body is larger than %d bytes", maxBodyBytes)}
	if r.ContentLength > maxBodyBytes {
		return tooLarge
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge
		}
		return &badRequest{status: http.StatusBadRequest, code: "invalid_body", message: "the request body could not be read"}
	}
	if !utf8.Valid(data) {
		// The decoder would silently replace bad bytes with U+FFFD, storing
		// something other than what was sent.
		return invalidJSON("the request body is not valid UTF-8")
	}
	if err := checkShape(data); err != nil {
		return err
	}
	return decodeValue(data, dst, "")
}

// checkContentType accepts application/json and application/*+json, in
// UTF-8 (RFC 8259 allows no other encoding).
func checkContentType(ct string) error {
	unsupported := &badRequest{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type",
		message: "send the body as JSON with Content-Type: application/json"}
	if ct == "" {
		return unsupported
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return unsupported
	}
	if mt != "application/json" && !(strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
		return unsupported
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return unsupported
	}
	return nil
}

// checkShape makes sure data is exactly one JSON object with no key
// repeated at any level and no deeper nesting than maxDepth. Decoders
// disagree on which of two duplicate keys wins, so a body with one could
// mean different things to a proxy that inspects it and to us.
func checkShape(data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return invalidJSON("the request body is empty; send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		object  bool
		keys    map[string]bool
		path    string
		key     string // the key whose value comes next
		keyNext bool
		index   int
	}
	var stack []*frame
	childPath := func() string {
		if len(stack) == 0 {
			return ""
		}
		top := stack[len(stack)-1]
		if top.object {
			return joinPath(top.path, top.key)
		}
		return fmt.Sprintf("%s[%d]", top.path, top.index)
	}
	// valueDone advances the enclosing container past one complete value.
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		top := stack[len(stack)-1]
		if top.object {
			top.keyNext = true
		} else {
			top.index++
		}
	}
	first := true
	for {
		tok, err := dec.Token()
		if err != nil {
			return syntaxProblem(err, dec.InputOffset())
		}
		if first {
			if d, ok := tok.(json.Delim); !ok || d != '{' {
				return invalidJSON("the request body must be a JSON object")
			}
			first = false
		}
		if len(stack) > 0 {
			if top := stack[len(stack)-1]; top.object && top.keyNext {
				if d, ok := tok.(json.Delim); ok && d == '}' {
					stack = stack[:len(stack)-1]
					valueDone()
				} else {
					key := tok.(string) // the decoder only yields strings in key position
					if top.keys[key] {
						return &badRequest{status: http.StatusBadRequest, code: "duplicate_field",
							message: fmt.Sprintf("field %q appears more than once", joinPath(top.path, key)), field: joinPath(top.path, key)}
					}
					top.keys[key] = true
					top.key, top.keyNext = key, false
				}
				if len(stack) == 0 {
					break
				}
				continue
			}
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if len(stack) >= maxDepth {
				return invalidJSON("the request body nests deeper than %d levels", maxDepth)
			}
			stack = append(stack, &frame{object: tok == json.Delim('{'), keys: map[string]bool{}, path: childPath(), keyNext: true})
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
			valueDone()
		default:
			valueDone()
		}
		if len(stack) == 0 {
			break
		}
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		extra := end + int64(len(data[end:])-len(bytes.TrimLeft(data[end:], " \t\r\n")))
		return invalidJSON("the request body must hold exactly one JSON object; found more data after it (at byte %d)", extra)
	}
	return nil
}

func joinPath(prefix, key string) string {
	if prefix == "" {
		return key
	}
	if key == "" {
		return prefix
	}
	return prefix + "." + key
}

// syntaxProblem describes malformed JSON by position only: the decoder's
// own wording is an implementation detail.
func syntaxProblem(err error, offset int64) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		offset = se.Offset
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return invalidJSON("the request body ends before the JSON object is complete")
	}
	return invalidJSON("the request body is not valid JSON (error at byte %d)", offset)
}

// decodeValue decodes data, already checked by checkShape, into dst,
// rejecting unknown fields. prefix names where data sits in the request
// (e.g. "settings") for error messages.
func decodeValue(data []byte, dst any, prefix string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := joinPath(prefix, te.Field)
		got, _, _ := strings.Cut(te.Value, " ")
		if field == "" {
			return invalidJSON("the request body must be a JSON object")
		}
		return &badRequest{status: http.StatusBadRequest, code: "invalid_type", field: field,
			message: fmt.Sprintf("field %q must be %s, not %s", field, jsonType(te.Type), describeValue(te.Value, got))}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ = strconv.Unquote(name)
		field := joinPath(prefix, name)
		msg := fmt.Sprintf("unknown field %q", field)
		if known := fieldNames(dst); len(known) > 0 && !strings.Contains(name, ".") {
			msg += "; known fields are " + strings.Join(known, ", ")
		}
		return &badRequest{status: http.StatusBadRequest, code: "unknown_field", field: field, message: msg}
	}
	return invalidJSON("the request body does not match the expected shape")
}

// describeValue names what the client sent: "a string", "number 1.5".
func describeValue(full, kind string) string {
	switch kind {
	case "number":
		if full != kind {
			return full // "number 1.5", "number 1e30"
		}
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "array", "object":
		return "an " + kind
	}
	return kind
}

// jsonType names the JSON type that decodes into t.
func jsonType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a different type"
}

// fieldNames lists the JSON names of the top-level fields of the struct
// dst points to, sorted, for "unknown field" hints.
func fieldNames(dst any) []string {
	t := reflect.TypeOf(dst)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// pathID parses the positive integer path parameter name.
func pathID(r *router.Request, name string) (int64, error) {
	v := r.PathValue(name)
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, invalidParam(name, "must be a positive integer")
	}
	return id, nil
}

// onlyParams refuses query parameters an endpoint does not know, so a
// misspelt filter fails loudly instead of silently returning everything.
func onlyParams(q url.Values, known ...string) error {
	var unknown []string
	for k := range q {
		if !slices.Contains(known, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	return invalidParam(unknown[0], "unknown query parameter; this endpoint accepts %s", strings.Join(known, ", "))
}

// intParam returns the single integer query parameter name within
// [min, max], or def when it is absent.
func intParam(q url.Values, name string, def, min, max int) (int, error) {
	vs := q[name]
	if len(vs) == 0 {
		return def, nil
	}
	if len(vs) > 1 {
		return 0, invalidParam(name, "give it once")
	}
	n, err := strconv.Atoi(vs[0])
	if err != nil || n < min || n > max {
		return 0, invalidParam(name, "must be an integer from %d to %d", min, max)
	}
	return n, nil
}

// stringParam returns the single query parameter name ("" when absent).
func stringParam(q url.Values, name string) (string, error) {
	vs := q[name]
	if len(vs) > 1 {
		return "", invalidParam(name, "give it once")
	}
	if len(vs) == 0 {
		return "", nil
	}
	return vs[0], nil
}
