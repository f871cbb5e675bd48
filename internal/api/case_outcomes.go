// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/intake"
	"embargo/internal/router"
	"embargo/internal/store"
)

type caseRequestInfoRequest struct {
	Question string `json:"question"`
}

// caseRequestInfo answers POST /cases/{key}/request-info: the question
// goes to the reporter thread with the date the case closes itself by,
// and the case waits on the reporter (needs-info) until they answer.
func (a *api) caseRequestInfo(w http.ResponseWriter, r *router.Request) {
	var req caseRequestInfoRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.Intake.RequestInfo(r.Context(), r.Actor, r.Project, r.Case.Key, req.Question)
	a.answerCase(w, r, c, err, http.StatusOK)
}

type caseMessageRequest struct {
	Message string `json:"message"`
}

// caseNotSecurity answers POST /cases/{key}/not-security: the case is
// rejected as not a security issue, the reporter told why (the canned
// text when message is empty), and the answer carries public_bug_link,
// which opens the project's public tracker with the issue filled in.
func (a *api) caseNotSecurity(w http.ResponseWriter, r *router.Request) {
	var req caseMessageRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.Intake.NotSecurity(r.Context(), r.Actor, r.Project, r.Case.Key, req.Message)
	if err != nil { // not answerCase: the answer wraps the case with the link
		a.fail(w, r, err)
		return
	}
	out, err := a.caseOne(r, c)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"case": out, "public_bug_link": optionalString(intake.PublicBugLink(r.Project, c))})
}

type caseDuplicateRequest struct {
	Original string `json:"original"`
	Message  string `json:"message"`
}

// caseDuplicate answers POST /cases/{key}/duplicate: the case is rejected
// as a duplicate of original, linked to it, and its reporter told.
func (a *api) caseDuplicate(w http.ResponseWriter, r *router.Request) {
	var req caseDuplicateRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.Intake.MarkDuplicate(r.Context(), r.Actor, r.Project, r.Case.Key,
		intake.Duplicate{Original: req.Original, Message: req.Message})
	a.answerCase(w, r, c, err, http.StatusOK)
}

type caseSplitRequest struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Message     string `json:"message"`
}

// caseSplit answers POST /cases/{key}/split with 201 and the new case
// that takes the second issue of the report.
func (a *api) caseSplit(w http.ResponseWriter, r *router.Request) {
	var req caseSplitRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.Intake.SplitCase(r.Context(), r.Actor, r.Project, r.Case.Key,
		intake.Split{Title: req.Title, Description: req.Description, Message: req.Message})
	a.answerCase(w, r, c, err, http.StatusCreated)
}

// answerCase writes case c with status, or the error.
func (a *api) answerCase(w http.ResponseWriter, r *router.Request, c *store.Case, err error, status int) {
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.caseOne(r, c)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, out)
}
