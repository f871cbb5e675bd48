// SPDX-License-Identifier: AGPL-3.0-or-later

package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"embargo/internal/authz"
	"embargo/internal/policy"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// policyForm is the settings form with the security policy section
// filled in.
func policyForm(edit func(f url.Values)) url.Values {
	f := url.Values{"name": {"Acme"}, "time_zone": {"UTC"}, "acknowledge_business_days": {"2"}, "assessment_days": {"7"},
		"fix_critical": {"5"}, "fix_high": {"20"}, "fix_medium": {"45"}, "fix_low": {"80"},
		"default_embargo_days": {"60"}, "max_embargo_days": {"90"},
		"security_contacts": {"Security@Acme.example\npsirt@acme.example"}, "contact_urls": {""},
		"report_channels": {"web", "email"}, "preferred_languages": {"en, de"}, "disclosure": {"coordinated"},
		"private_details": {"Reporter names stay private."}, "credit": {"by_name"}, "bounty": {""},
		"policy_intro": {"We make **rockets**."}, "acknowledgments_url": {"https://acme.example/thanks"}}
	if edit != nil {
		edit(f)
	}
	return f
}

// TestSecurityPolicySettings edits the policy in the settings form and
// shows it again, and shows each problem beside its field.
func TestSecurityPolicySettings(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).redirectsTo("/projects/acme")
		admin.get("/projects/acme/settings").want(http.StatusOK).
			contains(`id="security-policy"`, `name="report_channels" value="web" checked`, `name="report_channels" value="api" checked`,
				`<option value="coordinated" selected>`, `value="en"`).
			lacks(`name="report_channels" value="email" checked`)

		admin.post("/projects/acme/settings", policyForm(nil)).redirectsTo("/projects/acme/settings?notice=settings-saved")
		admin.get("/projects/acme/settings").contains("security@acme.example\npsirt@acme.example", `value="en, de"`,
			`name="report_channels" value="email" checked`, "We make **rockets**.").
			lacks(`name="report_channels" value="api" checked`)

		for _, tt := range []struct {
			name, field, value string
		}{
			{"bad email", "security_contacts", "nobody"},
			{"bad language", "preferred_languages", "english!"},
			{"http acknowledgments", "acknowledgments_url", "http://acme.example"},
			{"unknown disclosure", "disclosure", "whenever"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				res := admin.post("/projects/acme/settings", policyForm(func(f url.Values) { f.Set(tt.field, tt.value) })).
					want(http.StatusUnprocessableEntity)
				if el := byID(res.doc(), tt.field); el == nil || attr(el, "aria-invalid") != "true" {
					t.Errorf("#%s is not marked invalid", tt.field)
				}
			})
		}
		// A post without the section (an older form) keeps the policy.
		admin.post("/projects/acme/settings", url.Values{"name": {"Acme"}, "time_zone": {"UTC"},
			"acknowledge_business_days": {"2"}, "assessment_days": {"7"}, "fix_critical": {"5"}, "fix_high": {"20"},
			"fix_medium": {"45"}, "fix_low": {"80"}, "default_embargo_days": {"60"}, "max_embargo_days": {"90"}}).
			redirectsTo("/projects/acme/settings?notice=settings-saved")
		admin.get("/projects/acme/settings").contains("psirt@acme.example")
	})
}

// TestPolicyPage shows the public policy page to a stranger.
func TestPolicyPage(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).redirectsTo("/projects/acme")
		admin.post("/projects/acme/settings", policyForm(nil)).redirectsTo("/projects/acme/settings?notice=settings-saved")

		stranger := e.browser()
		page := stranger.get("/p/acme/security").want(http.StatusOK).contains(
			`href="http://example.test/p/acme/report"`, `href="mailto:security@acme.example"`, "psirt@acme.example",
			"<strong>rockets</strong>", "within 2 business days", "within 7 days", "within 5 days",
			"60 days by default, at most 90 days", "whichever comes first", "Reporter names stay private.",
			"We credit reporters by name", `href="https://acme.example/thanks"`, "We do not offer a bug bounty.",
			"We read reports in English and German (Deutsch).", `href="http://example.test/.well-known/security.txt"`,
			"We do not publish an OpenPGP key").
			lacks(`href="/projects/acme"`)
		if cc := page.Header.Get("Cache-Control"); cc != "public, max-age=300" {
			t.Errorf("anonymous Cache-Control = %q", cc)
		}
		if cc := admin.get("/p/acme/security").want(http.StatusOK).Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("signed-in Cache-Control = %q", cc)
		}
		stranger.get("/p/nope/security").want(http.StatusNotFound)

		p, err := e.app.Projects.Get(context.Background(), "acme")
		if err != nil {
			t.Fatal(err)
		}
		pub, err := e.app.Keys.GenerateProjectKey(context.Background(), &authz.Actor{Via: "test"}, p)
		if err != nil {
			t.Fatal(err)
		}
		stranger.get("/p/acme/security").want(http.StatusOK).
			contains(policy.GroupFingerprint(pub.Fingerprint), `href="http://example.test/p/acme/pgp-key.asc"`).
			lacks("We do not publish an OpenPGP key")
		stranger.get("/.well-known/security.txt").want(http.StatusOK).
			contains("Encryption: http://example.test/p/acme/pgp-key.asc\n")

		admin.post("/projects/acme/archive", nil).redirectsTo("/projects/acme?notice=archived")
		stranger.get("/p/acme/security").want(http.StatusNotFound).contains("archived")
	})
}

// TestSecurityTxt serves the instance's security.txt: valid by RFC 9116,
// signed by the instance key (verified with gpg when installed), renewed
// as time passes, and gone when no project is active.
func TestSecurityTxt(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		stranger := e.browser()
		stranger.get("/.well-known/security.txt").want(http.StatusNotFound)

		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).redirectsTo("/projects/acme")
		admin.post("/projects/acme/settings", policyForm(nil)).redirectsTo("/projects/acme/settings?notice=settings-saved")
		admin.post("/projects/new", url.Values{"slug": {"beta"}, "name": {"Beta"}}).redirectsTo("/projects/beta")

		res := stranger.get("/.well-known/security.txt").want(http.StatusOK).contains(
			"-----BEGIN PGP SIGNED MESSAGE-----",
			"Contact: http://example.test/p/acme/report\n", "Contact: mailto:security@acme.example\n",
			"Contact: mailto:psirt@acme.example\n", "Policy: http://example.test/p/acme/security\n",
			"Contact: http://example.test/p/beta/report\n", "Policy: http://example.test/p/beta/security\n",
			"Acknowledgments: https://acme.example/thanks\n", "Preferred-Languages: en, de\n",
			"Canonical: http://example.test/.well-known/security.txt\n",
			"Expires: 2026-10-31T03:02:01Z\n")
		if ct := res.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		// The test instance's base URL is http; RFC 9116 wants https, which
		// production base URLs are. Check the rest.
		for _, p := range policy.CheckSecurityTxt([]byte(res.Body), e.clk.Now()) {
			if !strings.Contains(p.Message, "must use one of the schemes") {
				t.Errorf("RFC 9116: %s", p)
			}
		}
		verifyWithGPG(t, e, res.Body)

		admin.post("/projects/acme/archive", nil).redirectsTo("/projects/acme?notice=archived")
		stranger.get("/.well-known/security.txt").want(http.StatusOK).lacks("acme").contains("beta")

		e.clk.Advance(400 * 24 * time.Hour)
		stranger.get("/.well-known/security.txt").want(http.StatusOK).contains("Expires: 2027-12-05T03:02:01Z\n")
	})
}

// verifyWithGPG checks the cleartext signature with gpg against the
// instance's public key, in a throwaway keyring.
func verifyWithGPG(t *testing.T, e *env, signed string) {
	t.Helper()
	gpg, err := exec.LookPath("gpg")
	if err != nil {
		t.Log("gpg is not installed (Debian package gnupg): the signature is not verified")
		return
	}
	pub, err := e.app.Keys.InstancePublicKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	file := filepath.Join(home, "security.txt")
	if err := os.WriteFile(file, []byte(signed), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(stdin string, args ...string) string {
		cmd := exec.Command(gpg, append([]string{"--homedir", home, "--batch", "--no-tty", "--status-fd", "1"}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("gpg %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run(pub.Armored, "--import")
	if out := run("", "--verify", file); !strings.Contains(out, "[GNUPG:] VALIDSIG "+pub.Fingerprint) {
		t.Errorf("gpg did not report a valid signature by %s:\n%s", pub.Fingerprint, out)
	}
}
