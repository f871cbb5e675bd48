// SPDX-License-Identifier: AGPL-3.0-or-later

package intake

import (
	"context"
	"errors"
	"strconv"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// Thread is a report with everything around it: what the reporter portal
// and the case page's reporter section show.
type Thread struct {
	Case        *store.Case
	Report      *store.Report
	Messages    []*store.ReportMessage
	Attachments []*store.ReportAttachment
	// AcknowledgeBy is when the project promised to acknowledge the
	// report (UTC milliseconds).
	AcknowledgeBy int64
	// Promises are the policy's timelines for this report; the first
	// assessment counts from the acknowledgement once there is one.
	Promises *Promises
}

// MessageFiles returns the attachments sent with message id (0: with the
// report itself).
func (t *Thread) MessageFiles(id int64) []*store.ReportAttachment {
	var out []*store.ReportAttachment
	for _, a := range t.Attachments {
		if a.MessageID == id {
			out = append(out, a)
		}
	}
	return out
}

// StateText says in plain words, for the reporter, where a case stands.
func StateText(state string) string {
	switch state {
	case cases.StateNew:
		return "Received: the team has not looked at it yet."
	case cases.StateAcknowledged:
		return "Acknowledged: the team has seen your report."
	case cases.StateTriage:
		return "Being assessed: the team is checking the report."
	case cases.StateNeedsInfo:
		return "Waiting for your answer: the team asked you a question below."
	case cases.StateAccepted:
		return "Accepted: the team confirmed a vulnerability."
	case cases.StateRejected:
		return "Closed without a fix: the team did not accept the report."
	case cases.StateFixing:
		return "A fix is being prepared."
	case cases.StateFixReady:
		return "A fix is ready and waiting for disclosure."
	case cases.StateDisclosed:
		return "Disclosed: the fix and advisory are public."
	case cases.StateClosed:
		return "Closed."
	}
	return "In progress."
}

// noThread is returned for a case that did not come from a report.
func noThread(c *store.Case) error {
	return &validation.NotFound{What: "reporter thread of " + c.Key}
}

// Thread loads the report of case c with its messages and attachment
// list. A case without a report is a *validation.NotFound.
func (s *Service) Thread(ctx context.Context, p *store.Project, c *store.Case) (*Thread, error) {
	t := &Thread{Case: c}
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		if t.Report, err = tx.ReportByCase(ctx, c.ID, false); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return noThread(c)
			}
			return err
		}
		if t.Messages, err = tx.ListReportMessages(ctx, c.ID); err != nil {
			return err
		}
		t.Attachments, err = tx.ListReportAttachments(ctx, c.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	t.Promises = PromisesFor(p, t.Report, s.Clock.Now())
	t.AcknowledgeBy = clock.Millis(t.Promises.AcknowledgeDue)
	return t, nil
}

// HasThread reports whether case c came from a report.
func (s *Service) HasThread(ctx context.Context, c *store.Case) (bool, error) {
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		_, err := tx.ReportByCase(ctx, c.ID, false)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Reply adds a message to case c's reporter thread, from the reporter
// (actor.ReporterCaseID set) or from a team member, with optional files,
// and records it in the audit log, all in one transaction.
func (s *Service) Reply(ctx context.Context, actor *authz.Actor, c *store.Case, body string, files []File) (*store.ReportMessage, error) {
	body, err := validation.Text("body", body, true, MaxMessage, true)
	if err != nil {
		return nil, err
	}
	checked, err := checkFiles(files)
	if err != nil {
		return nil, err
	}
	fromReporter := actor.ReporterCaseID != 0
	if fromReporter && actor.ReporterCaseID != c.ID {
		return nil, authz.ErrForbidden
	}
	now := clock.Millis(s.Clock.Now())
	m := &store.ReportMessage{CaseID: c.ID, FromReporter: fromReporter, Body: body, CreatedAt: now}
	if !fromReporter {
		m.AuthorID, m.AuthorName = actor.UserID, actor.Name
		if m.AuthorName == "" {
			m.AuthorName = actor.Email
		}
	}
	err = s.Store.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.ReportByCase(ctx, c.ID, true); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return noThread(c)
			}
			return err
		}
		if err := tx.CreateReportMessage(ctx, m); err != nil {
			return err
		}
		if err := storeFiles(ctx, tx, c.ID, m.ID, checked, now); err != nil {
			return err
		}
		from := "team"
		if fromReporter {
			from = "reporter"
		}
		if err := s.Cases.Record(ctx, tx, actor, "report.message", c, "report_message", strconv.FormatInt(m.ID, 10), nil,
			map[string]any{"from": from, "body": body, "attachments": len(checked)}); err != nil {
			return err
		}
		if !fromReporter {
			return nil
		}
		cur, err := tx.CaseByKey(ctx, c.Key, true)
		if err != nil {
			return err
		}
		_, err = s.resumeOnAnswer(ctx, tx, cur)
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// ReissueLink revokes case c's reporter link and issues a new one, which
// it returns (shown once; only its hash is stored).
func (s *Service) ReissueLink(ctx context.Context, actor *authz.Actor, c *store.Case) (string, error) {
	token, err := authz.NewSecret(authz.ReporterLinkPrefix)
	if err != nil {
		return "", err
	}
	if err := s.setLink(ctx, actor, c, authz.HashSecret(token), "report.link_reissue"); err != nil {
		return "", err
	}
	return token, nil
}

// RevokeLink revokes case c's reporter link: the portal answers 404 for
// it at once.
func (s *Service) RevokeLink(ctx context.Context, actor *authz.Actor, c *store.Case) error {
	return s.setLink(ctx, actor, c, "", "report.link_revoke")
}

func (s *Service) setLink(ctx context.Context, actor *authz.Actor, c *store.Case, hash, action string) error {
	return s.Store.Write(ctx, func(tx *store.Tx) error {
		r, err := tx.ReportByCase(ctx, c.ID, true)
		if errors.Is(err, store.ErrNotFound) {
			return noThread(c)
		}
		if err != nil {
			return err
		}
		if err := tx.SetReporterLink(ctx, c.ID, hash, clock.Millis(s.Clock.Now())); err != nil {
			return err
		}
		// The audit log says that the link changed, never what it is.
		return s.Cases.Record(ctx, tx, actor, action, c, "report", r.Reference,
			map[string]any{"link_live": r.LinkHash != ""}, map[string]any{"link_live": hash != ""})
	})
}

// SetCredit changes how the reporter of case c wants to be credited.
func (s *Service) SetCredit(ctx context.Context, actor *authz.Actor, c *store.Case, name, preference string) error {
	name, err := text("credit_name", name, MaxCreditName, false)
	if err != nil {
		return err
	}
	pref, err := creditPreference(preference, name)
	if err != nil {
		return err
	}
	return s.Store.Write(ctx, func(tx *store.Tx) error {
		r, err := tx.ReportByCase(ctx, c.ID, true)
		if errors.Is(err, store.ErrNotFound) {
			return noThread(c)
		}
		if err != nil {
			return err
		}
		if r.CreditName == name && r.CreditPreference == pref {
			return nil
		}
		if err := tx.SetReportCredit(ctx, c.ID, name, pref); err != nil {
			return err
		}
		return s.Cases.Record(ctx, tx, actor, "report.credit", c, "report", r.Reference,
			map[string]any{"credit_name": r.CreditName, "credit_preference": r.CreditPreference},
			map[string]any{"credit_name": name, "credit_preference": pref})
	})
}

// Attachment returns attachment id of case c with its bytes, or a
// *validation.NotFound (also for another case's attachment).
func (s *Service) Attachment(ctx context.Context, c *store.Case, id int64) (*store.ReportAttachment, error) {
	var a *store.ReportAttachment
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		a, err = tx.ReportAttachmentData(ctx, c.ID, id)
		if errors.Is(err, store.ErrNotFound) {
			return &validation.NotFound{What: "attachment"}
		}
		return err
	})
	return a, err
}
