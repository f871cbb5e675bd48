// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"
	"strconv"

	"embargo/internal/cwe"
	"embargo/internal/router"
	"embargo/internal/validation"
)

type cweJSON struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
}

type cweListJSON struct {
	Version string    `json:"version"`
	CWEs    []cweJSON `json:"cwes"`
}

// cweSearch answers GET /cwe?q=…&limit=…: entries of the embedded CWE
// catalogue matching q (see cwe.Search).
func (a *api) cweSearch(w http.ResponseWriter, r *router.Request) {
	q, err := validation.Text("q", r.URL.Query().Get("q"), true, 200, false)
	if err != nil {
		a.fail(w, r, invalidParam("q", "%s", err.(*validation.Error).Message))
		return
	}
	limit := 20
	if v := r.URL.Query().Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 100 {
			a.fail(w, r, invalidParam("limit", "must be an integer from 1 to 100"))
			return
		}
	}
	out := cweListJSON{Version: cwe.Version(), CWEs: []cweJSON{}}
	for _, e := range cwe.Search(q, limit) {
		out.CWEs = append(out.CWEs, cweJSON{ID: e.Key(), Name: e.Name, Kind: e.Kind, Status: e.Status})
	}
	writeJSON(w, http.StatusOK, out)
}
