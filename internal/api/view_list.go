// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
	"embargo/internal/store"
)

type viewJSON struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Query     string    `json:"query"` // case-list query string: state=open&label=tls
	CreatedAt timestamp `json:"created_at"`
}

func viewOut(v *store.SavedView) viewJSON {
	return viewJSON{ID: v.ID, Name: v.Name, Query: v.Query, CreatedAt: timestamp(v.CreatedAt)}
}

// viewList answers GET /projects/{slug}/views: the caller's own saved
// views of the project's case list, by name.
func (a *api) viewList(w http.ResponseWriter, r *router.Request) {
	views, err := a.Cases.Views(r.Context(), r.Actor, r.Project)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]viewJSON, len(views))
	for i, v := range views {
		out[i] = viewOut(v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"views": out})
}

type viewRequest struct {
	Name  string `json:"name"`
	Query string `json:"query"`
}

// viewSave answers POST /projects/{slug}/views: it saves the filters of
// a case-list query string under a name for the caller, replacing the
// filters of their view of that name if any. Parameters that are not
// filters (limit, offset) are dropped.
func (a *api) viewSave(w http.ResponseWriter, r *router.Request) {
	var req viewRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Cases.SaveView(r.Context(), r.Actor, r.Project, req.Name, req.Query)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, viewOut(v))
}

// viewDelete answers DELETE /projects/{slug}/views/{id}: one of the
// caller's own views goes. Someone else's view is 404, as if absent.
func (a *api) viewDelete(w http.ResponseWriter, r *router.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Cases.DeleteView(r.Context(), r.Actor, r.Project, id); err != nil {
		a.fail(w, r, err)
		return
	}
	noContent(w)
}
