// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
)

type labelRequest struct {
	Label string `json:"label"`
}

// caseLabelAdd answers POST /cases/{key}/labels: it puts a label on the
// case (a no-op if it has it) and returns the case's labels.
func (a *api) caseLabelAdd(w http.ResponseWriter, r *router.Request) {
	var req labelRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	labels, err := a.Cases.AddLabel(r.Context(), r.Actor, r.Case.Key, req.Label)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"labels": labels})
}

// caseLabelRemove answers DELETE /cases/{key}/labels/{label}: it takes
// the label off the case (a no-op if it lacks it) and returns the case's
// labels.
func (a *api) caseLabelRemove(w http.ResponseWriter, r *router.Request) {
	labels, err := a.Cases.RemoveLabel(r.Context(), r.Actor, r.Case.Key, r.PathValue("label"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"labels": labels})
}

// labelList answers GET /projects/{slug}/labels: the labels the
// project's cases carry, by name.
func (a *api) labelList(w http.ResponseWriter, r *router.Request) {
	labels, err := a.Cases.ProjectLabels(r.Context(), r.Project.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"labels": labels})
}
