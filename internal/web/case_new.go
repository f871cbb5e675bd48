// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"

	"embargo/internal/cases"
	"embargo/internal/router"
)

// caseFormData is what the case forms offer.
type caseFormData struct {
	Severities []string
}

// caseNewPage starts the new-case form inside its project.
func caseNewPage(r *router.Request) *page {
	p := projectPage(r, "New case · "+r.Project.Name, "Cases")
	p.Data = caseFormData{Severities: cases.Severities}
	return p
}

// caseNewForm shows the form for a new case.
func (h *web) caseNewForm(w http.ResponseWriter, r *router.Request) {
	p := caseNewPage(r)
	p.Form.Set("severity", "unknown")
	h.render(w, r.Request, http.StatusOK, viewCaseNew, p)
}

// caseNewSubmit opens a case and shows it.
func (h *web) caseNewSubmit(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	in := caseInput(r)
	c, err := h.Cases.Create(r.Context(), r.Actor, r.Project, in)
	if err != nil {
		p := caseNewPage(r)
		p.Form = r.PostForm
		h.formError(w, r, viewCaseNew, p, err, "title", "description", "severity", "component")
		return
	}
	// A plain redirect: the case page is the confirmation, and browser
	// tests wait for exactly this address.
	http.Redirect(w, r.Request, "/cases/"+c.Key, http.StatusSeeOther)
}

// caseInput reads the case fields of a posted form.
func caseInput(r *router.Request) cases.Input {
	f := r.PostForm
	title, desc, sev, comp := f.Get("title"), f.Get("description"), f.Get("severity"), f.Get("component")
	return cases.Input{Title: &title, Description: &desc, Severity: &sev, Component: &comp}
}
