// SPDX-License-Identifier: AGPL-3.0-or-later

package cases

import (
	"context"

	"embargo/internal/clock"
	"embargo/internal/deadlines"
	"embargo/internal/store"
)

// ReachMilestones records the milestones a move from → to reaches at now.
// The first time counts for the team's response times; ClosedAt follows
// the case, so that reopening puts its open promises back on the clock.
func ReachMilestones(c *store.Case, from, to string, now int64) {
	first := func(v *int64) {
		if *v == 0 {
			*v = now
		}
	}
	if from == StateNew {
		first(&c.AcknowledgedAt)
	}
	switch to {
	case StateAccepted, StateRejected:
		first(&c.AssessedAt)
	case StateFixReady:
		first(&c.FixedAt)
	case StateDisclosed:
		first(&c.FixedAt)
		first(&c.DisclosedAt)
	}
	switch to {
	case StateRejected, StateClosed:
		if to == StateClosed && c.DisclosedAt != 0 {
			// A disclosed case that closes has kept its promises.
			break
		}
		c.ClosedAt = now
	default:
		c.ClosedAt = 0
	}
}

// syncDeadlines re-derives case c's deadlines inside tx after a change.
func (s *Service) syncDeadlines(ctx context.Context, tx *store.Tx, c *store.Case) error {
	p, err := tx.ProjectByID(ctx, c.ProjectID)
	if err != nil {
		return err
	}
	return deadlines.Sync(ctx, tx, p, c, clock.Millis(s.Clock.Now()))
}

// Deadlines returns case c's deadlines as people see them, in due order.
func (s *Service) Deadlines(ctx context.Context, c *store.Case) ([]deadlines.Status, error) {
	var list []*store.Deadline
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		list, err = tx.CaseDeadlines(ctx, c.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	out := make([]deadlines.Status, len(list))
	for i, d := range list {
		out[i] = deadlines.StatusOf(d, now)
	}
	return out, nil
}
