// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"encoding/json"
	"net/http"

	"embargo/internal/authz"
	"embargo/internal/projects"
	"embargo/internal/router"
)

type projectCreateRequest struct {
	Slug        string          `json:"slug"`
	Name        *string         `json:"name"`
	Description *string         `json:"description"`
	RequireMFA  *bool           `json:"require_mfa"`
	Settings    json.RawMessage `json:"settings"`
}

// projectCreate answers POST /projects: an instance admin creates a
// project and becomes its first admin.
func (a *api) projectCreate(w http.ResponseWriter, r *router.Request) {
	var req projectCreateRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	in := projects.Input{Name: req.Name, Description: req.Description, RequireMFA: req.RequireMFA}
	if settings, err := mergeSettings(projects.DefaultSettings(), req.Settings); err != nil {
		a.fail(w, r, err)
		return
	} else if settings != nil {
		in.Settings = settings
	}
	p, err := a.Projects.Create(r.Context(), r.Actor, req.Slug, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := projectFull(p, r.Actor)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// The creator became the project's admin in the same transaction; the
	// actor was resolved before it, so it does not know yet.
	admin := string(authz.RoleAdmin)
	out.Role = &admin
	created(w, "/projects/"+p.Slug, out)
}
