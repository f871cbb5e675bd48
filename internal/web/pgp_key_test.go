// SPDX-License-Identifier: AGPL-3.0-or-later

package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"embargo/internal/pgp"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestProjectPGPKey generates and imports a project key on the settings
// page and downloads the public key from the public address.
func TestProjectPGPKey(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).redirectsTo("/projects/acme")
		visitor := e.browser()

		admin.get("/projects/acme/settings").want(http.StatusOK).
			contains(`id="pgp-key"`, "The project has no OpenPGP key", `action="/projects/acme/settings/pgp-key/generate"`).
			lacks("/p/acme/pgp-key.asc")
		visitor.get("/p/acme/pgp-key.asc").want(http.StatusNotFound)

		admin.post("/projects/acme/settings/pgp-key/generate", nil).
			redirectsTo("/projects/acme/settings?notice=pgp-key-saved#pgp-key")
		key, err := e.app.Keys.ProjectPublicKey(t.Context(), projectID(t, s, "acme"))
		if err != nil {
			t.Fatal(err)
		}
		admin.get("/projects/acme/settings?notice=pgp-key-saved").want(http.StatusOK).
			contains(key.Fingerprint, `href="/p/acme/pgp-key.asc"`, "OpenPGP key saved.")

		res := visitor.get("/p/acme/pgp-key.asc").want(http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "application/pgp-keys" {
			t.Errorf("Content-Type = %q", ct)
		}
		if res.Body != key.Armored {
			t.Errorf("downloaded key differs from the stored one")
		}

		imported, err := pgp.Generate("Acme Security", "", e.clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		armored, err := imported.ArmoredPrivate()
		if err != nil {
			t.Fatal(err)
		}
		admin.post("/projects/acme/settings/pgp-key/import", url.Values{"armored": {key.Armored}}).
			want(http.StatusUnprocessableEntity).contains("this is a public key")
		admin.post("/projects/acme/settings/pgp-key/import", url.Values{"armored": {string(armored)}}).
			redirectsTo("/projects/acme/settings?notice=pgp-key-saved#pgp-key")
		if body := visitor.get("/p/acme/pgp-key.asc").want(http.StatusOK).Body; body == key.Armored || !strings.Contains(body, "PUBLIC KEY") {
			t.Errorf("public key not replaced by the imported one")
		}
		visitor.post("/projects/acme/settings/pgp-key/generate", nil).want(http.StatusSeeOther)
	})
}

func projectID(t *testing.T, s *store.Store, slug string) int64 {
	t.Helper()
	var id int64
	err := s.Read(t.Context(), func(tx *store.Tx) error {
		p, err := tx.ProjectBySlug(t.Context(), slug)
		if err == nil {
			id = p.ID
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
