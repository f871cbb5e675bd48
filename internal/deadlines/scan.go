// SPDX-License-Identifier: AGPL-3.0-or-later

package deadlines

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"embargo/internal/audit"
	"embargo/internal/clock"
	"embargo/internal/mail"
	"embargo/internal/projects"
	"embargo/internal/store"
)

// scanBatch is how many deadlines one scan transaction handles.
const scanBatch = 200

// backfillBatch is how many older cases one scan derives deadlines for.
const backfillBatch = 500

// Scanner is the scheduler's deadline task: it reminds a case's
// coordinator and assignees before a deadline and raises an alarm to them
// when it is missed, each once, with an audit event on the case.
type Scanner struct {
	Store   *store.Store
	Clock   clock.Clock
	BaseURL string
	Log     *slog.Logger
}

// ScanResult counts what one scan did.
type ScanResult struct {
	Reminders, Alarms, Backfilled int
}

// Scan derives the deadlines of cases that have none yet (from before
// deadlines existed), then sends every reminder and alarm that is due at
// the clock's time. Each batch commits its mail, audit events and the
// deadlines' new state together, so a crash repeats nothing that
// committed; on PostgreSQL replicas scanning at once take disjoint rows.
func (s *Scanner) Scan(ctx context.Context) (ScanResult, error) {
	var res ScanResult
	n, err := s.backfill(ctx)
	res.Backfilled = n
	if err != nil {
		return res, err
	}
	for {
		var got int
		err := s.Store.Write(ctx, func(tx *store.Tx) error {
			now := s.Clock.Now()
			due, err := tx.DeadlinesToCheck(ctx, clock.Millis(now), scanBatch)
			if err != nil {
				return err
			}
			got = len(due)
			cache := map[int64]*store.Project{}
			for _, d := range due {
				reminded, alarmed, err := s.check(ctx, tx, cache, d, now)
				if err != nil {
					return err
				}
				res.Reminders += reminded
				res.Alarms += alarmed
			}
			return nil
		})
		if err != nil {
			return res, fmt.Errorf("deadlines: scan: %w", err)
		}
		if got < scanBatch {
			return res, nil
		}
	}
}

// Task is Scan as a periodic task for internal/jobs.
func (s *Scanner) Task(ctx context.Context) error {
	res, err := s.Scan(ctx)
	if res.Reminders+res.Alarms+res.Backfilled > 0 && s.Log != nil {
		s.Log.Info("deadline scan", "reminders", res.Reminders, "alarms", res.Alarms, "backfilled", res.Backfilled)
	}
	return err
}

func (s *Scanner) backfill(ctx context.Context) (int, error) {
	var n int
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		ids, err := tx.UnsyncedCases(ctx, backfillBatch)
		if err != nil {
			return err
		}
		cache := map[int64]*store.Project{}
		now := clock.Millis(s.Clock.Now())
		for _, id := range ids {
			c, err := tx.CaseByID(ctx, id, true)
			if err != nil {
				return err
			}
			p, err := project(ctx, tx, cache, c.ProjectID)
			if err != nil {
				return err
			}
			if err := Sync(ctx, tx, p, c, now); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("deadlines: backfill: %w", err)
	}
	return n, nil
}

func project(ctx context.Context, tx *store.Tx, cache map[int64]*store.Project, id int64) (*store.Project, error) {
	if p := cache[id]; p != nil {
		return p, nil
	}
	p, err := tx.ProjectByID(ctx, id)
	if err != nil {
		return nil, err
	}
	cache[id] = p
	return p, nil
}

// check sends what deadline d owes at now, if anything, and stores its
// new state. A deadline already missed gets only the alarm.
func (s *Scanner) check(ctx context.Context, tx *store.Tx, cache map[int64]*store.Project, d *store.Deadline, now time.Time) (reminded, alarmed int, err error) {
	at := clock.Millis(now)
	action := ""
	switch {
	case !d.Open():
	case d.AlarmedAt == 0 && at > d.DueAt:
		action = "deadline.alarm"
		d.AlarmedAt = at
		if d.RemindedAt == 0 {
			d.RemindedAt = at
		}
		alarmed = 1
	case d.RemindedAt == 0 && at >= d.RemindAt:
		d.RemindedAt = at
		// A policy of no reminder puts the reminder at the deadline itself:
		// only the alarm is sent.
		if d.RemindAt < d.DueAt {
			action = "deadline.reminder"
			reminded = 1
		}
	}
	d.NextCheckAt = nextCheck(d)
	if action == "" && d.NextCheckAt != 0 && d.NextCheckAt <= at {
		// Due at this very millisecond: the alarm is owed only once the
		// deadline has passed.
		d.NextCheckAt = d.DueAt + 1
	}
	if action != "" {
		c, err := tx.CaseByID(ctx, d.CaseID, false)
		if err != nil {
			return 0, 0, err
		}
		p, err := project(ctx, tx, cache, c.ProjectID)
		if err != nil {
			return 0, 0, err
		}
		if err := s.notify(ctx, tx, p, c, d, action, now); err != nil {
			return 0, 0, err
		}
	}
	return reminded, alarmed, tx.PutDeadline(ctx, d)
}

// Recipients returns the addresses a case's reminders go to: its
// coordinator and assignees, or every responder and admin of the project
// when nobody is assigned, so that an unowned case does not slip silently.
// Disabled accounts and viewers are left out.
func Recipients(ctx context.Context, tx *store.Tx, c *store.Case) ([]string, error) {
	members, err := tx.ListMembers(ctx, c.ProjectID)
	if err != nil {
		return nil, err
	}
	assignees, err := tx.Assignees(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	owners := slices.Clone(assignees)
	if c.CoordinatorID != 0 {
		owners = append(owners, c.CoordinatorID)
	}
	handles := func(m *store.Member) bool {
		return !m.Disabled && (m.Role == "admin" || m.Role == "responder")
	}
	var to []string
	for _, m := range members {
		if handles(m) && slices.Contains(owners, m.UserID) {
			to = append(to, m.Email)
		}
	}
	if len(to) == 0 {
		for _, m := range members {
			if handles(m) {
				to = append(to, m.Email)
			}
		}
	}
	return to, nil
}

// notify queues the reminder or alarm mail and records the event. Like
// every mail to the team, it names only the case key, never its title.
func (s *Scanner) notify(ctx context.Context, tx *store.Tx, p *store.Project, c *store.Case, d *store.Deadline, action string, now time.Time) error {
	set, err := projects.ParseSettings(p.Settings)
	if err != nil {
		set = projects.DefaultSettings()
	}
	st := StatusOf(d, now)
	words := st.Words(set.Location())
	subject := fmt.Sprintf("Reminder: %s for %s is %s", Label(d.Kind), c.Key, "due soon")
	lead := fmt.Sprintf("%s for case %s of %s is %s.", Label(d.Kind), c.Key, p.Name, words)
	if action == "deadline.alarm" {
		subject = fmt.Sprintf("Missed deadline: %s for %s", Label(d.Kind), c.Key)
		lead = fmt.Sprintf("%s for case %s of %s was missed: it is %s.", Label(d.Kind), c.Key, p.Name, words)
		if d.Kind == Embargo {
			// An embargo end must never pass silently: say what is owed.
			subject = fmt.Sprintf("Embargo ended without disclosure or extension: %s", c.Key)
			lead = fmt.Sprintf("The embargo of case %s of %s ended on %s without disclosure or extension. "+
				"Disclose the case, or record an extension of the embargo with the reporter's agreement.",
				c.Key, p.Name, st.DueAt.In(set.Location()).Format("Mon 2 Jan 2006 15:04 MST"))
		}
	}
	body := lead + "\n\nOpen the case at " + s.BaseURL + "/cases/" + c.Key + " (sign-in required).\n\n" +
		"You receive this because you coordinate or are assigned to the case (or, when nobody is, because you " +
		"are on the project's security team).\n"
	to, err := Recipients(ctx, tx, c)
	if err != nil {
		return err
	}
	for _, addr := range to {
		err := mail.Enqueue(ctx, tx, &store.OutboxMessage{ProjectID: p.ID, CaseID: c.ID, To: addr, Subject: subject,
			Body: body, AutoSubmitted: true, CreatedAt: clock.Millis(now)})
		// An address mail cannot take must not stop the other reminders.
		if err != nil && !errors.Is(err, mail.ErrBadAddress) {
			return err
		}
	}
	e, err := audit.NewEvent(clock.Millis(now), 0, "scheduler", action, nil,
		map[string]any{"deadline": d.Kind, "due_at": d.DueAt, "recipients": len(to)})
	if err != nil {
		return err
	}
	e.ProjectID, e.CaseID, e.SubjectType, e.SubjectID = p.ID, c.ID, "case", c.Key
	return tx.AppendEvent(ctx, e)
}
