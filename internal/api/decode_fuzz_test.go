// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzDecodeBody feeds arbitrary bodies through the same checks decode
// applies: nothing panics, every refusal is a *badRequest with a 4xx
// status, and anything accepted is a single, valid JSON object.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"to":"acknowledged","reason":"x"}`, `{"to":1}`, `{"to":"a","to":"b"}`, `[]`, `{"x":1}`,
		`{"to":"a"} {}`, `{"coordinator_id":1,"assignee_ids":[1,2,"3"]}`, `{"settings":{"a":{"b":{}}}}`, ``, `nul`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		check := func(err error) {
			if err == nil {
				return
			}
			var br *badRequest
			if !errors.As(err, &br) || br.status < 400 || br.status > 499 || br.message == "" {
				t.Fatalf("body %q: refusal %v is not a clear 4xx", body, err)
			}
		}
		err := checkShape(body)
		check(err)
		if err != nil {
			return
		}
		var tr caseTransitionRequest
		err = decodeValue(body, &tr, "")
		check(err)
		var ar caseAssignRequest
		check(decodeValue(body, &ar, ""))
		if err == nil {
			var obj map[string]any
			if json.Unmarshal(body, &obj) != nil {
				t.Fatalf("accepted %q, which is not a JSON object", body)
			}
		}
	})
}
