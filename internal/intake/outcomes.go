// SPDX-License-Identifier: AGPL-3.0-or-later

package intake

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// The outcomes of a report that the reporter hears about: a question that
// makes the case wait on them, a case closed for want of an answer, a
// report that is not a security issue, a duplicate, a split. Each changes
// the case, writes to the reporter thread, mails the reporter when they
// left an address, and records it, in one transaction. The mail names the
// report only: what the team wrote stays behind the reporter's link.

// closerActor is how the automatic close of an unanswered case appears in
// the audit log.
var closerActor = &authz.Actor{Via: "scheduler"}

// thread is the report of a case, locked for update inside a transaction.
type thread struct {
	c *store.Case
	r *store.Report
	p *store.Project
}

// lockThread loads case key of project p and its report for update; a
// case of another project is not found, one without a report is a
// conflict saying the outcome needs a reporter.
func lockThread(ctx context.Context, tx *store.Tx, p *store.Project, key, what string) (*thread, error) {
	c, err := tx.CaseByKey(ctx, key, true)
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.ProjectID != p.ID) {
		return nil, &validation.NotFound{What: "case " + key}
	}
	if err != nil {
		return nil, err
	}
	r, err := tx.ReportByCase(ctx, c.ID, true)
	if errors.Is(err, store.ErrNotFound) {
		return nil, validation.Conflictf("%s did not come from a report, so there is no reporter to %s", c.Key, what)
	}
	if err != nil {
		return nil, err
	}
	return &thread{c: c, r: r, p: p}, nil
}

// tell posts body to the thread as actor and mails the reporter, when
// they gave an address, that the team wrote (subject says about what).
func (s *Service) tell(ctx context.Context, tx *store.Tx, actor *authz.Actor, t *thread, body, subject string, now time.Time) (*store.ReportMessage, error) {
	m := &store.ReportMessage{CaseID: t.c.ID, Body: body, CreatedAt: clock.Millis(now), AuthorID: actor.UserID,
		AuthorName: displayName(actor.Name, actor.Email)}
	if actor.UserID == 0 {
		m.AuthorName = t.p.Name + " security team"
	}
	if err := tx.CreateReportMessage(ctx, m); err != nil {
		return nil, err
	}
	if t.r.ContactEmail != "" {
		mailBody := fmt.Sprintf("The %s security team wrote about your report %s: %s.\n\n"+
			"Read their message and reply through the private link you received when you reported "+
			"(it is not repeated here; ask the team for a new one if you lost it). The message itself stays "+
			"there, not in this mail.\n", t.p.Name, t.r.Reference, subject)
		if err := s.enqueue(ctx, tx, t.p, t.c, t.r.ContactEmail, "Your report "+t.r.Reference+": "+subject, mailBody, now); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// message validates an outcome's message to the reporter; empty takes
// the canned text.
func message(field, v, canned string) (string, error) {
	v, err := validation.Text(field, v, false, MaxMessage, true)
	if err != nil {
		return "", err
	}
	if v == "" {
		v = canned
	}
	return v, nil
}

// WaitingDeadline returns when a case of project p asked at now stops
// waiting on its reporter: the policy's days later, at the same time of
// day in the project's time zone.
func WaitingDeadline(p *store.Project, now time.Time) time.Time {
	set := settingsOf(p)
	return now.In(set.Location()).AddDate(0, 0, set.NeedsInfoDays)
}

// RequestInfo asks the reporter of case key in project p a question: the
// question goes to the thread, with the date by which the case closes
// itself unless they answer, and the case waits on them ("needs-info").
func (s *Service) RequestInfo(ctx context.Context, actor *authz.Actor, p *store.Project, key, question string) (*store.Case, error) {
	question, err := validation.Text("question", question, true, MaxMessage, true)
	if err != nil {
		return nil, err
	}
	var c *store.Case
	err = s.Store.Write(ctx, func(tx *store.Tx) error {
		t, err := lockThread(ctx, tx, p, key, "ask")
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		until := WaitingDeadline(p, now)
		if c, err = s.Cases.MoveIn(ctx, tx, actor, t.c.Key, cases.Transition{To: cases.StateNeedsInfo, Outcome: true}); err != nil {
			return err
		}
		c.WaitingUntil = clock.Millis(until)
		if err := tx.SetCaseWaitingUntil(ctx, c.ID, c.WaitingUntil); err != nil {
			return err
		}
		body := question + "\n\n" + fmt.Sprintf("Please answer here by %s (%s time). Without an answer by then, "+
			"the report is closed; you can still write afterwards and the team will look at it again.",
			until.Format(dateLayout), until.Location())
		m, err := s.tell(ctx, tx, actor, t, body, "the team has a question", now)
		if err != nil {
			return err
		}
		return s.Cases.Record(ctx, tx, actor, "report.request_info", c, "report", t.r.Reference, nil,
			map[string]any{"question": question, "message_id": m.ID, "waiting_until": c.WaitingUntil})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// NoResponseText is the notice posted when a case closes itself because
// its reporter did not answer in days days.
func NoResponseText(days int) string {
	return fmt.Sprintf("We asked for more information %d days ago and have not heard back, so we have closed this "+
		"report for now. If you can still answer, reply here: the team will look at the report again.", days)
}

// CloseUnanswered closes, as the scheduler, every case whose reporter did
// not answer the team's question in time: it is rejected with the
// resolution "no-response" and the reporter is told. It returns how many
// it closed; each case is its own transaction, so one that fails is left
// waiting for the next run and does not hold up the others.
func (s *Service) CloseUnanswered(ctx context.Context) (int, error) {
	const batch = 200
	now := s.Clock.Now()
	var keys []string
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		keys, err = tx.CasesWaitingUntil(ctx, clock.Millis(now), batch)
		return err
	})
	if err != nil {
		return 0, err
	}
	closed := 0
	var errs []error
	for _, key := range keys {
		done, err := s.closeUnanswered(ctx, key, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("intake: closing unanswered case %s: %w", key, err))
			continue
		}
		if done {
			closed++
		}
	}
	return closed, errors.Join(errs...)
}

func (s *Service) closeUnanswered(ctx context.Context, key string, now time.Time) (bool, error) {
	done := false
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		c, err := tx.CaseByKey(ctx, key, true)
		if err != nil {
			return err
		}
		if c.WaitingUntil == 0 || c.WaitingUntil > clock.Millis(now) {
			return nil // answered, or asked again, since the list was read
		}
		if c.State != cases.StateNeedsInfo {
			return tx.SetCaseWaitingUntil(ctx, c.ID, 0)
		}
		p, err := tx.ProjectByID(ctx, c.ProjectID)
		if err != nil {
			return err
		}
		t, err := lockThread(ctx, tx, p, key, "wait on")
		if err != nil {
			return err
		}
		days := settingsOf(p).NeedsInfoDays
		if c, err = s.Cases.MoveIn(ctx, tx, closerActor, key, cases.Transition{To: cases.StateRejected,
			Resolution: cases.ResolutionNoResponse, Outcome: true,
			Reason: fmt.Sprintf("The reporter did not answer the team's question in time (%d days).", days)}); err != nil {
			return err
		}
		m, err := s.tell(ctx, tx, closerActor, t, NoResponseText(days), "closed for want of an answer", now)
		if err != nil {
			return err
		}
		done = true
		return s.Cases.Record(ctx, tx, closerActor, "report.no_response", c, "report", t.r.Reference, nil,
			map[string]any{"message_id": m.ID})
	})
	return done, err
}

// resumeOnAnswer moves case c back to triage inside tx when its reporter
// writes while it waits on them, or after it closed for want of their
// answer: the answer is what the team was waiting for.
func (s *Service) resumeOnAnswer(ctx context.Context, tx *store.Tx, c *store.Case) (*store.Case, error) {
	switch {
	case c.State == cases.StateNeedsInfo:
		return s.Cases.MoveIn(ctx, tx, reporterActor, c.Key, cases.Transition{To: cases.StateTriage, Outcome: true})
	case c.State == cases.StateRejected && c.Resolution == cases.ResolutionNoResponse:
		return s.Cases.MoveIn(ctx, tx, reporterActor, c.Key, cases.Transition{To: cases.StateTriage, Outcome: true,
			Reason: "The reporter answered after the case was closed for want of an answer."})
	}
	return c, nil
}

// NotSecurityText is the canned message for a report that is a bug but
// not a vulnerability, naming where public bugs go when the project says.
func NotSecurityText(p *store.Project) string {
	set := settingsOf(p)
	var b strings.Builder
	b.WriteString("Hello,\n\nthank you for your report. We looked at it carefully and concluded that it is not a " +
		"security vulnerability: it does not let anyone do something they could not do anyway, so it does not " +
		"need the private handling and embargo of a security report.\n\n")
	if set.PublicBugURL != "" {
		fmt.Fprintf(&b, "It is still a bug worth fixing, so it belongs in our public bug tracker: %s. "+
			"We are filing it there ourselves, or you are welcome to.\n\n", set.PublicBugURL)
	} else {
		b.WriteString("It may still be a bug worth fixing; please report it through the project's usual public channels.\n\n")
	}
	b.WriteString("If you think we misjudged it, reply here and tell us why.\n\nBest regards,\n\n" + p.Name + " security team")
	return b.String()
}

// NotSecurity closes case key of project p as not a security issue: it is
// rejected with the resolution "not-security", and message (the canned
// text when empty) tells the reporter why and where public bugs go.
func (s *Service) NotSecurity(ctx context.Context, actor *authz.Actor, p *store.Project, key, msg string) (*store.Case, error) {
	msg, err := message("message", msg, NotSecurityText(p))
	if err != nil {
		return nil, err
	}
	var c *store.Case
	err = s.Store.Write(ctx, func(tx *store.Tx) error {
		t, err := lockThread(ctx, tx, p, key, "tell")
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		if c, err = s.Cases.MoveIn(ctx, tx, actor, t.c.Key, cases.Transition{To: cases.StateRejected,
			Resolution: cases.ResolutionNotSecurity, Reason: "Not a security issue: an ordinary, public bug.", Outcome: true}); err != nil {
			return err
		}
		m, err := s.tell(ctx, tx, actor, t, msg, "not a security issue", now)
		if err != nil {
			return err
		}
		return s.Cases.Record(ctx, tx, actor, "report.not_security", c, "report", t.r.Reference, nil,
			map[string]any{"message_id": m.ID, "body": msg, "public_bug_url": settingsOf(p).PublicBugURL})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// maxBugBody bounds the description carried in a new-issue link: trackers
// and browsers refuse longer URLs (GitHub at about 8,000 characters).
const maxBugBody = 6000

// PublicBugLink returns the address that opens a new issue in project
// p's public tracker with case c's title and description filled in: the
// one step from a report that is not a security issue to a public bug.
// GitHub, GitLab and Gitea or Forgejo issue lists take the fields as
// query parameters; any other tracker address is returned as it is. ""
// when the project has no public tracker. Deceptive characters
// (validation.Deceptive) are filled in as ⟨U+202E⟩ (the code point in hex).
func PublicBugLink(p *store.Project, c *store.Case) string {
	base := settingsOf(p).PublicBugURL
	if base == "" {
		return ""
	}
	u, err := url.Parse(base)
	if err != nil {
		return ""
	}
	body := c.Description
	if len(body) > maxBugBody {
		cut := maxBugBody
		for cut > 0 && !utf8.RuneStart(body[cut]) {
			cut--
		}
		body = body[:cut] + "\n\n(shortened; the full text is in the original report)"
	}
	if c.Component != "" {
		body = "Component: " + c.Component + "\n\n" + body
	}
	// The issue is for the public to read: deceptive characters go there
	// shown, as they are on our pages.
	title, _ := validation.RevealDeceptive(c.Title)
	body, _ = validation.RevealDeceptive(body)
	path := strings.TrimSuffix(u.Path, "/")
	q := url.Values{}
	switch {
	case u.Host == "github.com" && strings.HasSuffix(path, "/issues"):
		u.Path = path + "/new"
		q.Set("title", title)
		q.Set("body", body)
	case strings.HasSuffix(path, "/-/issues"):
		u.Path = path + "/new"
		q.Set("issue[title]", title)
		q.Set("issue[description]", body)
	case strings.HasSuffix(path, "/issues"):
		u.Path = path + "/new"
		q.Set("title", title)
		q.Set("body", body)
	default:
		return base
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// DuplicateText is the canned message for a duplicate report; kept says
// whether the reporter stays credited on the original.
func DuplicateText(p *store.Project, kept bool) string {
	var b strings.Builder
	b.WriteString("Hello,\n\nthank you for your report. It describes the same issue as a report the team had " +
		"already received, so we are handling it there and have closed this one as a duplicate.\n\n")
	if kept {
		b.WriteString("As our policy promises to every independent finder, you will be credited in the advisory " +
			"along with the first reporter, under the name and preference you gave us.\n\n")
	} else {
		b.WriteString("Our policy credits the first report of an issue, so this report does not add to the credits.\n\n")
	}
	b.WriteString("Best regards,\n\n" + p.Name + " security team")
	return b.String()
}

// Duplicate is a request to close a case as the duplicate of another.
type Duplicate struct {
	Original string // the original case's key
	Message  string // to the reporter; the canned text when empty
}

// MarkDuplicate closes case key of project p as a duplicate of another
// case: it is rejected with the resolution "duplicate" and linked to the
// original, cases already marked duplicates of it now point to the
// original too, and when it came from a report, the reporter is told (the
// canned text when the message is empty) and, if the policy credits
// every finder, stays credited on the original.
func (s *Service) MarkDuplicate(ctx context.Context, actor *authz.Actor, p *store.Project, key string, d Duplicate) (*store.Case, error) {
	msg, err := validation.Text("message", d.Message, false, MaxMessage, true)
	if err != nil {
		return nil, err
	}
	var c *store.Case
	err = s.Store.Write(ctx, func(tx *store.Tx) error {
		var err error
		c, err = tx.CaseByKey(ctx, key, true)
		if errors.Is(err, store.ErrNotFound) || (err == nil && c.ProjectID != p.ID) {
			return &validation.NotFound{What: "case " + key}
		}
		if err != nil {
			return err
		}
		o, err := cases.LinkTarget(ctx, tx, actor, c, "original", d.Original)
		if err != nil {
			return err
		}
		if first, err := tx.DuplicateOriginal(ctx, o.ID); err != nil {
			return err
		} else if first != 0 {
			fc, err := tx.CaseByID(ctx, first, false)
			if err != nil {
				return err
			}
			return validation.Errorf("original", "%s is itself a duplicate of %s; mark this case a duplicate of %s", o.Key, fc.Key, fc.Key)
		}
		r, err := tx.ReportByCase(ctx, c.ID, true)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		kept := r != nil && settingsOf(p).CreditDuplicates && r.CreditPreference != CreditNone
		now := s.Clock.Now()
		if c, err = s.Cases.MoveIn(ctx, tx, actor, c.Key, cases.Transition{To: cases.StateRejected,
			Resolution: cases.ResolutionDuplicate, Reason: "Duplicate of " + o.Key + ".", Outcome: true}); err != nil {
			return err
		}
		repointed, err := tx.RepointDuplicates(ctx, c.ID, o.ID)
		if err != nil {
			return err
		}
		l := &store.CaseLink{CaseID: c.ID, OtherID: o.ID, Kind: store.LinkDuplicateOf, CreditKept: kept,
			CreatedBy: actor.UserID, CreatedAt: clock.Millis(now)}
		if err := tx.CreateCaseLink(ctx, l); err != nil {
			return err
		}
		after := map[string]any{"original": o.Key, "credit_kept": kept, "link_id": l.ID}
		if repointed > 0 {
			after["duplicates_moved"] = repointed
		}
		if r != nil {
			if msg == "" {
				msg = DuplicateText(p, kept)
			}
			m, err := s.tell(ctx, tx, actor, &thread{c: c, r: r, p: p}, msg, "a duplicate of an earlier report", now)
			if err != nil {
				return err
			}
			after["message_id"], after["body"] = m.ID, msg
		}
		if err := s.Cases.Record(ctx, tx, actor, "case.duplicate", c, "", "", nil, after); err != nil {
			return err
		}
		return s.Cases.Record(ctx, tx, actor, "case.link", o, "case_link", fmt.Sprint(l.ID), nil,
			map[string]any{"kind": "duplicate", "duplicate": c.Key, "credit_kept": kept})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Split is a request to take a second issue out of a case into a case of
// its own.
type Split struct {
	Title       string
	Description string
	Message     string // to the reporter; the canned text when empty
}

// SplitText is the canned message telling a reporter that their report
// held two issues, the second now tracked as a case titled title.
func SplitText(p *store.Project, title string) string {
	return fmt.Sprintf("Hello,\n\nthank you for your report. It describes two separate issues, so we now track the "+
		"second one, %q, as a case of its own: each can get its own fix, advisory and identifier. You keep the "+
		"credit for both, and you will hear about both in this thread.\n\nBest regards,\n\n%s security team", title, p.Name)
}

// SplitCase takes a second issue out of case key of project p: a new case
// with the given title and description, in triage unless the original
// is still new, linked as split from the original, whose reporter is told
// and credited on both. It returns the new case.
func (s *Service) SplitCase(ctx context.Context, actor *authz.Actor, p *store.Project, key string, sp Split) (*store.Case, error) {
	msg, err := validation.Text("message", sp.Message, false, MaxMessage, true)
	if err != nil {
		return nil, err
	}
	in := cases.Input{Title: &sp.Title, Description: &sp.Description}
	created, err := s.Cases.CreateWith(ctx, actor, p, in, "case.split", map[string]any{"split_from": strings.ToUpper(key)},
		func(tx *store.Tx, n *store.Case) error {
			o, err := tx.CaseByKey(ctx, key, true)
			if errors.Is(err, store.ErrNotFound) || (err == nil && o.ProjectID != p.ID) {
				return &validation.NotFound{What: "case " + key}
			}
			if err != nil {
				return err
			}
			if !slices.Contains(cases.OpenStates, o.State) {
				return validation.Conflictf("%s is %s; only an open case can be split", o.Key, o.State)
			}
			n.Severity, n.Component = o.Severity, o.Component
			if err := tx.UpdateCase(ctx, n); err != nil {
				return err
			}
			if o.State != cases.StateNew {
				moved, err := s.Cases.MoveIn(ctx, tx, actor, n.Key, cases.Transition{To: cases.StateTriage})
				if err != nil {
					return err
				}
				*n = *moved
			}
			now := s.Clock.Now()
			l := &store.CaseLink{CaseID: n.ID, OtherID: o.ID, Kind: store.LinkSplitFrom, CreditKept: true,
				CreatedBy: actor.UserID, CreatedAt: clock.Millis(now)}
			if err := tx.CreateCaseLink(ctx, l); err != nil {
				return err
			}
			after := map[string]any{"kind": "split", "split_out": n.Key, "title": n.Title}
			r, err := tx.ReportByCase(ctx, o.ID, true)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if r != nil {
				if msg == "" {
					msg = SplitText(p, n.Title)
				}
				m, err := s.tell(ctx, tx, actor, &thread{c: o, r: r, p: p}, msg, "your report was split in two", now)
				if err != nil {
					return err
				}
				after["message_id"], after["body"] = m.ID, msg
			}
			return s.Cases.Record(ctx, tx, actor, "case.split", o, "case_link", fmt.Sprint(l.ID), nil, after)
		})
	if err != nil {
		return nil, err
	}
	return created, nil
}

// Credit is one person to thank for a case's finding.
type Credit struct {
	Name       string // "" for a reporter who asked to stay anonymous
	Preference string // CreditByName or CreditAnonymous
	From       string // the key of the case whose report it comes from
	Via        string // "report", "duplicate" or "split"
}

// Credits returns who is credited for case c, first reporter first: its
// own report's reporter, the reporter of the case it was split from, and
// the reporters of its duplicates whose credit was kept. Reporters who
// declined credit are left out.
func (s *Service) Credits(ctx context.Context, c *store.Case) ([]Credit, error) {
	var out []Credit
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		add := func(caseID int64, key, via string) error {
			r, err := tx.ReportByCase(ctx, caseID, false)
			if errors.Is(err, store.ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			switch r.CreditPreference {
			case CreditByName:
				out = append(out, Credit{Name: r.CreditName, Preference: CreditByName, From: key, Via: via})
			case CreditAnonymous:
				out = append(out, Credit{Preference: CreditAnonymous, From: key, Via: via})
			}
			return nil
		}
		if err := add(c.ID, c.Key, "report"); err != nil {
			return err
		}
		links, err := tx.CaseLinks(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, l := range links {
			var via string
			switch {
			case l.Link.Kind == store.LinkSplitFrom && l.Outgoing:
				via = "split"
			case l.Link.Kind == store.LinkDuplicateOf && !l.Outgoing && l.Link.CreditKept:
				via = "duplicate"
			default:
				continue
			}
			if err := add(l.Case.ID, l.Case.Key, via); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}
