// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"

	"embargo/internal/router"
)

// participantShow shows an accepted participant what the team shared with
// them, the embargo's countdown and their role: never the case's title,
// description, notes, reporter or threads. The router lets only the
// account that accepted the terms, unrevoked, get here.
func (h *web) participantShow(w http.ResponseWriter, r *router.Request) {
	v, err := h.Cases.ParticipantViewOf(r.Context(), r.Actor, r.Case, h.Cases.Clock.Now())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := newPage(r, r.Case.Key+" — "+v.Project.Name)
	p.Data = v
	h.render(w, r.Request, http.StatusOK, viewParticipant, p)
}
