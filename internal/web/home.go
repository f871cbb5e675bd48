// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"
	"strconv"
	"time"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/router"
	"embargo/internal/store"
)

// projectCard is one project on the dashboard.
type projectCard struct {
	Project   *store.Project
	Role      authz.Role
	OpenCases int
	// OpenLabel is OpenCases as shown: "999+" past the count cap.
	OpenLabel string
}

// homeData is the dashboard's content.
type homeData struct {
	Projects  []projectCard
	CanCreate bool
	// Queue is the team's queue over the actor's projects; nil for an
	// actor who works on no project's cases.
	Queue *queueView
}

// queueTab is one view of the queue with how many cases it holds.
type queueTab struct {
	View, Label string
	Count       string // "99+" past the count cap
	Active      bool
}

// queueRow is one case in the queue.
type queueRow struct {
	Case    *store.Case
	Project string
}

// queueView is the queue as the home page shows it.
type queueView struct {
	Tabs  []queueTab
	Label string
	Rows  []queueRow
	More  bool
	// Now is the page's time, to mark overdue deadlines.
	Now int64
}

// home is the dashboard: the projects the actor can see, with how many
// cases in each still need work.
func (h *web) home(w http.ResponseWriter, r *router.Request) {
	ps, err := h.Projects.ListFor(r.Context(), r.Actor)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	counts, err := h.Cases.OpenCounts(r.Context(), ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := homeData{CanCreate: can(r, authz.ActionProjectCreate)}
	for _, p := range ps {
		label := strconv.Itoa(counts[p.ID])
		if counts[p.ID] >= cases.OpenCountCap {
			label = strconv.Itoa(cases.OpenCountCap-1) + "+"
		}
		d.Projects = append(d.Projects, projectCard{Project: p, Role: r.Actor.Role(p.ID), OpenCases: counts[p.ID], OpenLabel: label})
	}
	q, err := h.Cases.Queue(r.Context(), r.Actor, ps, r.URL.Query().Get("view"), 50, 0)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(q.Projects) > 0 {
		d.Queue = newQueueView(q, h.Clock.Now())
	}
	pg := newPage(r, "Projects")
	pg.Data = d
	h.render(w, r.Request, http.StatusOK, viewHome, pg)
}

func newQueueView(q *cases.Queue, now time.Time) *queueView {
	v := &queueView{Label: cases.QueueLabel(q.View), More: q.More, Now: clock.Millis(now)}
	for _, view := range store.QueueViews {
		count := strconv.Itoa(q.Counts[view])
		if q.Counts[view] >= store.QueueCountCap {
			count = strconv.Itoa(store.QueueCountCap-1) + "+"
		}
		v.Tabs = append(v.Tabs, queueTab{View: view, Label: cases.QueueLabel(view), Count: count, Active: view == q.View})
	}
	names := map[int64]string{}
	for _, p := range q.Projects {
		names[p.ID] = p.Name
	}
	for _, c := range q.Cases {
		v.Rows = append(v.Rows, queueRow{Case: c, Project: names[c.ProjectID]})
	}
	return v
}
