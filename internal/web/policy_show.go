// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"

	"embargo/internal/policy"
	"embargo/internal/router"
)

// policyCache lets browsers and proxies keep the public policy page for a
// few minutes; an edit shows up soon after.
const policyCache = "public, max-age=300"

// policyShow answers GET /p/{slug}/security: the project's security policy
// for anyone, signed in or not. An archived project takes no reports, so
// its policy is gone too.
func (h *web) policyShow(w http.ResponseWriter, r *router.Request) {
	if r.Project.ArchivedAt != 0 {
		h.errorPage(w, r.Request, r.Actor, http.StatusNotFound, "Not found",
			"This project is archived and no longer takes security reports.")
		return
	}
	proj, err := policy.Load(r.Context(), r.Project, policy.FromPGP(h.Keys))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := newPage(r, "Security policy · "+r.Project.Name)
	p.Data = policy.Describe(h.BaseURL, proj)
	w.Header().Set("Vary", "Cookie")
	if !r.Actor.Authenticated() {
		// The layout names a signed-in visitor, so only the anonymous
		// rendering may be shared.
		p.Cache = policyCache
	}
	h.render(w, r.Request, http.StatusOK, viewPolicyShow, p)
}
