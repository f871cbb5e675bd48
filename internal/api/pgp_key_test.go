// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/pgp"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestPGPKey generates and imports a project key through the API and
// checks who may see and change it.
func TestPGPKey(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		_, responder := h.user("responder@example.test", false)
		h.member("acme", "responder@example.test", "responder")

		res := h.do("GET", "/api/v1/projects/acme/pgp-key", h.admin, nil)
		if code, _ := res.errorCode(); res.status != http.StatusNotFound || code != "not_found" {
			t.Fatalf("GET before any key = %d %s", res.status, res.body)
		}

		generated := h.must(http.StatusCreated, "POST", "/api/v1/projects/acme/pgp-key", h.admin, map[string]any{"generate": true}).object()
		fp, _ := generated["fingerprint"].(string)
		if len(fp) != 40 || strings.ToUpper(fp) != fp {
			t.Errorf("fingerprint = %q", fp)
		}
		if !strings.HasPrefix(generated["public_key"].(string), "-----BEGIN PGP PUBLIC KEY BLOCK-----") {
			t.Errorf("public_key = %q", generated["public_key"])
		}
		if generated["created_at"] != "2026-01-02T03:04:05.000Z" {
			t.Errorf("created_at = %v", generated["created_at"])
		}
		shown := h.must(http.StatusOK, "GET", "/api/v1/projects/acme/pgp-key", responder, nil).object()
		if diff := cmp.Diff(generated, shown); diff != "" {
			t.Errorf("GET differs from POST (-post +get):\n%s", diff)
		}

		h.must(http.StatusForbidden, "POST", "/api/v1/projects/acme/pgp-key", responder, map[string]any{"generate": true})

		imported, err := pgp.Generate("Acme Security", "security@acme.example", start)
		if err != nil {
			t.Fatal(err)
		}
		got := h.must(http.StatusCreated, "POST", "/api/v1/projects/acme/pgp-key", h.admin,
			map[string]any{"armored": string(armoredPrivate(t, imported))}).object()
		if got["fingerprint"] != imported.Fingerprint() {
			t.Errorf("imported fingerprint = %v, want %s", got["fingerprint"], imported.Fingerprint())
		}

		bad := []struct {
			name      string
			body      any
			status    int
			wantInMsg string
		}{
			{"public key", map[string]any{"armored": got["public_key"]}, http.StatusUnprocessableEntity, "public key"},
			{"nonsense", map[string]any{"armored": "hello"}, http.StatusUnprocessableEntity, "not an ASCII-armored"},
			{"both", map[string]any{"armored": "x", "generate": true}, http.StatusUnprocessableEntity, "not both"},
			{"neither", map[string]any{}, http.StatusUnprocessableEntity, "generate"},
			{"unknown field", map[string]any{"key": "x"}, http.StatusBadRequest, "key"},
			{"too large", map[string]any{"armored": strings.Repeat("a", pgp.MaxKeySize+1)}, http.StatusUnprocessableEntity, "64 KiB"},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				res := h.do("POST", "/api/v1/projects/acme/pgp-key", h.admin, tt.body)
				if res.status != tt.status || !strings.Contains(string(res.body), tt.wantInMsg) {
					t.Errorf("status %d, body %s; want %d mentioning %q", res.status, res.body, tt.status, tt.wantInMsg)
				}
			})
		}
		after := h.must(http.StatusOK, "GET", "/api/v1/projects/acme/pgp-key", h.admin, nil).object()
		if after["fingerprint"] != imported.Fingerprint() {
			t.Errorf("a refused import changed the key to %v", after["fingerprint"])
		}
	})
}

func armoredPrivate(t *testing.T, k *pgp.Key) []byte {
	t.Helper()
	b, err := k.ArmoredPrivate()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
