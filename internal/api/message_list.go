// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
	"embargo/internal/store"
)

// messageJSON is one message of the reporter thread.
type messageJSON struct {
	ID           int64      `json:"id"`
	CaseKey      string     `json:"case_key"`
	FromReporter bool       `json:"from_reporter"`
	AuthorID     optionalID `json:"author_id"`
	AuthorName   *string    `json:"author_name"`
	Body         string     `json:"body"`
	CreatedAt    timestamp  `json:"created_at"`
}

func messageOut(m *store.ReportMessage, caseKey string) messageJSON {
	return messageJSON{ID: m.ID, CaseKey: caseKey, FromReporter: m.FromReporter, AuthorID: optionalID(m.AuthorID),
		AuthorName: optionalString(m.AuthorName), Body: m.Body, CreatedAt: timestamp(m.CreatedAt)}
}

// messageList answers GET /cases/{key}/messages: the thread with the
// reporter, oldest first. A case that did not come from a report has none
// (404).
func (a *api) messageList(w http.ResponseWriter, r *router.Request) {
	t, err := a.Intake.Thread(r.Context(), r.Project, r.Case)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]messageJSON, 0, len(t.Messages))
	for _, m := range t.Messages {
		out = append(out, messageOut(m, r.Case.Key))
	}
	writeJSON(w, http.StatusOK, map[string]any{"reference": t.Report.Reference, "messages": out})
}

// messageCreate answers POST /cases/{key}/messages: a team member writes
// to the reporter.
func (a *api) messageCreate(w http.ResponseWriter, r *router.Request) {
	var req struct {
		Body string `json:"body"`
	}
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	m, err := a.Intake.Reply(r.Context(), r.Actor, r.Case, req.Body, nil)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	created(w, "", messageOut(m, r.Case.Key))
}
