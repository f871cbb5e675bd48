// SPDX-License-Identifier: AGPL-3.0-or-later

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// TestBrowserAxe checks every kind of page with axe-core in one browser:
// the first admin's setup, a project with a key, a case made by hand and
// one reported through the public form, the reporter's portal, the team's
// pages, the signed-out pages and an error page. Any violation of any rule
// axe-core enables by default, or of WCAG 2.2's target size, fails the
// test whatever its impact. Every page is also shown 320 px wide, where it
// may not scroll sideways (WCAG 1.4.10, reflow). Tab must show a clear
// focus ring on every control of the report form, the case page, the
// queue, the case list and the members page.
func TestBrowserAxe(t *testing.T) {
	b := newBrowser(t)
	base, setupLink := startServer(t, t.TempDir())
	if setupLink == "" {
		t.Fatal("the server printed no setup link on its first start")
	}
	const email, password = "grace@example.com", "correct horse battery staple"
	// check runs axe-core over the page as it is, then narrows the window
	// to 320 px, where the page must not scroll sideways. checkPhone also
	// runs axe-core at 320 px, for pages whose layout changes most on a
	// phone (tables stack, actions move); the others are audited once, to
	// keep the test quick.
	audit := func(what string, phone bool) {
		t.Helper()
		if v := b.accessibilityViolations(); len(v) > 0 {
			t.Errorf("%s (%s): axe-core finds %d violations:\n%s", what, b.location(), len(v), formatViolations(v))
		}
		b.viewport(320, 800)
		defer b.viewport(1280, 1024)
		if n, wide := b.overflowX(); n > 0 {
			t.Errorf("%s (%s) scrolls sideways by %d px in a 320 px window (WCAG 1.4.10); too wide:\n  %s", what, b.location(), n, strings.Join(wide, "\n  "))
		}
		if !phone {
			return
		}
		if v := b.accessibilityViolations(); len(v) > 0 {
			t.Errorf("%s (%s), 320 px wide: axe-core finds %d violations:\n%s", what, b.location(), len(v), formatViolations(v))
		}
	}
	check := func(what string) { t.Helper(); audit(what, false) }
	checkPhone := func(what string) { t.Helper(); audit(what, true) }

	b.open(setupLink)
	check("setup")
	b.fill(`input[name="email"]`, email)
	b.fill(`input[name="name"]`, "Grace Admin")
	b.fill(`input[name="password"]`, password)
	b.submit(`form:has(input[name="password"]) button[type="submit"]`)
	check("home without projects")

	b.open(base + "/projects/new")
	check("new project")
	b.fill(`input[name="slug"]`, "acme")
	b.fill(`input[name="name"]`, "Acme")
	b.submit(`form:has(input[name="slug"]) button[type="submit"]`)
	check("case list without cases")

	b.open(base + "/projects/acme/settings")
	check("project settings without a key")
	b.submit(`form[action="/projects/acme/settings/pgp-key/generate"] button[type="submit"]`)
	check("project settings with a key")

	// A case reported through the public form, encrypted in the browser.
	b.open(base + "/p/acme/security")
	check("security policy")
	b.open(base + "/p/acme/report")
	b.waitVisible("#encrypt")
	checkPhone("report form")
	b.fill(`input[name="title"]`, "Heap overflow in the TIFF parser")
	b.fill(`textarea[name="description"]`, "A crafted TIFF overflows the strip buffer in tiff_read_strip.")
	b.fill(`textarea[name="steps_to_reproduce"]`, "Run `tiffinfo` on the attached sample.")
	b.fill(`textarea[name="impact"]`, "Remote code execution where thumbnails are made.")
	if p := b.submit(`form[action="/p/acme/report"] button[type="submit"]`); p.Status != 201 {
		b.fatalf("sending the report answered %d, want 201", p.Status)
	}
	check("report receipt")
	portal := strings.TrimSpace(b.text("#reporter-link"))
	b.open(portal)
	checkPhone("reporter portal")

	// A case made by hand.
	b.open(base + "/projects/acme/cases/new")
	check("new case")
	b.fill(`input[name="title"], textarea[name="title"]`, "Open redirect after sign-in")
	b.fill(`textarea[name="description"], input[name="description"]`, "The `next` parameter accepts any origin.")
	b.fill(`input[name="component"]`, "web")
	b.submit(`form:has([name="title"]) button[type="submit"]`)

	// The reported case, acknowledged, in triage, with a note.
	b.open(base + "/cases/ACME-1")
	checkPhone("case page of a new report")
	b.submit(`form#acknowledge button[type="submit"]`)
	b.submit(`form.transition[data-to="triage"] button[type="submit"]`)
	b.fill(`form#note-form textarea[name="body"]`, "Reproduced on 2.3.1.")
	b.submit(`form#note-form button[type="submit"]`)
	b.fill(`#label-input`, "needs-backport")
	b.submit(`form#label-form button[type="submit"]`)
	b.fill(`#link-case`, "ACME-2")
	b.submit(`form#link-form button[type="submit"]`)
	b.fill(`#cvss-vector-input`, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
	b.submit(`#cvss-save`)
	if !strings.Contains(b.text("#case-labels"), "needs-backport") || !strings.Contains(b.text("#case-links"), "ACME-2") || !strings.Contains(b.text("#cvss-score"), "9.8") {
		b.fatalf("the case page does not show the label, the link and the CVSS score just added")
	}
	checkPhone("case page")
	b.press(`details:has(#triage-form) > summary`)
	checkPhone(`case page with "Edit triage" open`)
	checkFocusRings(t, "case page", b.tabThrough(200))

	b.open(base + "/")
	checkPhone("home with the queue")
	checkFocusRings(t, "home with the queue", b.tabThrough(60))
	b.open(base + "/projects/acme")
	checkPhone("case list")
	checkFocusRings(t, "case list", b.tabThrough(80))
	b.open(base + "/search?q=overflow")
	checkPhone("search")
	b.open(base + "/projects/acme/metrics")
	checkPhone("metrics")
	b.open(base + "/projects/acme/members")
	check("members")
	checkFocusRings(t, "members", b.tabThrough(60))
	b.fill(`#invite-email`, "carol@example.org")
	b.submit(`form[action="/projects/acme/invitations"] button[type="submit"]`)
	checkPhone("members with a new invitation link")
	invite := b.value(`#invite-link`)
	b.fill(`#add-email`, "nobody@example.org")
	b.submit(`form[action="/projects/acme/members"] button[type="submit"]`)
	if !b.has(`[aria-invalid="true"]`) {
		b.fatalf("members, adding someone who has no account: no field is marked invalid")
	}
	check("members, adding someone who has no account")
	b.open(base + "/account")
	check("account")
	b.fill(`#token-name`, "CI sync")
	b.submit(`form[action="/account/tokens"] button[type="submit"]`)
	check("account with a new token")
	b.submit(`form[action="/account/2fa/begin"] button[type="submit"]`)
	check("account, setting up two-factor")
	b.open(base + "/cases/ACME-1")
	b.submit(`form[action$="/reporter-link"] button[value="reissue"]`)
	check("new reporter link")
	portal = strings.TrimSpace(b.text("#reporter-link"))
	b.open(base + "/admin/users")
	check("admin users")
	b.fill(`form[action="/admin/users"] input[name="email"]`, "dana@example.org")
	b.fill(`form[action="/admin/users"] input[name="name"]`, "Dana")
	b.fill(`form[action="/admin/users"] input[name="password"]`, "short")
	b.submit(`form[action="/admin/users"] button[type="submit"]`)
	if !b.has(`[aria-invalid="true"]`) {
		b.fatalf("admin users, a password refused: no field is marked invalid")
	}
	check("admin users, a password refused")
	b.open(base + "/projects/acme/settings")
	b.acceptConfirms()
	b.submit(`form[action="/projects/acme/archive"] button[type="submit"]`)
	b.open(base + "/projects/acme")
	check("case list of an archived project")
	b.submit(`.archived-banner form[action="/projects/acme/unarchive"] button[type="submit"]`)
	b.open(base + "/no/such/page")
	check("not found")
	if r := api(t, "GET", base+"/static/axe.min.js", "", nil); r.Status != 404 {
		t.Errorf("GET /static/axe.min.js answered %d: axe-core is test data, never served", r.Status)
	}

	// Two-factor authentication: turned on, with its recovery codes, then
	// asked for at sign-in, which is abandoned.
	b.open(base + "/account")
	code, err := totp.GenerateCode(strings.TrimSpace(b.text("#totp-secret")), time.Now())
	if err != nil {
		t.Fatalf("TOTP code for the key the account page shows: %v", err)
	}
	b.fill(`#totp-code`, code)
	b.submit(`form[action="/account/2fa/confirm"] button[type="submit"]`)
	check("account with new recovery codes")
	b.open(base + "/projects/acme/settings")
	b.press(`input[name="require_mfa"]`)
	b.submit(`form[action="/projects/acme/settings"] .page-actions button[type="submit"]`)
	logout(t, b)
	if p := login(t, b, base, email, password); urlPath(t, p.URL) != "/login/2fa" {
		b.fatalf("signing in with two-factor on should ask for a code at /login/2fa, got %s", p.URL)
	}
	check("two-factor sign-in")
	b.submit(`.auth form[action="/logout"] button[type="submit"]`)

	// Signed out.
	b.open(base + "/login")
	check("sign-in")
	b.fill(`input[name="email"]`, email)
	b.fill(`input[name="password"]`, "not the password at all")
	b.submit(`form:has(input[name="password"]) button[type="submit"]`)
	check("sign-in refused")
	b.open(invite)
	check("invitation")
	// The invited member has no second factor, which the project now
	// requires of its team.
	b.fill(`input[name="name"]`, "Carol")
	b.fill(`input[name="password"]`, password)
	b.submit(`form[action="/invitations/accept"]:has(input[name="password"]) button[type="submit"]`)
	if p := b.open(base + "/projects/acme"); p.Status != 403 {
		b.fatalf("a member without two-factor opened a project that requires it (status %d)", p.Status)
	}
	check("two-factor required")
	logout(t, b)
	b.open(base + "/p/acme/report")
	check("report form, signed out")
	b.waitVisible("#encrypt")
	checkFocusRings(t, "report form", b.tabThrough(60))
	b.open(portal)
	check("reporter portal, signed out")
}

// checkFocusRings fails the test for every control whose focus ring is
// missing, thinner than 2 px or below 3:1 against what is beside it
// (WCAG 1.4.11, non-text contrast).
func checkFocusRings(t *testing.T, what string, rings []focusRing) {
	t.Helper()
	if len(rings) == 0 {
		t.Errorf("%s: Tab reaches no control", what)
		return
	}
	t.Logf("%s: Tab reaches %d controls, the last %s", what, len(rings), rings[len(rings)-1].Element)
	for _, r := range rings {
		if r.Style == "none" || r.Width < 2 || r.Ratio < 3 {
			t.Errorf("%s: %s shows focus with a %gpx %s outline of %s, %.2f:1 against %s; want 2px or more at 3:1 or more",
				what, r.Element, r.Width, r.Style, r.Color, r.Ratio, r.Behind)
		}
	}
}

// formatViolations lists each violation with its impact and the elements
// that break it, one per line.
func formatViolations(vs []axeViolation) string {
	var sb strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&sb, "  %s (%s): %s\n", v.ID, v.Impact, v.Help)
		for _, n := range v.Nodes {
			fmt.Fprintf(&sb, "    %v\n", n.Target)
			if n.Summary != "" {
				fmt.Fprintf(&sb, "      %s\n", strings.ReplaceAll(n.Summary, "\n", "\n      "))
			}
		}
	}
	return sb.String()
}
