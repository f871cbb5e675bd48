// SPDX-License-Identifier: AGPL-3.0-or-later

package cases

import (
	"context"
	"fmt"

	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/deadlines"
	"embargo/internal/store"
)

// CreateWith opens a new case in project p like Create and, in the same
// transaction, calls also with the stored case after recording its
// creation, so that whatever also
// writes (a report's details, its attachments) commits or rolls back
// together with the case and its audit event. The event records action
// (e.g. "case.create" or "report.create") with extra merged into the
// case's snapshot.
func (s *Service) CreateWith(ctx context.Context, actor *authz.Actor, p *store.Project, in Input, action string,
	extra map[string]any, also func(tx *store.Tx, c *store.Case) error) (*store.Case, error) {
	now := clock.Millis(s.Clock.Now())
	c := &store.Case{ProjectID: p.ID, ProjectSlug: p.Slug, State: StateNew, Severity: "unknown",
		CreatedBy: actor.UserID, CreatedAt: now, UpdatedAt: now}
	if in.Title == nil {
		in.Title = new(string)
	}
	if err := in.validate(c); err != nil {
		return nil, err
	}
	// A new case has no CVSS score, triage record or override yet.
	c.Priority = PriorityOf(c, "", "", "").Value
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		n, err := tx.NextCaseNumber(ctx, p.ID)
		if err != nil {
			return err
		}
		c.Number, c.Key = n, Key(p.Slug, n)
		if err := tx.CreateCase(ctx, c); err != nil {
			return err
		}
		after := snapshot(c)
		for k, v := range extra {
			after[k] = v
		}
		// The creation is recorded first, so that whatever also records
		// (an automatic acknowledgement) follows it in the history.
		if err := s.record(ctx, tx, actor, action, c, "", "", nil, after); err != nil {
			return err
		}
		if also != nil {
			if err := also(tx, c); err != nil {
				return err
			}
		}
		return deadlines.Sync(ctx, tx, p, c, clock.Millis(s.Clock.Now()))
	})
	if err != nil {
		return nil, fmt.Errorf("cases: create: %w", err)
	}
	return c, nil
}

// Record appends an audit event about case c inside tx, for domain
// packages that change what hangs off a case (the reporter thread, the
// reporter link) in their own transactions.
func (s *Service) Record(ctx context.Context, tx *store.Tx, actor *authz.Actor, action string, c *store.Case,
	subjectType, subjectID string, before, after any) error {
	return s.record(ctx, tx, actor, action, c, subjectType, subjectID, before, after)
}
