// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/cases"
	"embargo/internal/router"
)

// caseFields are a case's editable content, for creating and patching.
type caseFields struct {
	Title       *string `json:"title"`
	Description *string `json:"description"`
	Severity    *string `json:"severity"`
	Component   *string `json:"component"`
}

func (f caseFields) input() cases.Input {
	return cases.Input{Title: f.Title, Description: f.Description, Severity: f.Severity, Component: f.Component}
}

// caseCreate answers POST /projects/{slug}/cases: a new case in state
// "new" with the project's next key (ACME-1, ACME-2, …).
func (a *api) caseCreate(w http.ResponseWriter, r *router.Request) {
	var req caseFields
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.Cases.Create(r.Context(), r.Actor, r.Project, req.input())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := caseOut(c, nil)
	// A new case has no score, triage record or override yet.
	p := cases.PriorityOf(c, "", "", "")
	out.Priority, out.PrioritySource = p.Value, p.Source
	e, err := a.Cases.EmbargoOf(r.Context(), c)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out.Embargo = embargoOut(e, a.Cases.Clock.Now())
	created(w, "/cases/"+c.Key, out)
}
