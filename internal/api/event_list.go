// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"math"
	"net/http"

	"embargo/internal/router"
)

// eventList answers GET /cases/{key}/events: the case's history from the
// audit log, newest first. A page ends where has_more is false; the next
// one is asked for with ?before=next_before.
func (a *api) eventList(w http.ResponseWriter, r *router.Request) {
	q := r.URL.Query()
	err := onlyParams(q, "before", "limit")
	var before, limit int
	if err == nil {
		before, err = intParam(q, "before", 0, 1, math.MaxInt)
	}
	if err == nil {
		limit, err = intParam(q, "limit", defaultPageSize, 1, maxPageSize)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// One more than asked tells whether another page follows.
	es, err := a.Cases.Events(r.Context(), r.Case.ID, int64(before), limit+1)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	more := len(es) > limit
	if more {
		es = es[:limit]
	}
	out := make([]eventJSON, 0, len(es))
	for _, e := range es {
		out = append(out, eventOut(e))
	}
	var next *int64
	if more {
		next = &es[len(es)-1].Seq
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out, "has_more": more, "next_before": next})
}
