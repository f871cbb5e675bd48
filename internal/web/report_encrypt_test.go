// SPDX-License-Identifier: AGPL-3.0-or-later

package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestReportFormEncryption checks that the report form offers in-browser
// encryption exactly when the project has a key, through a module script
// and data attributes only, and that the vendored OpenPGP.js is served
// from the binary as a cacheable JavaScript module.
func TestReportFormEncryption(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).redirectsTo("/projects/acme")
		visitor := e.browser()

		visitor.get("/p/acme/report").want(http.StatusOK).lacks("report-encrypt.js", `id="encrypt-option"`)

		admin.post("/projects/acme/settings/pgp-key/generate", nil).
			redirectsTo("/projects/acme/settings?notice=pgp-key-saved#pgp-key")
		res := visitor.get("/p/acme/report").want(http.StatusOK).
			contains(`<script type="module" src="/static/report-encrypt.js?v=`, `id="encrypt-option" hidden`,
				`data-key-url="/p/acme/pgp-key.asc"`, `data-openpgp="/static/vendor/openpgp/openpgp.min.mjs?v=`)
		if csp := res.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("CSP of the report form: %q", csp)
		}

		lib := attr(byID(res.doc(), "encrypt-option"), "data-openpgp")
		js := visitor.get(lib).want(http.StatusOK).contains("OpenPGP.js v6")
		if ct := js.Header.Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
			t.Errorf("Content-Type of %s = %q, want text/javascript", lib, ct)
		}
		if cc := js.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("Cache-Control of %s = %q, want a long cache", lib, cc)
		}
		visitor.get("/static/vendor/openpgp/LICENSE").want(http.StatusOK).contains("GNU LESSER GENERAL PUBLIC LICENSE")
	})
}
