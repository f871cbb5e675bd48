// SPDX-License-Identifier: AGPL-3.0-or-later

package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestBrowserEncryptedReport walks private reporting in real browsers: an
// admin sets up the instance, creates a project and generates its OpenPGP
// key; an anonymous researcher, in a browser of their own, reads the
// project's policy page, follows it to the report form and sends a report
// with an attachment, both encrypted in the browser with the vendored
// OpenPGP.js, then opens their private link. The admin sees the decrypted
// report and attachment on the case page and acknowledges it; the
// researcher sees the acknowledgement with the promised dates and replies,
// and the admin sees the reply.
// No page loads anything from another origin, and the browsers report no
// CSP violation.
func TestBrowserEncryptedReport(t *testing.T) {
	t.Parallel()
	admin := newBrowser(t) // first, so that a missing browser skips before any work
	researcher := newBrowser(t)
	base, setupLink := startServer(t, t.TempDir())
	if setupLink == "" {
		t.Fatal("the server printed no setup link on its first start")
	}

	// The admin: setup, a project, its key.
	admin.open(setupLink)
	admin.fill(`input[name="email"]`, "grace@example.com")
	admin.fill(`input[name="name"]`, "Grace Admin")
	admin.fill(`input[name="password"]`, "correct horse battery staple")
	if p := admin.submit(`form:has(input[name="password"]) button[type="submit"]`); urlPath(t, p.URL) != "/" {
		admin.fatalf("setup should lead to /, got %s (status %d)", p.URL, p.Status)
	}
	admin.open(base + "/projects/new")
	admin.fill(`input[name="slug"]`, "acme")
	admin.fill(`input[name="name"]`, "Acme")
	if p := admin.submit(`form:has(input[name="slug"]) button[type="submit"]`); urlPath(t, p.URL) != "/projects/acme" {
		admin.fatalf("creating a project should lead to /projects/acme, got %s (status %d)", p.URL, p.Status)
	}
	admin.open(base + "/projects/acme/settings")
	admin.submit(`form[action="/projects/acme/settings/pgp-key/generate"] button[type="submit"]`)
	if got := admin.text("#pgp-key"); !strings.Contains(got, "Download the public key") {
		admin.fatalf("the settings page shows no key after generating one: %q", got)
	}

	// The researcher, anonymous: policy page, report form, encrypted report.
	requests := researcher.watchRequests()
	researcher.open(base + "/p/acme/security")
	if p := researcher.click(`a.btn-primary[href$="/report"]`); urlPath(t, p.URL) != "/p/acme/report" {
		researcher.fatalf("the policy page's report button should lead to /p/acme/report, got %s", p.URL)
	}
	researcher.waitVisible("#encrypt")
	if !researcher.checked("#encrypt") {
		t.Error("in-browser encryption is not ticked by default on a project with a key")
	}
	const (
		title       = "Heap overflow in the TIFF parser"
		description = "A crafted TIFF overflows the strip buffer in tiff_read_strip."
		steps       = "Run tiffinfo on the attached sample."
		impact      = "Remote code execution in every service that makes thumbnails."
		poc         = "II*\x00 strip length 4294967295\n"
	)
	researcher.fill(`input[name="title"]`, title)
	researcher.fill(`textarea[name="description"]`, description)
	researcher.fill(`textarea[name="steps_to_reproduce"]`, steps)
	researcher.fill(`textarea[name="impact"]`, impact)
	pocPath := filepath.Join(t.TempDir(), "sample.tiff.txt")
	if err := os.WriteFile(pocPath, []byte(poc), 0o644); err != nil {
		t.Fatal(err)
	}
	researcher.upload(`input[name="attachment"]`, pocPath)
	p := researcher.submit(`form[action="/p/acme/report"] button[type="submit"]`)
	if p.Status != 201 {
		researcher.fatalf("sending the report answered %d, want 201", p.Status)
	}
	link := strings.TrimSpace(researcher.text("#reporter-link"))
	if !strings.HasPrefix(link, base+"/r/") {
		researcher.fatalf("the receipt's private link %q does not point at this server", link)
	}
	researcher.open(link)
	if got := researcher.text("main"); !strings.Contains(got, description) || !strings.Contains(got, "sent encrypted to the project key") {
		researcher.fatalf("the private page does not show the decrypted report as sent encrypted")
	}

	// The admin sees the decrypted report and attachment.
	admin.open(base + "/cases/ACME-1")
	page := admin.text("main")
	for _, want := range []string{title, description, steps, impact, "sent encrypted to the project key"} {
		if !strings.Contains(page, want) {
			t.Errorf("the case page lacks %q", want)
		}
	}
	if strings.Contains(page, "BEGIN PGP MESSAGE") {
		t.Error("the case page shows ciphertext")
	}
	files := admin.texts("#reporter ul.files li")
	if len(files) != 1 || !strings.HasPrefix(files[0], "sample.tiff.txt ") ||
		!strings.Contains(files[0], strconv.Itoa(len(poc))+" bytes") {
		t.Errorf("the case lists the attachments %q, want sample.tiff.txt decrypted (%d bytes)", files, len(poc))
	}

	// The admin acknowledges; the researcher sees the acknowledgement with
	// the promised dates and replies; the admin sees the reply.
	const ackMessage = "Thank you, we reproduced it and are working on a fix."
	admin.fill(`form#acknowledge textarea[name="message"]`, ackMessage)
	if p := admin.submit(`form#acknowledge button[type="submit"]`); urlPath(t, p.URL) != "/cases/ACME-1" {
		admin.fatalf("acknowledging should come back to /cases/ACME-1, got %s (status %d)", p.URL, p.Status)
	}
	if got := admin.text("#case-state"); !strings.Contains(got, "acknowledged") {
		t.Errorf("#case-state after acknowledging = %q", got)
	}
	researcher.open(link)
	ack := researcher.text("#acknowledgement")
	year := strconv.Itoa(time.Now().UTC().Year())
	for _, want := range []string{"Acknowledged on", "First assessment by", "Fix targets", "Embargo", year} {
		if !strings.Contains(ack, want) {
			t.Errorf("#acknowledgement = %q, want it to contain %q", ack, want)
		}
	}
	if got := researcher.text("#thread"); !strings.Contains(got, ackMessage) {
		t.Errorf("the researcher's thread lacks the acknowledgement message: %q", got)
	}
	const reply = "Glad to help; I can test a patch."
	researcher.fill(`form[action$="/messages"] textarea[name="body"]`, reply)
	if p := researcher.submit(`form[action$="/messages"] button[type="submit"]`); p.Status >= 400 {
		researcher.fatalf("replying answered %d", p.Status)
	}
	if got := researcher.text("#thread"); !strings.Contains(got, reply) {
		t.Errorf("the researcher's thread lacks their reply: %q", got)
	}
	admin.open(base + "/cases/ACME-1")
	if got := admin.text("#reporter #thread"); !strings.Contains(got, reply) {
		t.Errorf("the case's thread lacks the researcher's reply: %q", got)
	}

	for _, u := range requests() {
		if !strings.HasPrefix(u, base+"/") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			t.Errorf("the researcher's browser asked another origin: %s", u)
		}
	}
	if !containsAny(requests(), "/static/vendor/openpgp/openpgp.min.mjs") || !containsAny(requests(), "/p/acme/pgp-key.asc") {
		t.Errorf("the report form did not load OpenPGP.js and the key from this server; requests: %q", requests())
	}
	for _, b := range []*browser{admin, researcher} {
		for _, m := range b.consoleMessages() {
			if strings.Contains(m, "Content Security Policy") || strings.HasPrefix(m, "exception") || strings.HasPrefix(m, "error") {
				t.Errorf("the browser reported: %s", m)
			}
		}
	}
}
