// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"
	"strings"

	"embargo/internal/router"
)

// search answers GET /search: the cases matching q in every project whose
// cases the caller may read, with the filters and paging of the project
// case list. Cases of other projects are never returned or counted.
func (a *api) search(w http.ResponseWriter, r *router.Request) {
	f, err := caseFilterParams(r)
	if err == nil && strings.TrimSpace(f.Query) == "" {
		err = invalidParam("q", "is required")
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	res, err := a.Cases.SearchEverywhere(r.Context(), r.Actor, f)
	if err != nil {
		a.fail(w, r, queryParamError(err))
		return
	}
	a.searchOut(w, r, f, res)
}
