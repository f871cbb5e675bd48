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
// list of CWE IDs ([] clears it).
type caseUpdateFields struct {
	Title       *string   `json:"title"`
	Description *string   `json:"description"`
	Severity    *string   `json:"severity"`
	Component   *string   `json:"component"`
	CVSSVector  *string   `json:"cvss_vector"`
	CWEIDs      *[]string `json:"cwe_ids"`
}

func (f caseUpdateFields) edit() cases.Edit {
	return cases.Edit{Input: cases.Input{Title: f.Title, Description: f.Description, Severity: f.Severity, Component: f.Component},
		CVSSVector: f.CVSSVector, CWEIDs: f.CWEIDs}
}

// caseUpdate answers PATCH /cases/{key}: fields left out stay as they are,
// and all given fields change together or none does. A CVSS vector that is
// not valid is a 400 naming the metric at fault; an unknown CWE is a 422
// naming the ID. State changes go through POST …/transitions instead.
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
	c, err := a.Cases.Edit(r.Context(), r.Actor, r.Case.Key, req.edit())
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
