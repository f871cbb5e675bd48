// SPDX-License-Identifier: AGPL-3.0-or-later

package intake

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/mail"
	"embargo/internal/projects"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// settingsOf returns p's settings, the defaults when they cannot be read.
func settingsOf(p *store.Project) projects.Settings {
	set, err := projects.ParseSettings(p.Settings)
	if err != nil {
		return projects.DefaultSettings()
	}
	return set
}

// autoActor is how an automatic acknowledgement appears in the audit log.
var autoActor = &authz.Actor{Via: "auto-acknowledge"}

// dateLayout is how promised dates are written to reporters.
const dateLayout = "Monday 2 January 2006"

// FixTarget is a fix deadline promised for one severity.
type FixTarget struct {
	Severity string
	Days     int
}

// Promises are the timelines a project's policy commits it to for one
// report, in the project's time zone: what the acknowledgement template
// fills in and what the reporter portal shows.
type Promises struct {
	Location       *time.Location
	AcknowledgeDue time.Time
	// AcknowledgedAt is zero while the report is not acknowledged; the
	// first assessment is promised counting from it (or from now, for a
	// draft).
	AcknowledgedAt time.Time
	AssessmentDays int
	AssessmentBy   time.Time
	FixTargets     []FixTarget
	EmbargoDays    int
	MaxEmbargoDays int
	Disclosure     string
}

// Date formats t as a day in the project's time zone.
func (pr *Promises) Date(t time.Time) string {
	return t.In(pr.Location).Format(dateLayout)
}

// DisclosureText says the project's disclosure stance in plain words.
func DisclosureText(stance string, embargoDays, maxDays int) string {
	if stance == projects.DisclosureAfterFix {
		return fmt.Sprintf("we publish once a fix is available; the embargo can be extended by agreement up to %d days.", maxDays)
	}
	return fmt.Sprintf("we publish once a fix is available or when the embargo ends (%d days by default), whichever comes first.", embargoDays)
}

// PromisesFor computes the promises of project p for report r,
// counting the first assessment from ackAt (the acknowledgement, or now
// for a draft).
func PromisesFor(p *store.Project, r *store.Report, ackAt time.Time) *Promises {
	set := settingsOf(p)
	pr := &Promises{Location: set.Location(), AcknowledgedAt: clock.FromMillis(r.AcknowledgedAt),
		AssessmentDays: set.AssessmentDays, EmbargoDays: set.DefaultEmbargoDays, MaxEmbargoDays: set.MaxEmbargoDays,
		Disclosure: DisclosureText(set.Disclosure, set.DefaultEmbargoDays, set.MaxEmbargoDays)}
	pr.AcknowledgeDue = clock.FromMillis(r.AckDueAt)
	if r.AckDueAt == 0 {
		pr.AcknowledgeDue = set.AcknowledgeDue(clock.FromMillis(r.SubmittedAt))
	}
	if !pr.AcknowledgedAt.IsZero() {
		ackAt = pr.AcknowledgedAt
	}
	pr.AssessmentBy = set.AssessmentDue(ackAt)
	for _, sev := range []string{"critical", "high", "medium", "low"} {
		if d, ok := set.FixTargetDays[sev]; ok {
			pr.FixTargets = append(pr.FixTargets, FixTarget{Severity: sev, Days: d})
		}
	}
	return pr
}

// AcknowledgementText returns the acknowledgement message for report r of
// project p, with the timelines of its policy filled in: handler names
// who handles the report (the coordinator, or whoever acknowledges it).
func AcknowledgementText(p *store.Project, r *store.Report, handler string, pr *Promises) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("Hello,\n\nthank you for your report %s to %s. We have received it, and %s is handling it.\n\n", r.Reference, p.Name, handler)
	w("What happens next, following our security policy:\n\n")
	w("- First assessment: by %s (within %d days).\n", pr.Date(pr.AssessmentBy), pr.AssessmentDays)
	parts := make([]string, len(pr.FixTargets))
	for i, t := range pr.FixTargets {
		parts[i] = fmt.Sprintf("%s %d days", t.Severity, t.Days)
	}
	if len(parts) > 0 {
		w("- Fix targets once the issue is confirmed, by severity: %s.\n", strings.Join(parts, ", "))
	}
	w("- Embargo: the details stay private for %d days by default (at most %d days).\n", pr.EmbargoDays, pr.MaxEmbargoDays)
	w("- Disclosure: %s\n\n", pr.Disclosure)
	w("Dates are in the %s time zone. You can follow the case and reply through your private link.\n\n", pr.Location.String())
	w("Best regards,\n\n%s", handler)
	return b.String()
}

// handlerName names who handles case c for the acknowledgement: its
// coordinator if it has one, else the acknowledging actor, else the team.
func handlerName(ctx context.Context, tx *store.Tx, p *store.Project, c *store.Case, actor *authz.Actor) (string, error) {
	team := "the " + p.Name + " security team"
	if c.CoordinatorID != 0 {
		members, err := tx.ListMembers(ctx, p.ID)
		if err != nil {
			return "", err
		}
		for _, m := range members {
			if m.UserID == c.CoordinatorID {
				return displayName(m.Name, m.Email) + " of " + team, nil
			}
		}
	}
	if actor.UserID != 0 {
		return displayName(actor.Name, actor.Email) + " of " + team, nil
	}
	return team, nil
}

func displayName(name, email string) string {
	if strings.TrimSpace(name) != "" {
		return name
	}
	return email
}

// AcknowledgementDraft returns the prefilled acknowledgement message that
// actor would send for case c of project p.
func (s *Service) AcknowledgementDraft(ctx context.Context, actor *authz.Actor, p *store.Project, c *store.Case) (string, error) {
	var text string
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		r, err := tx.ReportByCase(ctx, c.ID, false)
		if errors.Is(err, store.ErrNotFound) {
			return noThread(c)
		}
		if err != nil {
			return err
		}
		handler, err := handlerName(ctx, tx, p, c, actor)
		if err != nil {
			return err
		}
		text = AcknowledgementText(p, r, handler, PromisesFor(p, r, s.Clock.Now()))
		return nil
	})
	return text, err
}

// Acknowledge acknowledges the report of case key in project p in one
// transaction: the case moves from new to acknowledged, message (the
// template when empty) is posted to the reporter thread, the time and the
// acknowledging user are recorded on the report, and, when the reporter
// gave an email address, a mail tells them. A case that did not come from
// a report is a *validation.NotFound; one that is not new, or already
// acknowledged, is a *validation.Conflict.
func (s *Service) Acknowledge(ctx context.Context, actor *authz.Actor, p *store.Project, key, message string) (*store.Case, error) {
	message, err := validation.Text("message", message, false, MaxMessage, true)
	if err != nil {
		return nil, err
	}
	var c *store.Case
	err = s.Store.Write(ctx, func(tx *store.Tx) error {
		c, err = s.acknowledgeIn(ctx, tx, actor, p, key, message)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// acknowledgeIn is Acknowledge inside tx.
func (s *Service) acknowledgeIn(ctx context.Context, tx *store.Tx, actor *authz.Actor, p *store.Project, key, message string) (*store.Case, error) {
	c, err := tx.CaseByKey(ctx, key, true)
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.ProjectID != p.ID) {
		return nil, &validation.NotFound{What: "case " + key}
	}
	if err != nil {
		return nil, err
	}
	r, err := tx.ReportByCase(ctx, c.ID, true)
	if errors.Is(err, store.ErrNotFound) {
		return nil, noThread(c)
	}
	if err != nil {
		return nil, err
	}
	if r.AcknowledgedAt != 0 {
		return nil, validation.Conflictf("report %s was already acknowledged", r.Reference)
	}
	if c.State != cases.StateNew {
		return nil, validation.Conflictf("only a new case can be acknowledged; %s is %s", c.Key, c.State)
	}
	now := s.Clock.Now()
	if message == "" {
		handler, err := handlerName(ctx, tx, p, c, actor)
		if err != nil {
			return nil, err
		}
		message = AcknowledgementText(p, r, handler, PromisesFor(p, r, now))
	}
	if c, err = s.Cases.MoveIn(ctx, tx, actor, c.Key, cases.Transition{To: cases.StateAcknowledged}); err != nil {
		return nil, err
	}
	at := clock.Millis(now)
	m := &store.ReportMessage{CaseID: c.ID, Body: message, CreatedAt: at, AuthorID: actor.UserID,
		AuthorName: displayName(actor.Name, actor.Email)}
	if actor.UserID == 0 {
		m.AuthorName = p.Name + " security team"
	}
	if err := tx.CreateReportMessage(ctx, m); err != nil {
		return nil, err
	}
	if err := tx.SetReportAcknowledged(ctx, c.ID, at, actor.UserID); err != nil {
		return nil, err
	}
	if err := s.Cases.Record(ctx, tx, actor, "report.acknowledge", c, "report", r.Reference, nil,
		map[string]any{"acknowledged_at": at, "ack_due_at": r.AckDueAt, "message_id": m.ID, "body": message,
			"automatic": actor.UserID == 0}); err != nil {
		return nil, err
	}
	if r.ContactEmail != "" {
		body := fmt.Sprintf("The %s security team acknowledged your report %s. Their message:\n\n%s\n\n"+
			"Read the case and reply through the private link you received when you reported "+
			"(it is not repeated here; ask the team for a new one if you lost it).\n",
			p.Name, r.Reference, message)
		if err := s.enqueue(ctx, tx, p, c, r.ContactEmail, "Your report "+r.Reference+" was acknowledged", body, now); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// enqueue adds one automatic mail about case c to the outbox inside tx.
func (s *Service) enqueue(ctx context.Context, tx *store.Tx, p *store.Project, c *store.Case, to, subject, body string, now time.Time) error {
	return mail.Enqueue(ctx, tx, &store.OutboxMessage{ProjectID: p.ID, CaseID: c.ID, To: to, Subject: subject,
		Body: body, AutoSubmitted: true, CreatedAt: clock.Millis(now)})
}

// notifyNewReport queues, inside tx, a mail to every responder and admin
// of project p about new report case c, and the reporter's receipt with
// their private link when they gave an address. The team's mail names
// only the case key and links to it: a title can itself reveal the
// vulnerability, and mail crosses servers Embargo does not control.
func (s *Service) notifyNewReport(ctx context.Context, tx *store.Tx, p *store.Project, c *store.Case, r *store.Report, link string, now time.Time) error {
	members, err := tx.ListMembers(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.Role != string(authz.RoleAdmin) && m.Role != string(authz.RoleResponder) {
			continue
		}
		if m.Disabled {
			continue
		}
		body := fmt.Sprintf("A new vulnerability report, %s, arrived for %s.\n\nRead it at %s/cases/%s (sign-in required).\n\n"+
			"This mail holds no details of the report, not even its title: mail passes through servers outside "+
			"your control, so the report stays in Embargo.\n", c.Key, p.Name, s.BaseURL, c.Key)
		// A member address mail cannot take must not cost the report.
		if err := s.enqueue(ctx, tx, p, c, m.Email, "New report "+c.Key, body, now); err != nil && !errors.Is(err, mail.ErrBadAddress) {
			return err
		}
	}
	if r.ContactEmail != "" {
		body := fmt.Sprintf("Thank you for your report to %s. Its reference is %s.\n\n"+
			"Follow the case, read the team's answers and reply at your private link:\n\n%s\n\n"+
			"Keep this link to yourself: anyone who has it can read and answer the case's reporter thread.\n",
			p.Name, r.Reference, link)
		if err := s.enqueue(ctx, tx, p, c, r.ContactEmail, "Your report "+r.Reference+" to "+p.Name, body, now); err != nil {
			return err
		}
	}
	return nil
}
