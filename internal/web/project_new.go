// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"

	"embargo/internal/projects"
	"embargo/internal/router"
)

// projectNewForm shows the form for a new project.
func (h *web) projectNewForm(w http.ResponseWriter, r *router.Request) {
	h.render(w, r.Request, http.StatusOK, viewProjectNew, newPage(r, "New project"))
}

// projectNewSubmit creates a project; its creator becomes its first admin.
func (h *web) projectNewSubmit(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	name, desc := r.PostForm.Get("name"), r.PostForm.Get("description")
	p, err := h.Projects.Create(r.Context(), r.Actor, r.PostForm.Get("slug"), projects.Input{Name: &name, Description: &desc})
	if err != nil {
		pg := newPage(r, "New project")
		pg.Form = r.PostForm
		h.formError(w, r, viewProjectNew, pg, err, "slug", "name", "description")
		return
	}
	// A plain redirect: the page it lands on shows the new project, and
	// browser tests wait for exactly this address.
	http.Redirect(w, r.Request, "/projects/"+p.Slug, http.StatusSeeOther)
}
