// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"errors"
	"net/http"
	"strings"

	"embargo/internal/cases"
	"embargo/internal/cvss"
	"embargo/internal/router"
)

// caseUpdateFields are what PATCH /cases/{key} can change: the content
// fields of caseFields, plus the CVSS vector ("" clears the score) and the
// list of CWE IDs ([] clears it), and the embargo end.
type caseUpdateFields struct {
	Title       *string   `json:"title"`
	Description *string   `json:"description"`
	Severity    *string   `json:"severity"`
	Component   *string   `json:"component"`
	CVSSVector  *string   `json:"cvss_vector"`
	CWEIDs      *[]string `json:"cwe_ids"`
	// EmbargoUntil sets the embargo end (RFC 3339); EmbargoOverride lets
	// a project admin go beyond the policy's maximum.
	EmbargoUntil    *string `json:"embargo_until"`
	EmbargoOverride *string `json:"embargo_override_reason"`
}

func (f caseUpdateFields) edit() cases.Edit {
	return cases.Edit{Input: cases.Input{Title: f.Title, Description: f.Description, Severity: f.Severity, Component: f.Component},
		CVSSVector: f.CVSSVector, CWEIDs: f.CWEIDs}
}

// caseUpdate answers PATCH /cases/{key}: fields left out stay as they are,
// and all given fields change together or none does. A CVSS vector that is
// not valid is a 400 naming the metric at fault; an unknown CWE is a 422
// naming the ID. An embargo end in the past, or beyond the policy's
// maximum without a project admin's embargo_override_reason, is a 422
// naming the maximum. State changes go through POST …/transitions instead.
func (a *api) caseUpdate(w http.ResponseWriter, r *router.Request) {
	var req caseUpdateFields
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	if req.CVSSVector != nil && strings.TrimSpace(*req.CVSSVector) != "" {
		if _, err := cvss.Parse(*req.CVSSVector); err != nil {
			var e *cvss.Error
			if errors.As(err, &e) {
				err = &badRequest{status: http.StatusBadRequest, code: "invalid_cvss", field: "cvss_vector",
					message: "cvss_vector: " + e.Message}
			}
			a.fail(w, r, err)
			return
		}
	}
	edit := req.edit()
	switch {
	case req.EmbargoUntil != nil:
		until, err := parseEmbargoUntil("embargo_until", *req.EmbargoUntil)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		edit.Embargo = &cases.EmbargoEnd{Until: until}
		if req.EmbargoOverride != nil {
			edit.Embargo.OverrideReason = *req.EmbargoOverride
		}
	case req.EmbargoOverride != nil:
		a.fail(w, r, &badRequest{status: http.StatusUnprocessableEntity, code: "invalid", field: "embargo_override_reason",
			message: "embargo_override_reason: goes with embargo_until, the end it allows"})
		return
	}
	c, err := a.Cases.Edit(r.Context(), r.Actor, r.Case.Key, edit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.caseOne(r, c)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
