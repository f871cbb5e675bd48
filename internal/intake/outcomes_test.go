// SPDX-License-Identifier: AGPL-3.0-or-later

package intake_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/intake"
	"embargo/internal/projects"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
	"embargo/internal/validation"
)

// report submits a report with a contact address and a credit name, and
// returns its case.
func (f *fixture) report(t *testing.T, title, credit string) *store.Case {
	t.Helper()
	rep := intake.Report{Title: title, Description: "Steps to reproduce.", Contact: &intake.Contact{Email: "finder@example.net"}}
	if credit != "" {
		rep.CreditName, rep.CreditPreference = credit, intake.CreditByName
	}
	rc, err := f.svc.Submit(ctx, f.p, rep)
	if err != nil {
		t.Fatal(err)
	}
	return rc.Case
}

func (f *fixture) clock() *clock.Fake { return f.svc.Clock.(*clock.Fake) }

func (f *fixture) thread(t *testing.T, c *store.Case) *intake.Thread {
	t.Helper()
	th, err := f.svc.Thread(ctx, f.p, c)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

func (f *fixture) caseNow(t *testing.T, key string) *store.Case {
	t.Helper()
	d, err := f.svc.Cases.Get(ctx, key, 0)
	if err != nil {
		t.Fatal(err)
	}
	return d.Case
}

func lastMessage(th *intake.Thread) *store.ReportMessage { return th.Messages[len(th.Messages)-1] }

func TestRequestInfoWaitsAndResumes(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		c := f.report(t, "Overflow", "")
		queued := len(outbox(t, s))
		c, err := f.svc.RequestInfo(ctx, f.lead, f.p, c.Key, "Which version did you test?")
		if err != nil {
			t.Fatal(err)
		}
		// Friday 8 May 12:00 UTC + 30 days.
		wantUntil := time.Date(2026, 6, 7, 12, 0, 0, 0, time.UTC)
		if c.State != cases.StateNeedsInfo || c.WaitingUntil != clock.Millis(wantUntil) {
			t.Fatalf("state %s, waiting until %v", c.State, clock.FromMillis(c.WaitingUntil))
		}
		m := lastMessage(f.thread(t, c))
		if !strings.HasPrefix(m.Body, "Which version did you test?") || !strings.Contains(m.Body, "Sunday 7 June 2026") || m.FromReporter {
			t.Errorf("question posted as %q", m.Body)
		}
		mails := outbox(t, s)[queued:]
		if len(mails) != 1 || mails[0].To != "finder@example.net" || strings.Contains(mails[0].Body, "Which version") {
			t.Errorf("mail to the reporter: %+v (it must not carry the question)", mails)
		}
		if _, err := f.svc.RequestInfo(ctx, f.lead, f.p, c.Key, "Again?"); !isConflict(err) {
			t.Errorf("asking a case that already waits: %v, want a conflict", err)
		}

		reporter := &authz.Actor{Via: "reporter", ReporterCaseID: c.ID}
		if _, err := f.svc.Reply(ctx, reporter, c, "Version 2.4.1.", nil); err != nil {
			t.Fatal(err)
		}
		c = f.caseNow(t, c.Key)
		if c.State != cases.StateTriage || c.WaitingUntil != 0 {
			t.Errorf("after the answer: state %s, waiting until %d", c.State, c.WaitingUntil)
		}
		events, err := f.svc.Cases.Events(ctx, c.ID, 0, 2)
		if err != nil || events[0].Action != "case.transition" || events[0].ActorLabel != "reporter" || events[1].Action != "report.message" {
			t.Errorf("the answer is recorded, then the move: %v %v", events, err)
		}
	})
}

func TestUnansweredCaseClosesItselfAndReopensOnAnswer(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		asked := f.report(t, "Overflow", "")
		other := f.report(t, "Leak", "")
		if _, err := f.svc.RequestInfo(ctx, f.lead, f.p, asked.Key, "Logs, please?"); err != nil {
			t.Fatal(err)
		}
		f.clock().Advance(30*24*time.Hour - time.Second)
		if n, err := f.svc.CloseUnanswered(ctx); n != 0 || err != nil {
			t.Fatalf("a second early: closed %d, %v", n, err)
		}
		f.clock().Advance(time.Second)
		if n, err := f.svc.CloseUnanswered(ctx); n != 1 || err != nil {
			t.Fatalf("on time: closed %d, %v", n, err)
		}
		if n, err := f.svc.CloseUnanswered(ctx); n != 0 || err != nil {
			t.Fatalf("run again: closed %d, %v", n, err)
		}
		c := f.caseNow(t, asked.Key)
		if c.State != cases.StateRejected || c.Resolution != cases.ResolutionNoResponse || c.WaitingUntil != 0 {
			t.Fatalf("closed case: %s/%s, waiting until %d", c.State, c.Resolution, c.WaitingUntil)
		}
		if m := lastMessage(f.thread(t, c)); m.Body != intake.NoResponseText(30) || m.AuthorName != "Acme security team" {
			t.Errorf("notice %q by %q", m.Body, m.AuthorName)
		}
		if got := f.caseNow(t, other.Key); got.State != cases.StateNew {
			t.Errorf("a case nobody asked was touched: %s", got.State)
		}
		reporter := &authz.Actor{Via: "reporter", ReporterCaseID: c.ID}
		if _, err := f.svc.Reply(ctx, reporter, c, "Sorry, here they are.", nil); err != nil {
			t.Fatal(err)
		}
		if c = f.caseNow(t, c.Key); c.State != cases.StateTriage || c.Resolution != "" {
			t.Errorf("a late answer reopens the case: %s/%s", c.State, c.Resolution)
		}
	})
}

func TestOutcomesNeedAReport(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		title := "Found in review"
		c, err := f.svc.Cases.Create(ctx, f.lead, f.p, cases.Input{Title: &title})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.RequestInfo(ctx, f.lead, f.p, c.Key, "?"); !isConflict(err) {
			t.Errorf("asking a case without a reporter: %v", err)
		}
		if _, err := f.svc.NotSecurity(ctx, f.lead, f.p, c.Key, ""); !isConflict(err) {
			t.Errorf("telling a case without a reporter: %v", err)
		}
		if _, err := f.svc.RequestInfo(ctx, f.lead, f.p, c.Key, "  "); !isInvalid(err, "question") {
			t.Errorf("an empty question: %v", err)
		}
	})
}

func TestNotSecurity(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		set := projects.DefaultSettings()
		set.PublicBugURL = "https://github.com/acme/widget/issues"
		f.p.Settings = set.Encode()
		if canned := intake.NotSecurityText(f.p); !strings.Contains(canned, "https://github.com/acme/widget/issues") {
			t.Errorf("the canned text does not say where public bugs go: %q", canned)
		}
		c := f.report(t, "Typo crashes the settings page", "")
		c, err := f.svc.NotSecurity(ctx, f.lead, f.p, c.Key, "Not a vulnerability: it needs an admin. Please file it publicly.")
		if err != nil {
			t.Fatal(err)
		}
		if c.State != cases.StateRejected || c.Resolution != cases.ResolutionNotSecurity {
			t.Errorf("case %s/%s", c.State, c.Resolution)
		}
		if m := lastMessage(f.thread(t, c)); m.Body != "Not a vulnerability: it needs an admin. Please file it publicly." {
			t.Errorf("the edited message was not posted: %q", m.Body)
		}
		link, err := url.Parse(intake.PublicBugLink(f.p, c))
		if err != nil || link.Path != "/acme/widget/issues/new" || link.Query().Get("title") != "Typo crashes the settings page" ||
			link.Query().Get("body") != "Steps to reproduce." {
			t.Errorf("public bug link %v (%v)", link, err)
		}
	})
}

func TestPublicBugLink(t *testing.T) {
	t.Parallel()
	c := &store.Case{Title: "Crash on empty name", Description: strings.Repeat("é", 4000), Component: "ui"}
	for _, tt := range []struct{ tracker, path, titleParam string }{
		{"https://github.com/acme/widget/issues", "/acme/widget/issues/new", "title"},
		{"https://gitlab.com/acme/widget/-/issues/", "/acme/widget/-/issues/new", "issue[title]"},
		{"https://codeberg.org/acme/widget/issues", "/acme/widget/issues/new", "title"},
		{"https://bugs.example.org/enter_bug.cgi", "/enter_bug.cgi", ""},
	} {
		set := projects.DefaultSettings()
		set.PublicBugURL = tt.tracker
		p := &store.Project{Settings: set.Encode()}
		u, err := url.Parse(intake.PublicBugLink(p, c))
		if err != nil || u.Path != tt.path {
			t.Errorf("%s: link %v (%v)", tt.tracker, u, err)
			continue
		}
		if tt.titleParam == "" {
			if u.RawQuery != "" {
				t.Errorf("%s: an unknown tracker gets its address as it is, not %v", tt.tracker, u)
			}
			continue
		}
		if u.Query().Get(tt.titleParam) != c.Title {
			t.Errorf("%s: title not filled in: %v", tt.tracker, u.Query())
		}
		if len(u.String()) > 60000 || !strings.Contains(u.Query().Get(strings.Replace(tt.titleParam, "title", "body", 1))+
			u.Query().Get("issue[description]"), "shortened") {
			t.Errorf("%s: a long description is not shortened (%d bytes)", tt.tracker, len(u.String()))
		}
	}
	if got := intake.PublicBugLink(&store.Project{Settings: projects.DefaultSettings().Encode()}, c); got != "" {
		t.Errorf("no tracker: %q", got)
	}

	// The public reads the issue: deceptive characters go there shown.
	set := projects.DefaultSettings()
	set.PublicBugURL = "https://github.com/acme/widget/issues"
	u, err := url.Parse(intake.PublicBugLink(&store.Project{Settings: set.Encode()},
		&store.Case{Title: "Fix in auth\u202Egpj.exe", Description: "Run `a\u2066b`."}))
	if err != nil || u.Query().Get("title") != "Fix in auth⟨U+202E⟩gpj.exe" || u.Query().Get("body") != "Run `a⟨U+2066⟩b`." {
		t.Errorf("deceptive characters in the public bug link: %v (%v)", u.Query(), err)
	}
}

func TestMarkDuplicate(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		original := f.report(t, "Overflow in parser", "Ann")
		dup := f.report(t, "Parser crash", "Bob")
		third := f.report(t, "Parser crash again", "")

		if _, err := f.svc.MarkDuplicate(ctx, f.lead, f.p, dup.Key, intake.Duplicate{Original: dup.Key}); !isInvalid(err, "original") {
			t.Errorf("a duplicate of itself: %v", err)
		}
		if _, err := f.svc.MarkDuplicate(ctx, f.lead, f.p, dup.Key, intake.Duplicate{Original: "ACME-99"}); !isNotFound(err) {
			t.Errorf("an unknown original: %v", err)
		}
		// The lead is no member of another project: its case is not found.
		otherProject, err := (&projects.Service{Store: s, Clock: f.svc.Clock}).Create(ctx, &authz.Actor{Via: "cli"}, "other",
			projects.Input{Name: new("Other")})
		if err != nil {
			t.Fatal(err)
		}
		title := "Other's case"
		foreign, err := f.svc.Cases.Create(ctx, &authz.Actor{Via: "cli"}, otherProject, cases.Input{Title: &title})
		if err != nil {
			t.Fatal(err)
		}
		lead := f.member(t)
		if _, err := f.svc.MarkDuplicate(ctx, lead, f.p, dup.Key, intake.Duplicate{Original: foreign.Key}); !isNotFound(err) {
			t.Errorf("an original in a project the actor cannot see: %v", err)
		}

		got, err := f.svc.MarkDuplicate(ctx, lead, f.p, dup.Key, intake.Duplicate{Original: original.Key})
		if err != nil {
			t.Fatal(err)
		}
		if got.State != cases.StateRejected || got.Resolution != cases.ResolutionDuplicate {
			t.Errorf("duplicate %s/%s", got.State, got.Resolution)
		}
		if m := lastMessage(f.thread(t, got)); m.Body != intake.DuplicateText(f.p, true) {
			t.Errorf("reporter told %q", m.Body)
		}
		links, err := f.svc.Cases.Links(ctx, lead, original)
		if err != nil || len(links) != 1 || links[0].Case.Key != dup.Key || links[0].Outgoing || !links[0].Link.CreditKept {
			t.Fatalf("links of the original: %+v %v", links, err)
		}
		credits, err := f.svc.Credits(ctx, original)
		if err != nil || len(credits) != 2 || credits[0].Name != "Ann" || credits[1].Name != "Bob" || credits[1].From != dup.Key {
			t.Errorf("credits of the original: %+v %v", credits, err)
		}

		// A duplicate of a duplicate is refused, naming the first report.
		_, err = f.svc.MarkDuplicate(ctx, lead, f.p, third.Key, intake.Duplicate{Original: dup.Key})
		var invalid *validation.Error
		if !errors.As(err, &invalid) || !strings.Contains(invalid.Message, original.Key) {
			t.Errorf("duplicate of a duplicate: %v", err)
		}
		// The original found to duplicate the third: its duplicates follow.
		if _, err := f.svc.MarkDuplicate(ctx, lead, f.p, original.Key, intake.Duplicate{Original: third.Key,
			Message: "Same as a report we had."}); err != nil {
			t.Fatal(err)
		}
		links, err = f.svc.Cases.Links(ctx, lead, third)
		if err != nil || len(links) != 2 {
			t.Fatalf("links of the new original: %+v %v", links, err)
		}
		// Reopening a duplicate undoes the link.
		if _, err := f.svc.Cases.Move(ctx, lead, dup.Key, cases.Transition{To: cases.StateTriage, Reason: "not the same after all"}); err != nil {
			t.Fatal(err)
		}
		if links, err = f.svc.Cases.Links(ctx, lead, third); err != nil || len(links) != 1 || links[0].Case.Key != original.Key {
			t.Errorf("links after the reopen: %+v %v", links, err)
		}
	})
}

func TestDuplicateCreditFollowsThePolicy(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		set := projects.DefaultSettings()
		set.CreditDuplicates = false
		f.p.Settings = set.Encode()
		original := f.report(t, "Overflow", "Ann")
		dup := f.report(t, "Overflow too", "Bob")
		if _, err := f.svc.MarkDuplicate(ctx, f.member(t), f.p, dup.Key, intake.Duplicate{Original: original.Key}); err != nil {
			t.Fatal(err)
		}
		if m := lastMessage(f.thread(t, f.caseNow(t, dup.Key))); m.Body != intake.DuplicateText(f.p, false) {
			t.Errorf("reporter told %q", m.Body)
		}
		credits, err := f.svc.Credits(ctx, original)
		if err != nil || len(credits) != 1 || credits[0].Name != "Ann" {
			t.Errorf("credits: %+v %v", credits, err)
		}
	})
}

func TestSplitCase(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		c := f.report(t, "Two bugs", "Ann")
		if _, err := f.svc.Cases.Move(ctx, f.lead, c.Key, cases.Transition{To: cases.StateTriage}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SplitCase(ctx, f.lead, f.p, c.Key, intake.Split{Title: " "}); !isInvalid(err, "title") {
			t.Errorf("split without a title: %v", err)
		}
		n, err := f.svc.SplitCase(ctx, f.lead, f.p, c.Key, intake.Split{Title: "CSRF on settings", Description: "The second issue."})
		if err != nil {
			t.Fatal(err)
		}
		if n.Key != "ACME-2" || n.State != cases.StateTriage || n.Description != "The second issue." {
			t.Errorf("new case %s in %s: %q", n.Key, n.State, n.Description)
		}
		if m := lastMessage(f.thread(t, c)); m.Body != intake.SplitText(f.p, "CSRF on settings") {
			t.Errorf("reporter told %q", m.Body)
		}
		credits, err := f.svc.Credits(ctx, n)
		if err != nil || len(credits) != 1 || credits[0].Name != "Ann" || credits[0].From != c.Key {
			t.Errorf("credits of the split case: %+v %v", credits, err)
		}
		links, err := f.svc.Cases.Links(ctx, f.member(t), c)
		if err != nil || len(links) != 1 || links[0].Link.Kind != store.LinkSplitFrom || links[0].Case.Key != n.Key {
			t.Errorf("links: %+v %v", links, err)
		}
	})
}

// member returns the lead, an admin of the fixture's project since they
// created it, as an actor whose role the authorization policy knows.
func (f *fixture) member(t *testing.T) *authz.Actor {
	t.Helper()
	a := *f.lead
	a.Roles = map[int64]authz.Role{f.p.ID: authz.RoleAdmin}
	return &a
}

func isConflict(err error) bool {
	var c *validation.Conflict
	return errors.As(err, &c)
}

func isNotFound(err error) bool {
	var nf *validation.NotFound
	return errors.As(err, &nf)
}

func isInvalid(err error, field string) bool {
	var v *validation.Error
	return errors.As(err, &v) && v.Field == field
}
