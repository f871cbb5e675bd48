// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/router"
	"embargo/internal/store"
)

type linkedCaseJSON struct {
	Key     string `json:"key"`
	Project string `json:"project"`
	Title   string `json:"title"`
	State   string `json:"state"`
}

type caseLinkJSON struct {
	ID int64 `json:"id"`
	// Relation reads from the case asked about: "duplicate-of",
	// "has-duplicate", "split-from", "split-into" or "related".
	Relation   string         `json:"relation"`
	Case       linkedCaseJSON `json:"case"`
	CreditKept bool           `json:"credit_kept"`
	CreatedAt  timestamp      `json:"created_at"`
}

// relation names link l as seen from its case.
func relation(l *store.LinkedCase) string {
	switch {
	case l.Link.Kind == store.LinkDuplicateOf && !l.Outgoing:
		return "has-duplicate"
	case l.Link.Kind == store.LinkSplitFrom && !l.Outgoing:
		return "split-into"
	}
	return l.Link.Kind
}

func linkOut(l *store.LinkedCase) caseLinkJSON {
	return caseLinkJSON{ID: l.Link.ID, Relation: relation(l), CreditKept: l.Link.CreditKept, CreatedAt: timestamp(l.Link.CreatedAt),
		Case: linkedCaseJSON{Key: l.Case.Key, Project: l.Case.ProjectSlug, Title: l.Case.Title, State: l.Case.State}}
}

// caseLinkList answers GET /cases/{key}/links with the links to cases
// the caller may see.
func (a *api) caseLinkList(w http.ResponseWriter, r *router.Request) {
	a.writeLinks(w, r, http.StatusOK)
}

// writeLinks answers with status and the links of r's case that the
// caller may see.
func (a *api) writeLinks(w http.ResponseWriter, r *router.Request, status int) {
	links, err := a.Cases.Links(r.Context(), r.Actor, r.Case)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]caseLinkJSON, 0, len(links))
	for _, l := range links {
		out = append(out, linkOut(l))
	}
	writeJSON(w, status, map[string]any{"links": out})
}

type caseLinkRequest struct {
	Case string `json:"case"`
}

// caseLinkCreate answers POST /cases/{key}/links: it links the case to
// another as related (201 with the links).
func (a *api) caseLinkCreate(w http.ResponseWriter, r *router.Request) {
	var req caseLinkRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	if _, err := a.Cases.Link(r.Context(), r.Actor, r.Case.Key, req.Case); err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeLinks(w, r, http.StatusCreated)
}

// caseLinkDelete answers DELETE /cases/{key}/links/{id} with 204.
func (a *api) caseLinkDelete(w http.ResponseWriter, r *router.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Cases.Unlink(r.Context(), r.Actor, r.Case.Key, id); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
