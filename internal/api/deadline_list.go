// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/clock"
	"embargo/internal/router"
)

// deadlineJSON is one promise a case is under.
type deadlineJSON struct {
	Kind  string    `json:"kind"`
	Label string    `json:"label"`
	DueAt timestamp `json:"due_at"`
	// State is met, met-late, open, due-soon, overdue or cancelled.
	State string    `json:"state"`
	MetAt timestamp `json:"met_at"`
}

// deadlineList answers GET /cases/{key}/deadlines, in due order.
func (a *api) deadlineList(w http.ResponseWriter, r *router.Request) {
	list, err := a.Cases.Deadlines(r.Context(), r.Case)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]deadlineJSON, 0, len(list))
	for _, d := range list {
		one := deadlineJSON{Kind: d.Kind, Label: d.Label, DueAt: timestamp(clock.Millis(d.DueAt)), State: d.State}
		if !d.MetAt.IsZero() {
			one.MetAt = timestamp(clock.Millis(d.MetAt))
		}
		out = append(out, one)
	}
	writeJSON(w, http.StatusOK, map[string]any{"deadlines": out})
}
