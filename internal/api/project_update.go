// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"

	"embargo/internal/projects"
	"embargo/internal/router"
	"embargo/internal/validation"
)

type projectUpdateRequest struct {
	Name        *string         `json:"name"`
	Description *string         `json:"description"`
	RequireMFA  *bool           `json:"require_mfa"`
	Settings    json.RawMessage `json:"settings"`
}

// projectUpdate answers PATCH /projects/{slug}: fields left out stay as
// they are, and "settings" is merged key by key over the current settings.
func (a *api) projectUpdate(w http.ResponseWriter, r *router.Request) {
	var req projectUpdateRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	in := projects.Input{Name: req.Name, Description: req.Description, RequireMFA: req.RequireMFA}
	current, err := projects.ParseSettings(r.Project.Settings)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if in.Settings, err = mergeSettings(current, req.Settings); err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.Projects.Update(r.Context(), r.Actor, r.Project.Slug, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := projectFull(p, r.Actor)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// mergeSettings decodes raw (a JSON object, or absent/null for no change)
// over base and validates the result. It returns nil when raw is absent.
// Problems name the field inside settings, e.g. "settings.time_zone".
func mergeSettings(base projects.Settings, raw json.RawMessage) (*projects.Settings, error) {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	if err := decodeValue(raw, &base, "settings"); err != nil {
		return nil, err
	}
	if err := base.Validate(); err != nil {
		var v *validation.Error
		if errors.As(err, &v) {
			return nil, &validation.Error{Field: joinPath("settings", v.Field), Message: v.Message}
		}
		return nil, err
	}
	return &base, nil
}
