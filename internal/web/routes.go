// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"

	"embargo/internal/authz"
	"embargo/internal/router"
)

// routes registers every page with the action it requires.
func (h *web) routes(rt *router.Router) {
	rt.Handle("GET", "/{$}", authz.ActionProjectList, h.home)
}

func (h *web) home(w http.ResponseWriter, r *router.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("Embargo\n"))
}
