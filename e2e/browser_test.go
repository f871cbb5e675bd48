// SPDX-License-Identifier: AGPL-3.0-or-later

package e2e

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBrowserCaseWorkflow walks the first day of an installation in a real
// browser: the first admin signs up through the link the server printed,
// signs out and in again, creates a project, opens a case, acknowledges it
// and writes a note, and the case page shows the history.
func TestBrowserCaseWorkflow(t *testing.T) {
	t.Parallel()
	b := newBrowser(t) // first, so that a missing browser skips before any work
	base, setupLink := startServer(t, t.TempDir())
	if setupLink == "" {
		t.Fatal("the server printed no setup link on its first start")
	}
	if !strings.HasPrefix(setupLink, base+"/setup?token=") {
		t.Fatalf("setup link %q does not point at this server (%s)", setupLink, base)
	}
	const email, password = "grace@example.com", "correct horse battery staple"

	// First-run setup signs the new admin in.
	b.open(setupLink)
	b.fill(`input[name="email"]`, email)
	b.fill(`input[name="name"]`, "Grace Admin")
	b.fill(`input[name="password"]`, password)
	p := b.submit(`form:has(input[name="password"]) button[type="submit"]`)
	if urlPath(t, p.URL) != "/" {
		b.fatalf("setup should lead to /, got %s (status %d)", p.URL, p.Status)
	}

	// Sign out and in again, so that /login is covered too.
	if b.has("form#logout") {
		logout(t, b)
		if b.has("form#logout") {
			b.fatalf("still signed in after submitting form#logout")
		}
	}
	p = login(t, b, base, email, password)
	if urlPath(t, p.URL) == "/login" || !b.has("form#logout") {
		b.fatalf("sign-in with the new admin's password failed (status %d)", p.Status)
	}

	// A project.
	b.open(base + "/projects/new")
	b.fill(`input[name="slug"]`, "acme")
	b.fill(`input[name="name"]`, "Acme")
	p = b.submit(`form:has(input[name="slug"]) button[type="submit"]`)
	if urlPath(t, p.URL) != "/projects/acme" {
		b.fatalf("creating a project should lead to /projects/acme, got %s (status %d)", p.URL, p.Status)
	}

	// A case in it.
	p = b.click(`a#new-case`)
	if urlPath(t, p.URL) != "/projects/acme/cases/new" {
		b.fatalf("a#new-case should lead to /projects/acme/cases/new, got %s", p.URL)
	}
	b.fill(`input[name="title"], textarea[name="title"]`, "Heap overflow in the TIFF parser")
	b.fill(`textarea[name="description"], input[name="description"]`, "A crafted file overflows the strip buffer.")
	b.fill(`select[name="severity"]`, "high")
	b.fill(`input[name="component"]`, "parser")
	p = b.submit(`form:has([name="title"]) button[type="submit"]`)
	if urlPath(t, p.URL) != "/cases/ACME-1" {
		b.fatalf("creating a case should lead to /cases/ACME-1, got %s (status %d)", p.URL, p.Status)
	}
	if got := strings.TrimSpace(b.text("#case-state")); !strings.Contains(got, "new") {
		t.Errorf("#case-state = %q, want it to contain \"new\"", got)
	}

	// Acknowledge it.
	p = b.submit(`form.transition[data-to="acknowledged"] button[type="submit"]`)
	if urlPath(t, p.URL) != "/cases/ACME-1" {
		t.Errorf("acknowledging should come back to /cases/ACME-1, got %s (status %d)", p.URL, p.Status)
	}
	if got := strings.TrimSpace(b.text("#case-state")); !strings.Contains(got, "acknowledged") {
		t.Errorf("#case-state after acknowledging = %q, want it to contain \"acknowledged\"", got)
	}

	// A note.
	const note = "Reproduced on 2.3.1 with the attached sample."
	b.fill(`form#note-form textarea[name="body"]`, note)
	p = b.submit(`form#note-form button[type="submit"]`)
	if urlPath(t, p.URL) != "/cases/ACME-1" {
		t.Errorf("adding a note should come back to /cases/ACME-1, got %s (status %d)", p.URL, p.Status)
	}
	// EMBARGO_E2E_SCREENSHOTS keeps the screenshot for a person to look at.
	dir := os.Getenv("EMBARGO_E2E_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	shot := filepath.Join(dir, "case-ACME-1.png")
	b.screenshot(shot)
	t.Logf("screenshot of the case page: %s", shot)

	if got := b.text("#notes"); !strings.Contains(got, note) {
		t.Errorf("#notes = %q, want it to contain the note %q", got, note)
	}
	history := b.texts("ol#history li")
	if !containsAny(history, "new → acknowledged") {
		t.Errorf("ol#history has no item with \"new → acknowledged\"; items: %q", history)
	}
	if !containsAny(history, "note") {
		t.Errorf("ol#history does not record the note; items: %q", history)
	}

	// Security headers of a private page, as the browser received them.
	checkSecurityHeaders(t, p)

	for _, m := range b.consoleMessages() {
		if strings.Contains(m, "Content Security Policy") {
			t.Errorf("the browser reported a CSP violation: %s", m)
		}
	}
}

// checkSecurityHeaders checks what every HTML page must carry: a CSP with
// no inline code, and no caching of private pages.
func checkSecurityHeaders(t *testing.T, p page) {
	t.Helper()
	csp := p.Header.Get("Content-Security-Policy")
	switch {
	case csp == "":
		t.Errorf("%s has no Content-Security-Policy header", p.URL)
	case strings.Contains(csp, "'unsafe-inline'") || strings.Contains(csp, "'unsafe-eval'"):
		t.Errorf("%s CSP allows inline or eval'd code: %s", p.URL, csp)
	case !strings.Contains(csp, "default-src") && !strings.Contains(csp, "script-src"):
		t.Errorf("%s CSP restricts no scripts: %s", p.URL, csp)
	case !strings.Contains(csp, "frame-ancestors 'none'"):
		t.Errorf("%s CSP lets other sites frame the page: %s", p.URL, csp)
	}
	if got := p.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s X-Content-Type-Options = %q, want nosniff", p.URL, got)
	}
	if got := p.Header.Get("Cache-Control"); !strings.Contains(got, "no-store") {
		t.Errorf("%s Cache-Control = %q, want no-store on a private page", p.URL, got)
	}
}

// urlPath returns the path of an absolute URL.
func urlPath(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("parse URL %q: %v", raw, err)
	}
	return u.Path
}

func containsAny(items []string, sub string) bool {
	for _, s := range items {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
