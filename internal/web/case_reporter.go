// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"errors"
	"net/http"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/intake"
	"embargo/internal/router"
	"embargo/internal/validation"
)

// caseReporterData is the case page's reporter section: the report's
// details, its files and the thread with the reporter.
type caseReporterData struct {
	Thread      *intake.Thread
	Base        string // download prefix
	CanReply    bool
	CanLink     bool
	LinkLive    bool
	MaxFiles    int
	MaxFileMiB  int
	MaxTotalMiB int
	// CanAcknowledge offers the Acknowledge card: the report is not yet
	// acknowledged, the case is new and the viewer may move it. AckDraft
	// is the message it is prefilled with.
	CanAcknowledge bool
	AckDraft       string
	// CanSpam offers "Mark as spam": the viewer may, and the case can
	// still move to rejected.
	CanSpam bool
}

// caseReporter loads the reporter section of the request's case; nil
// when the case did not come from a report.
func (h *web) caseReporter(r *router.Request) (*caseReporterData, error) {
	t, err := h.Intake.Thread(r.Context(), r.Project, r.Case)
	var nf *validation.NotFound
	if errors.As(err, &nf) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	d := &caseReporterData{Thread: t, Base: "/cases/" + r.Case.Key, CanReply: can(r, authz.ActionThreadReply),
		CanLink: can(r, authz.ActionReporterLink), LinkLive: t.Report.LinkHash != "", MaxFiles: intake.MaxFiles,
		MaxFileMiB: intake.MaxFileBytes >> 20, MaxTotalMiB: intake.MaxTotalBytes >> 20}
	d.CanSpam = can(r, authz.ActionCaseSpam) && cases.CanTransition(r.Case.State, cases.StateRejected)
	d.CanAcknowledge = t.Report.AcknowledgedAt == 0 && r.Case.State == cases.StateNew && can(r, authz.ActionCaseTransition)
	if d.CanAcknowledge {
		if d.AckDraft, err = h.Intake.AcknowledgementDraft(r.Context(), r.Actor, r.Project, r.Case); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// caseMessageCreate posts a team member's message to the reporter.
func (h *web) caseMessageCreate(w http.ResponseWriter, r *router.Request) {
	form, files, err := readReportPost(w, r)
	if err != nil {
		h.postError(w, r, err)
		return
	}
	if _, err := h.Intake.Reply(r.Context(), r.Actor, r.Case, form.Get("body"), files); err != nil {
		r.PostForm = form
		h.caseFormError(w, r, "message", err, "body", "attachment")
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key+"#reporter", "message-sent")
}

// reporterLinkData is the page that shows a reissued reporter link once.
type reporterLinkData struct {
	Key  string
	Link string
}

// caseReporterLink revokes (do=revoke) or reissues (do=reissue) the
// reporter link of the case.
func (h *web) caseReporterLink(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	switch r.PostForm.Get("do") {
	case "revoke":
		if err := h.Intake.RevokeLink(r.Context(), r.Actor, r.Case); err != nil {
			h.fail(w, r, err)
			return
		}
		redirect(w, r, "/cases/"+r.Case.Key+"#reporter", "link-revoked")
	case "reissue":
		token, err := h.Intake.ReissueLink(r.Context(), r.Actor, r.Case)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		p := projectPage(r, "New reporter link · "+r.Case.Key, "Cases")
		p.Data = reporterLinkData{Key: r.Case.Key, Link: h.BaseURL + "/r/" + token}
		h.render(w, r.Request, http.StatusOK, viewReporterLink, p)
	default:
		h.fail(w, r, validation.Errorf("do", "must be revoke or reissue"))
	}
}

// caseAttachment downloads a file of the case's report or thread.
func (h *web) caseAttachment(w http.ResponseWriter, r *router.Request) {
	h.attachment(w, r)
}
