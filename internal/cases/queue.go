// SPDX-License-Identifier: AGPL-3.0-or-later

package cases

import (
	"context"
	"slices"
	"strings"
	"time"

	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// dueSoonWindow is what "due this week" means: the next seven days.
const dueSoonWindow = 7 * 24 * time.Hour

// QueueLabel names a queue view for people.
func QueueLabel(view string) string {
	switch view {
	case store.QueueNeedsAck:
		return "Needs acknowledgement"
	case store.QueueOverdue:
		return "Overdue"
	case store.QueueDueThisWeek:
		return "Due this week"
	case store.QueueWaitingOnUser:
		return "Waiting on reporter"
	case store.QueueVerification:
		return "Awaiting verification"
	case store.QueueMine:
		return "Mine"
	case store.QueueUnassigned:
		return "Unassigned"
	}
	return view
}

// Queue is the team's home: how many cases each view holds across the
// projects the actor works on, and one page of one view.
type Queue struct {
	View     string
	Counts   map[string]int
	Cases    []*store.Case
	More     bool
	Projects []*store.Project // those the queue covers
}

// Queue returns actor's queue over those of projects whose cases the
// policy lets the actor read. An empty view picks the first view that
// holds cases; an unknown one is a *validation.Error.
func (s *Service) Queue(ctx context.Context, actor *authz.Actor, projects []*store.Project, view string, limit, offset int) (*Queue, error) {
	view = strings.TrimSpace(view)
	if view != "" && !slices.Contains(store.QueueViews, view) {
		return nil, validation.Errorf("view", "unknown view %q; views are %s", view, strings.Join(store.QueueViews, ", "))
	}
	q := &Queue{}
	now := s.Clock.Now()
	sc := store.QueueScope{UserID: actor.UserID, Now: clock.Millis(now), WeekEnd: clock.Millis(now.Add(dueSoonWindow)),
		OpenStates: OpenStates}
	for _, p := range projects {
		res := authz.Resource{Kind: authz.KindProject, ProjectID: p.ID, RequireMFA: p.RequireMFA, Archived: p.ArchivedAt != 0}
		if authz.Can(actor, authz.ActionCaseList, res) == nil {
			q.Projects = append(q.Projects, p)
			sc.ProjectIDs = append(sc.ProjectIDs, p.ID)
		}
	}
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		if q.Counts, err = tx.QueueCounts(ctx, sc); err != nil {
			return err
		}
		if view == "" {
			view = store.QueueNeedsAck
			for _, v := range store.QueueViews {
				if q.Counts[v] > 0 {
					view = v
					break
				}
			}
		}
		q.View = view
		q.Cases, q.More, err = tx.QueueCases(ctx, view, sc, limit, offset)
		return err
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}
