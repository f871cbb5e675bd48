// SPDX-License-Identifier: AGPL-3.0-or-later

package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pquerna/otp/totp"
	"golang.org/x/net/html"

	"embargo/internal/authz"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
	"embargo/internal/web"
)

// TestCaseWorkflow walks the path the browser test takes: set up the
// instance, create a project and a case, move it, add a note, and find
// both in the history.
func TestCaseWorkflow(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")

		admin.get("/").want(http.StatusOK).contains(`id="new-project"`, `id="logout"`)
		admin.get("/projects/new").want(http.StatusOK).contains(`name="slug"`, `name="name"`, `type="submit"`)
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).redirectsTo("/projects/acme")

		list := admin.get("/projects/acme").want(http.StatusOK)
		if a := byID(list.doc(), "new-case"); a == nil || a.Data != "a" || attr(a, "href") != "/projects/acme/cases/new" {
			t.Fatalf("case list has no a#new-case to /projects/acme/cases/new:\n%s", list.Body)
		}
		admin.get("/projects/acme/cases/new").want(http.StatusOK).
			contains(`name="title"`, `name="description"`, `<select id="severity" name="severity"`, `name="component"`)
		admin.post("/projects/acme/cases/new", url.Values{"title": {"Heap overflow in parser"},
			"description": {"Send **4097** bytes."}, "severity": {"high"}, "component": {"parser"}}).
			redirectsTo("/cases/ACME-1")

		page := admin.get("/cases/ACME-1").want(http.StatusOK).contains("<strong>4097</strong>")
		doc := page.doc()
		if got := strings.TrimSpace(text(byID(doc, "case-state"))); got != "new" {
			t.Fatalf("#case-state = %q, want new", got)
		}
		var targets []string
		for _, f := range findAll(doc, func(n *html.Node) bool { return n.Data == "form" && attr(n, "class") == "transition" }) {
			if attr(f, "method") != "post" || attr(f, "action") != "/cases/ACME-1/transition" {
				t.Errorf("transition form %q posts %s to %s", attr(f, "data-to"), attr(f, "method"), attr(f, "action"))
			}
			hidden := findAll(f, func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == "to" })
			if len(hidden) != 1 || attr(hidden[0], "value") != attr(f, "data-to") {
				t.Errorf("transition form %q lacks its hidden to input", attr(f, "data-to"))
			}
			if len(findAll(f, func(n *html.Node) bool { return n.Data == "button" && attr(n, "type") == "submit" })) != 1 {
				t.Errorf("transition form %q lacks its submit button", attr(f, "data-to"))
			}
			targets = append(targets, attr(f, "data-to"))
		}
		if diff := cmp.Diff([]string{"acknowledged", "triage", "rejected"}, targets); diff != "" {
			t.Errorf("transition forms (-want +got):\n%s", diff)
		}
		if f := byID(doc, "note-form"); f == nil || len(findAll(f, func(n *html.Node) bool {
			return n.Data == "textarea" && attr(n, "name") == "body"
		})) != 1 {
			t.Fatalf("no form#note-form with textarea[name=body]")
		}

		admin.post("/cases/ACME-1/transition", url.Values{"to": {"acknowledged"}}).
			redirectsTo("/cases/ACME-1?notice=case-moved")
		admin.post("/cases/ACME-1/notes", url.Values{"body": {"Reproduced on **main**."}}).
			redirectsTo("/cases/ACME-1?notice=note-added#notes")

		doc = admin.get("/cases/ACME-1?notice=note-added").want(http.StatusOK).contains("Note added.").doc()
		if got := strings.TrimSpace(text(byID(doc, "case-state"))); got != "acknowledged" {
			t.Errorf("#case-state = %q after the move, want acknowledged", got)
		}
		if notes := byID(doc, "notes"); notes == nil || !strings.Contains(text(notes), "Reproduced on main.") {
			t.Errorf("#notes lacks the note")
		}
		var history []string
		for _, li := range findAll(byID(doc, "history"), tag("li")) {
			history = append(history, strings.Join(strings.Fields(text(li)), " "))
		}
		want := []string{
			"ada@example.org added a note",
			"ada@example.org moved the case from new → acknowledged",
			"ada@example.org created the case",
		}
		if len(history) != len(want) {
			t.Fatalf("history has %d items, want %d: %q", len(history), len(want), history)
		}
		for i, w := range want {
			if !strings.HasSuffix(history[i], w) {
				t.Errorf("history[%d] = %q, want it to end with %q", i, history[i], w)
			}
		}
	})
}

// TestFormErrors checks that refused input comes back on its form with
// the message beside the field and the right status.
func TestFormErrors(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).redirectsTo("/projects/acme")
		admin.post("/projects/acme/cases/new", url.Values{"title": {"First"}}).redirectsTo("/cases/ACME-1")

		tests := []struct {
			name   string
			path   string
			form   url.Values
			status int
			want   []string
		}{
			{"bad slug", "/projects/new", url.Values{"slug": {"No Way"}, "name": {"X"}}, http.StatusUnprocessableEntity,
				[]string{`class="field-error"`, "Slug must be 2 to 32 lowercase letters", `value="No Way"`}},
			{"taken slug", "/projects/new", url.Values{"slug": {"acme"}, "name": {"Again"}}, http.StatusConflict,
				[]string{`a project with slug &#34;acme&#34; already exists`}},
			{"missing title", "/projects/acme/cases/new", url.Values{"description": {"kept text"}}, http.StatusUnprocessableEntity,
				[]string{"Title is required.", "kept text"}},
			{"empty note", "/cases/ACME-1/notes", url.Values{"body": {"  "}}, http.StatusUnprocessableEntity,
				[]string{"Note is required."}},
			{"rejection without reason", "/cases/ACME-1/transition", url.Values{"to": {"rejected"}, "resolution": {"wont-fix"}},
				http.StatusUnprocessableEntity, []string{"Reason is required when rejecting a case."}},
			{"illegal move", "/cases/ACME-1/transition", url.Values{"to": {"closed"}}, http.StatusConflict,
				[]string{"a case cannot move from new to closed"}},
			{"bad fix target", "/projects/acme/settings", url.Values{"name": {"Acme"}, "time_zone": {"UTC"},
				"acknowledge_business_days": {"3"}, "assessment_days": {"10"}, "default_embargo_days": {"90"},
				"max_embargo_days": {"90"}, "fix_critical": {"soon"}},
				http.StatusUnprocessableEntity, []string{"Fix targets must be a whole number of days."}},
			{"short password", "/admin/users", url.Values{"email": {"bo@example.org"}, "name": {"Bo"}, "password": {"short"}},
				http.StatusUnprocessableEntity, []string{"Password must be at least 12 characters long.", `value="bo@example.org"`}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				admin.post(tt.path, tt.form).want(tt.status).contains(tt.want...)
			})
		}
	})
}

func TestLogin(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.setUp("ada@example.org")

		b := e.browser()
		b.get("/cases/ACME-1").redirectsTo("/login?next=%2Fcases%2FACME-1")
		b.get("/login?next=%2Fcases%2FACME-1").want(http.StatusOK).
			contains(`name="email"`, `name="password"`, `type="submit"`, `name="next" value="/cases/ACME-1"`)

		// Unknown account and wrong password read the same.
		for _, email := range []string{"ada@example.org", "nobody@example.org"} {
			b.post("/login", url.Values{"email": {email}, "password": {"wrong password here"}}).
				want(http.StatusUnprocessableEntity).contains("The email or password is wrong.")
		}

		// A next parameter pointing off-site is ignored; the failed
		// attempt is reported once.
		b.post("/login", url.Values{"email": {"ada@example.org"}, "password": {testPassword}, "next": {"//evil.example/"}}).
			want(http.StatusOK).contains("1 failed sign-in attempt", `href="/">Continue`).lacks("evil.example")
		var session *http.Cookie
		u, _ := url.Parse(e.srv.URL)
		for _, c := range b.c.Jar.Cookies(u) {
			if c.Name == web.SessionCookie {
				session = c
			}
		}
		if session == nil {
			t.Fatal("no session cookie after signing in")
		}
		home := b.get("/").want(http.StatusOK)
		if cc := home.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("private page Cache-Control = %q, want no-store", cc)
		}
		b.get("/login").redirectsTo("/")

		b.post("/logout", nil).redirectsTo("/")
		b.get("/").redirectsTo("/login?next=%2F")
	})
}

func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.setUp("ada@example.org")
		b := e.browser()
		req, _ := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(url.Values{
			"email": {"ada@example.org"}, "password": {testPassword}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res := b.do(req).want(http.StatusSeeOther)
		names := map[string]bool{}
		for _, set := range res.Header.Values("Set-Cookie") {
			name, _, _ := strings.Cut(set, "=")
			names[name] = true
			for _, want := range []string{"Path=/", "HttpOnly", "SameSite=Lax"} {
				if !strings.Contains(set, want) {
					t.Errorf("Set-Cookie %q lacks %q", set, want)
				}
			}
			if strings.Contains(set, "Secure") {
				t.Errorf("Set-Cookie %q is Secure on an http:// base URL", set)
			}
		}
		if !names[web.SessionCookie] || !names[authz.DeviceCookie] {
			t.Errorf("cookies set: %v, want the session and the device cookie", names)
		}
	})
}

// TestTwoFactorLogin turns on TOTP through the account page and signs in
// with a code.
func TestTwoFactorLogin(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")

		enrol := admin.post("/account/2fa/begin", nil).want(http.StatusOK).contains(`src="data:image/png;base64,`)
		secret := strings.TrimSpace(text(byID(enrol.doc(), "totp-secret")))
		if secret == "" {
			t.Fatalf("no TOTP secret on the enrolment page:\n%s", enrol.Body)
		}
		admin.post("/account/2fa/confirm", url.Values{"code": {"000000"}}).
			want(http.StatusUnprocessableEntity).contains("That code is not valid", `id="totp-secret"`)
		code, err := totp.GenerateCode(secret, e.clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		done := admin.post("/account/2fa/confirm", url.Values{"code": {code}}).want(http.StatusOK)
		codes := findAll(byID(done.doc(), "recovery-codes"), tag("li"))
		if len(codes) != 10 {
			t.Fatalf("%d recovery codes shown, want 10", len(codes))
		}
		admin.get("/account").want(http.StatusOK).lacks(`id="recovery-codes"`).contains("10 unused recovery codes")

		b := e.browser()
		b.post("/login", url.Values{"email": {"ada@example.org"}, "password": {testPassword}, "next": {"/account"}}).
			redirectsTo("/login/2fa?next=%2Faccount")
		// The password alone opens nothing.
		b.get("/account").redirectsTo("/login?next=%2Faccount")
		b.get("/login?next=%2Faccount").redirectsTo("/login/2fa?next=%2Faccount")
		b.get("/login/2fa?next=%2Faccount").want(http.StatusOK).contains(`name="code"`)
		b.post("/login/2fa", url.Values{"code": {"123456"}, "next": {"/account"}}).
			want(http.StatusUnprocessableEntity).contains("That code is not valid.")

		// The code used to enrol cannot be replayed; the next one works.
		e.clk.Advance(30 * time.Second)
		code, err = totp.GenerateCode(secret, e.clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		b.post("/login/2fa", url.Values{"code": {code}, "next": {"/account"}}).redirectsTo("/account")
		b.get("/account").want(http.StatusOK).contains("10 unused recovery codes")

		// A recovery code stands in for the app, once.
		lost := e.browser()
		lost.post("/login", url.Values{"email": {"ada@example.org"}, "password": {testPassword}}).
			redirectsTo("/login/2fa?next=%2F")
		lost.post("/login/2fa", url.Values{"code": {text(codes[0])}}).redirectsTo("/")
		lost.get("/account").want(http.StatusOK).contains("9 unused recovery codes")
	})
}

// TestRoles checks what a viewer and an outsider get.
func TestRoles(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).redirectsTo("/projects/acme")
		admin.post("/projects/acme/cases/new", url.Values{"title": {"Secret flaw"}}).redirectsTo("/cases/ACME-1")
		admin.post("/cases/ACME-1/notes", url.Values{"body": {"internal detail"}}).want(http.StatusSeeOther)
		for _, email := range []string{"vic@example.org", "otto@example.org"} {
			admin.post("/admin/users", url.Values{"email": {email}, "name": {email}, "password": {testPassword}}).
				redirectsTo("/admin/users?notice=user-created")
		}
		admin.post("/projects/acme/members", url.Values{"email": {"vic@example.org"}, "role": {"viewer"}}).
			redirectsTo("/projects/acme/members?notice=member-added")

		viewer := e.login("vic@example.org")
		page := viewer.get("/cases/ACME-1").want(http.StatusOK).contains("Secret flaw", "internal detail")
		for _, f := range findAll(page.doc(), tag("form")) {
			if attr(f, "id") != "logout" {
				t.Errorf("viewer sees a form posting to %s", attr(f, "action"))
			}
		}
		viewer.get("/projects/acme").want(http.StatusOK).lacks(`id="new-case"`)
		viewer.post("/cases/ACME-1/notes", url.Values{"body": {"sneaky"}}).want(http.StatusForbidden).lacks("Secret flaw")
		viewer.post("/cases/ACME-1/transition", url.Values{"to": {"triage"}}).want(http.StatusForbidden)
		viewer.get("/projects/acme/settings").want(http.StatusForbidden)
		viewer.get("/admin/users").want(http.StatusForbidden)

		outsider := e.login("otto@example.org")
		for _, path := range []string{"/cases/ACME-1", "/projects/acme", "/projects/acme/members", "/cases/NOPE-1"} {
			outsider.get(path).want(http.StatusNotFound).lacks("Secret flaw").contains("Not found")
		}
		outsider.post("/cases/ACME-1/notes", url.Values{"body": {"x"}}).want(http.StatusNotFound)

		// Once the project requires two-factor, members without it are
		// sent to set it up.
		ctx := context.Background()
		err := s.Write(ctx, func(tx *store.Tx) error {
			p, err := tx.ProjectBySlug(ctx, "acme")
			if err != nil {
				return err
			}
			p.RequireMFA = true
			return tx.UpdateProject(ctx, p)
		})
		if err != nil {
			t.Fatal(err)
		}
		viewer.get("/cases/ACME-1").want(http.StatusForbidden).contains(`href="/account#two-factor"`).lacks("Secret flaw")
	})
}

// TestUntrustedText checks that user text is escaped where it is shown
// as text, and sanitized where it is rendered as Markdown.
func TestUntrustedText(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {`Acme <b>bold</b>`}}).redirectsTo("/projects/acme")
		admin.post("/projects/acme/cases/new", url.Values{
			"title":       {`<script>alert("title")</script>`},
			"component":   {`"><img src=x onerror=alert(1)>`},
			"description": {"Hi <script>alert('desc')</script>\n\n<iframe src=\"https://evil.example\"></iframe>\n\n[x](javascript:alert(1))"},
		}).redirectsTo("/cases/ACME-1")
		admin.post("/cases/ACME-1/notes", url.Values{"body": {`<img src=x onerror=alert(2)> **ok**`}}).want(http.StatusSeeOther)

		page := admin.get("/cases/ACME-1").want(http.StatusOK)
		page.contains(`&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;`, `Acme &lt;b&gt;bold&lt;/b&gt;`,
			`&#34;&gt;&lt;img src=x onerror=alert(1)&gt;`, "<strong>ok</strong>")
		page.lacks("<script>alert", "<iframe", `href="javascript`, "onerror=alert(2)", "<b>bold</b>")
		// Only the site's own script files: app.js and the CVSS calculator.
		scripts := findAll(page.doc(), tag("script"))
		if len(scripts) == 0 || !strings.HasPrefix(attr(scripts[0], "src"), "/static/app.js") {
			t.Errorf("page lacks app.js")
		}
		for _, sc := range scripts {
			if src := attr(sc, "src"); !strings.HasPrefix(src, "/static/app.js?") && !strings.HasPrefix(src, "/static/cvss-calculator.js?") || sc.FirstChild != nil {
				t.Errorf("page has a script other than the site's own: src %q", src)
			}
		}
		// The CSP forbids inline styles; no template may rely on them.
		if regexp.MustCompile(`(?i)<[^>]+\sstyle=|<style`).MatchString(page.Body) {
			t.Errorf("page uses inline style")
		}
		admin.get("/projects/acme").want(http.StatusOK).contains(`&lt;script&gt;alert(&#34;title&#34;)`).lacks("<script>alert")
	})
}

// TestInvitation invites a new person, who creates their account from
// the link and lands in the project as a responder.
func TestInvitation(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).redirectsTo("/projects/acme")
		page := admin.post("/projects/acme/invitations", url.Values{"email": {"Carol@Example.org"}, "role": {"responder"}}).
			want(http.StatusOK)
		link := attr(byID(page.doc(), "invite-link"), "value")
		if !strings.HasPrefix(link, "http://example.test/invitations/accept?token=") {
			t.Fatalf("invitation link %q", link)
		}
		admin.get("/projects/acme/members").want(http.StatusOK).contains("carol@example.org").lacks(link)

		carol := e.browser()
		path := strings.TrimPrefix(link, "http://example.test")
		form := carol.get(path).want(http.StatusOK).contains("Join Acme", `value="carol@example.org" readonly`)
		token := ""
		for _, in := range findAll(form.doc(), tag("input")) {
			if attr(in, "name") == "token" {
				token = attr(in, "value")
			}
		}
		carol.post("/invitations/accept", url.Values{"token": {token}, "name": {"Carol"}, "password": {"short"}}).
			want(http.StatusUnprocessableEntity).contains("Password must be at least 12 characters long.", `value="Carol"`)
		carol.post("/invitations/accept", url.Values{"token": {token}, "name": {"Carol"}, "password": {testPassword}}).
			redirectsTo("/projects/acme?notice=joined")
		carol.get("/projects/acme?notice=joined").want(http.StatusOK).contains("You have joined the project.", `id="new-case"`)
		carol.get(path).want(http.StatusNotFound)
		admin.get("/projects/acme/members").want(http.StatusOK).contains("Carol", "No pending invitations.")
	})
}

// TestPagesRender opens every remaining page once, so that a template
// error cannot hide on a page no other test visits.
func TestPagesRender(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.setUp("ada@example.org")
		admin.post("/projects/new", url.Values{"slug": {"acme"}, "name": {"Acme"}}).redirectsTo("/projects/acme")
		admin.post("/projects/acme/cases/new", url.Values{"title": {"One"}, "severity": {"critical"}}).redirectsTo("/cases/ACME-1")

		for _, path := range []string{"/", "/projects/acme?state=open&severity=critical&mine=1&q=one", "/projects/acme/settings",
			"/projects/acme/members", "/account", "/admin/users", "/projects/new", "/projects/acme/cases/new"} {
			admin.get(path).want(http.StatusOK).contains("</html>")
		}
		admin.get("/projects/acme?state=open").contains("ACME-1")
		admin.get("/projects/acme?state=closed").contains("No cases match these filters.")
		admin.get("/projects/acme?state=bogus").want(http.StatusUnprocessableEntity)

		admin.post("/projects/acme/settings", url.Values{"name": {"Acme Corp"}, "description": {"Widgets"},
			"time_zone": {"Europe/Berlin"}, "acknowledge_business_days": {"2"}, "assessment_days": {"7"},
			"fix_critical": {"5"}, "fix_high": {"20"}, "fix_medium": {"45"}, "fix_low": {"80"},
			"default_embargo_days": {"60"}, "max_embargo_days": {"90"}, "advisory_prefix": {"acme"}}).
			redirectsTo("/projects/acme/settings?notice=settings-saved")
		admin.get("/projects/acme/settings").contains(`value="Europe/Berlin"`, `value="ACME"`, `value="80"`)
		admin.post("/projects/acme/archive", nil).redirectsTo("/projects/acme?notice=archived")
		admin.get("/projects/acme").contains("archived and read-only", `action="/projects/acme/unarchive"`).lacks(`id="new-case"`)
		admin.post("/projects/acme/cases/new", url.Values{"title": {"Two"}}).want(http.StatusConflict)
		admin.post("/projects/acme/unarchive", nil).redirectsTo("/projects/acme?notice=unarchived")

		css := admin.get("/static/app.css?v=" + staticVersion(t, admin, "app.css")).want(http.StatusOK)
		if cc := css.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("versioned asset Cache-Control = %q", cc)
		}
		if ct := css.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
			t.Errorf("app.css Content-Type = %q", ct)
		}
		admin.get("/static/nope.css").want(http.StatusNotFound)
	})
}

// staticVersion reads the version a page links name with.
func staticVersion(t *testing.T, b *browser, name string) string {
	t.Helper()
	m := regexp.MustCompile(`/static/` + regexp.QuoteMeta(name) + `\?v=([0-9a-f]+)`).FindStringSubmatch(b.get("/").Body)
	if m == nil {
		t.Fatalf("no link to %s", name)
	}
	return m[1]
}
