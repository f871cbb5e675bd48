// SPDX-License-Identifier: AGPL-3.0-or-later

package intake_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/intake"
	"embargo/internal/projects"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
	"embargo/internal/validation"
)

// addMember creates a user with role in f's project.
func addMember(t *testing.T, f *fixture, email, role string, disabled bool) *store.User {
	t.Helper()
	u := &store.User{Email: email, Name: strings.Split(email, "@")[0], Disabled: disabled, CreatedAt: 1, UpdatedAt: 1}
	err := f.s.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return tx.SetMember(ctx, &store.Member{ProjectID: f.p.ID, UserID: u.ID, Role: role, CreatedAt: 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// setSettings changes f's project settings and reloads the project.
func setSettings(t *testing.T, f *fixture, change func(*projects.Settings)) {
	t.Helper()
	set, err := projects.ParseSettings(f.p.Settings)
	if err != nil {
		t.Fatal(err)
	}
	change(&set)
	ps := &projects.Service{Store: f.s, Clock: f.svc.Clock}
	if f.p, err = ps.Update(ctx, f.lead, f.p.Slug, projects.Input{Settings: &set}); err != nil {
		t.Fatal(err)
	}
}

// outbox returns every queued mail, oldest first.
func outbox(t *testing.T, s *store.Store) []*store.OutboxMessage {
	t.Helper()
	var out []*store.OutboxMessage
	if err := s.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListMail(ctx, 0)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

type mailSummary struct{ To, Subject string }

func summarize(ms []*store.OutboxMessage) []mailSummary {
	var out []mailSummary
	for _, m := range ms {
		out = append(out, mailSummary{m.To, m.Subject})
	}
	return out
}

func TestSubmitQueuesNotificationsAndReceipt(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		f.svc.BaseURL = "https://embargo.example.org"
		addMember(t, f, "resp@example.org", "responder", false)
		addMember(t, f, "viewer@example.org", "viewer", false)
		addMember(t, f, "gone@example.org", "responder", true)
		rc, err := f.svc.Submit(ctx, f.p, intake.Report{Title: "RCE in the secret admin panel", Description: "d",
			Contact: &intake.Contact{Name: "Rita", Email: "rita@example.net"}})
		if err != nil {
			t.Fatal(err)
		}
		got := outbox(t, s)
		want := []mailSummary{
			{"lead@example.org", "New report ACME-1"},
			{"resp@example.org", "New report ACME-1"},
			{"rita@example.net", "Your report " + rc.Reference + " to Acme"},
		}
		if diff := cmp.Diff(want, summarize(got)); diff != "" {
			t.Fatalf("outbox (-want +got):\n%s", diff)
		}
		for _, m := range got[:2] {
			if strings.Contains(m.Body, "RCE") || strings.Contains(m.Subject, "RCE") {
				t.Errorf("the team's notification holds the title: %q", m.Body)
			}
			if !strings.Contains(m.Body, "https://embargo.example.org/cases/ACME-1") || m.CaseID != rc.Case.ID || !m.AutoSubmitted {
				t.Errorf("notification %+v", m)
			}
		}
		if !strings.Contains(got[2].Body, "https://embargo.example.org/r/"+rc.Token) || !strings.Contains(got[2].Body, rc.Reference) {
			t.Errorf("receipt body %q lacks the link or reference", got[2].Body)
		}
		if !rc.Mailed {
			t.Error("the receipt does not say a mail was queued")
		}
		// Mail never reaches the audit log with the link in it.
		events, _ := f.svc.Cases.Events(ctx, rc.Case.ID, 0, 10)
		for _, e := range events {
			if strings.Contains(string(e.After), rc.Token) {
				t.Errorf("event %s holds the link", e.Action)
			}
		}
	})
}

func TestSubmitWithoutEmailSendsNoReceipt(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		rc, err := f.svc.Submit(ctx, f.p, intake.Report{Title: "T", Description: "d", Contact: &intake.Contact{Name: "Rita"}})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]mailSummary{{"lead@example.org", "New report ACME-1"}}, summarize(outbox(t, s))); diff != "" || rc.Mailed {
			t.Errorf("outbox (-want +got):\n%s", diff)
		}
	})
}

func TestHeaderInjectionInContactIsRefused(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		for name, c := range map[string]intake.Contact{
			"CRLF in the email": {Email: "rita@example.net\r\nBcc: eve@example.org"},
			"LF in the email":   {Email: "rita@example.net\nBcc: eve@example.org"},
			"display name":      {Email: "Rita <rita@example.net>"},
			"two addresses":     {Email: "rita@example.net, eve@example.org"},
			"CRLF in the name":  {Name: "Rita\r\nBcc: eve@example.org", Email: "rita@example.net"},
		} {
			_, err := f.svc.Submit(ctx, f.p, intake.Report{Title: "T", Description: "d", Contact: &c})
			var ve *validation.Error
			if !errors.As(err, &ve) || !strings.HasPrefix(ve.Field, "contact.") {
				t.Errorf("%s: Submit = %v, want a contact validation error", name, err)
			}
		}
		if got := outbox(t, s); len(got) != 0 {
			t.Errorf("refused reports queued mail: %v", summarize(got))
		}
	})
}

func TestAckDueDateInTheProjectsZone(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		setSettings(t, f, func(set *projects.Settings) { set.TimeZone = "Pacific/Auckland" })
		// Friday 23:00 UTC is Saturday 11:00 in Auckland.
		f.svc.Clock.(*clock.Fake).Advance(11 * time.Hour)
		rc, err := f.svc.Submit(ctx, f.p, intake.Report{Title: "T", Description: "d"})
		if err != nil {
			t.Fatal(err)
		}
		th, err := f.svc.Thread(ctx, f.p, rc.Case)
		if err != nil {
			t.Fatal(err)
		}
		// Three business days from a Saturday: Monday, Tuesday, Wednesday.
		want := time.Date(2026, 5, 12, 23, 0, 0, 0, time.UTC) // Wednesday 11:00 in Auckland
		if got := clock.FromMillis(th.Report.AckDueAt); !got.Equal(want) {
			t.Errorf("ack_due_at = %v, want %v", got, want)
		}
		if th.AcknowledgeBy != th.Report.AckDueAt {
			t.Errorf("the thread shows %d, the report stores %d", th.AcknowledgeBy, th.Report.AckDueAt)
		}
		// The due date is fixed at arrival: a later policy change does not move it.
		setSettings(t, f, func(set *projects.Settings) { set.AcknowledgeBusinessDays = 10 })
		th, _ = f.svc.Thread(ctx, f.p, rc.Case)
		if got := clock.FromMillis(th.AcknowledgeBy); !got.Equal(want) {
			t.Errorf("after a policy change the due date moved to %v", got)
		}
	})
}

func TestAcknowledge(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		rc, err := f.svc.Submit(ctx, f.p, intake.Report{Title: "T", Description: "d",
			Contact: &intake.Contact{Email: "rita@example.net"}})
		if err != nil {
			t.Fatal(err)
		}
		queued := len(outbox(t, s))
		clk := f.svc.Clock.(*clock.Fake)
		clk.Advance(24 * time.Hour) // Saturday 9 May 2026, 12:00 UTC

		draft, err := f.svc.AcknowledgementDraft(ctx, f.lead, f.p, rc.Case)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			rc.Reference,
			"Lead of the Acme security team is handling it",
			"First assessment: by Tuesday 19 May 2026 (within 10 days)",
			"critical 7 days, high 30 days, medium 60 days, low 90 days",
			"90 days by default (at most 90 days)",
			"whichever comes first",
			"UTC time zone",
		} {
			if !strings.Contains(draft, want) {
				t.Errorf("draft lacks %q:\n%s", want, draft)
			}
		}

		c, err := f.svc.Acknowledge(ctx, f.lead, f.p, rc.Case.Key, "")
		if err != nil {
			t.Fatal(err)
		}
		if c.State != cases.StateAcknowledged {
			t.Errorf("state %s", c.State)
		}
		th, err := f.svc.Thread(ctx, f.p, c)
		if err != nil {
			t.Fatal(err)
		}
		if th.Report.AcknowledgedAt != clock.Millis(clk.Now()) || th.Report.AcknowledgedBy != f.lead.UserID {
			t.Errorf("acknowledged at %d by %d", th.Report.AcknowledgedAt, th.Report.AcknowledgedBy)
		}
		if len(th.Messages) != 1 || th.Messages[0].Body != draft || th.Messages[0].FromReporter || th.Messages[0].AuthorID != f.lead.UserID {
			t.Errorf("thread %+v", th.Messages)
		}
		if got := th.Promises.Date(th.Promises.AssessmentBy); got != "Tuesday 19 May 2026" {
			t.Errorf("portal's assessment date %q", got)
		}
		mails := outbox(t, s)[queued:]
		if len(mails) != 1 || mails[0].To != "rita@example.net" || !strings.Contains(mails[0].Body, "First assessment: by Tuesday 19 May 2026") {
			t.Fatalf("acknowledgement mail %v", summarize(mails))
		}
		events, _ := f.svc.Cases.Events(ctx, c.ID, 0, 10)
		var actions []string
		for _, e := range events {
			actions = append([]string{e.Action}, actions...)
		}
		if diff := cmp.Diff([]string{"report.create", "case.transition", "report.acknowledge"}, actions); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}

		// Twice is a conflict, and changes nothing.
		before := rows(t, s)
		_, err = f.svc.Acknowledge(ctx, f.lead, f.p, rc.Case.Key, "again")
		var conflict *validation.Conflict
		if !errors.As(err, &conflict) {
			t.Errorf("second Acknowledge = %v, want a conflict", err)
		}
		if after := rows(t, s); after != before {
			t.Errorf("a refused acknowledgement changed %d rows", after-before)
		}
	})
}

func TestAcknowledgeWithEditedMessageAndCoordinator(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		coord := addMember(t, f, "cora@example.org", "responder", false)
		rc, err := f.svc.Submit(ctx, f.p, intake.Report{Title: "T", Description: "d"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Cases.Assign(ctx, f.lead, rc.Case.Key, cases.Assignment{CoordinatorID: coord.ID}); err != nil {
			t.Fatal(err)
		}
		c, _ := f.svc.Cases.Get(ctx, rc.Case.Key, 0)
		draft, err := f.svc.AcknowledgementDraft(ctx, f.lead, f.p, c.Case)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(draft, "cora of the Acme security team is handling it") {
			t.Errorf("draft does not name the coordinator:\n%s", draft)
		}
		queued := len(outbox(t, s))
		if _, err := f.svc.Acknowledge(ctx, f.lead, f.p, rc.Case.Key, "  Thanks, we are on it.  "); err != nil {
			t.Fatal(err)
		}
		th, _ := f.svc.Thread(ctx, f.p, c.Case)
		if len(th.Messages) != 1 || th.Messages[0].Body != "Thanks, we are on it." {
			t.Errorf("thread %+v", th.Messages)
		}
		if n := len(outbox(t, s)) - queued; n != 0 {
			t.Errorf("%d mails queued for a reporter without an address", n)
		}
	})
}

func TestAcknowledgeRefusals(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		rc, err := f.svc.Submit(ctx, f.p, intake.Report{Title: "T", Description: "d"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Cases.Move(ctx, f.lead, rc.Case.Key, cases.Transition{To: cases.StateTriage}); err != nil {
			t.Fatal(err)
		}
		team, err := f.svc.Cases.Create(ctx, f.lead, f.p, cases.Input{Title: new("opened by the team")})
		if err != nil {
			t.Fatal(err)
		}
		before := rows(t, s)
		var conflict *validation.Conflict
		if _, err := f.svc.Acknowledge(ctx, f.lead, f.p, rc.Case.Key, ""); !errors.As(err, &conflict) {
			t.Errorf("acknowledging a case in triage = %v, want a conflict", err)
		}
		var nf *validation.NotFound
		if _, err := f.svc.Acknowledge(ctx, f.lead, f.p, team.Key, ""); !errors.As(err, &nf) {
			t.Errorf("acknowledging a case without a report = %v, want not found", err)
		}
		if _, err := f.svc.Acknowledge(ctx, f.lead, f.p, "ACME-99", ""); !errors.As(err, &nf) {
			t.Errorf("acknowledging a missing case = %v, want not found", err)
		}
		var ve *validation.Error
		if _, err := f.svc.Acknowledge(ctx, f.lead, f.p, rc.Case.Key, "bad\x00byte"); !errors.As(err, &ve) {
			t.Errorf("a message with a control character = %v, want a validation error", err)
		}
		if after := rows(t, s); after != before {
			t.Errorf("refused acknowledgements changed %d rows", after-before)
		}
	})
}

func TestAutoAcknowledge(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		setSettings(t, f, func(set *projects.Settings) { set.AutoAcknowledge = true })
		rc, err := f.svc.Submit(ctx, f.p, intake.Report{Title: "T", Description: "d",
			Contact: &intake.Contact{Email: "rita@example.net"}})
		if err != nil {
			t.Fatal(err)
		}
		if rc.Case.State != cases.StateAcknowledged {
			t.Errorf("receipt's case is %s", rc.Case.State)
		}
		th, err := f.svc.Thread(ctx, f.p, rc.Case)
		if err != nil {
			t.Fatal(err)
		}
		if th.Case.State != cases.StateAcknowledged || th.Report.AcknowledgedAt != th.Report.SubmittedAt || th.Report.AcknowledgedBy != 0 {
			t.Errorf("case %s, report %+v", th.Case.State, th.Report)
		}
		if len(th.Messages) != 1 || !strings.Contains(th.Messages[0].Body, "the Acme security team is handling it") ||
			th.Messages[0].AuthorName != "Acme security team" {
			t.Errorf("thread %+v", th.Messages)
		}
		want := []mailSummary{
			{"lead@example.org", "New report ACME-1"},
			{"rita@example.net", "Your report " + rc.Reference + " to Acme"},
			{"rita@example.net", "Your report " + rc.Reference + " was acknowledged"},
		}
		if diff := cmp.Diff(want, summarize(outbox(t, s))); diff != "" {
			t.Errorf("outbox (-want +got):\n%s", diff)
		}
		events, _ := f.svc.Cases.Events(ctx, rc.Case.ID, 0, 10)
		var actions []string
		for _, e := range events {
			actions = append([]string{e.Action + " by " + e.ActorLabel}, actions...)
		}
		if diff := cmp.Diff([]string{"report.create by reporter", "case.transition by auto-acknowledge",
			"report.acknowledge by auto-acknowledge"}, actions); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}
