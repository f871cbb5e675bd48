// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/cases"
	"embargo/internal/router"
)

type bulkRequest struct {
	Keys       []string `json:"keys"`
	Action     string   `json:"action"`      // assign, label or transition
	AssigneeID int64    `json:"assignee_id"` // for assign
	Label      string   `json:"label"`       // for label
	To         string   `json:"to"`          // for transition
	Resolution string   `json:"resolution"`
	Reason     string   `json:"reason"`
}

type bulkResultJSON struct {
	Key   string       `json:"key"`
	OK    bool         `json:"ok"`
	Error *errorDetail `json:"error,omitempty"`
}

// caseBulk answers POST /projects/{slug}/cases/bulk: one action (add an
// assignee, add a label, or move to a state) on up to 100 cases of the
// project, each checked exactly as the single action would be and each
// applied on its own. The answer is 200 with one result per case: done,
// or refused with the error the single action would have given. A key
// naming no case of this project (another project's included) is refused
// as not found.
func (a *api) caseBulk(w http.ResponseWriter, r *router.Request) {
	var req bulkRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	op := cases.BulkOp{Action: req.Action, AssigneeID: req.AssigneeID, Label: req.Label,
		Transition: cases.Transition{To: req.To, Resolution: req.Resolution, Reason: req.Reason}}
	results, err := a.Cases.Bulk(r.Context(), r.Actor, r.Project, req.Keys, op)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]bulkResultJSON, len(results))
	done := 0
	for i, res := range results {
		out[i] = bulkResultJSON{Key: res.Key, OK: res.OK}
		if res.OK {
			done++
		} else {
			out[i].Error = &errorDetail{Code: res.Code, Message: res.Message}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": out, "succeeded": done, "refused": len(out) - done})
}
