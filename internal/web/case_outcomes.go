// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"
	"slices"
	"strconv"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/intake"
	"embargo/internal/projects"
	"embargo/internal/router"
	"embargo/internal/store"
)

// outcomesView is what the case page offers and shows of a report's
// outcomes and of the case's links to other cases.
type outcomesView struct {
	// CanAsk offers "Ask the reporter": the case came from a report and
	// may wait on its reporter now. NeedsInfoDays is how long it waits.
	CanAsk        bool
	NeedsInfoDays int
	// WaitingUntil is when a case waiting on its reporter closes itself.
	WaitingUntil int64
	// CanNotSecurity offers "Not a security issue", prefilled with
	// NotSecurityDraft; PublicBugLink files a case closed so as a public
	// bug (empty: the project names no tracker, or it is not such a case).
	CanNotSecurity   bool
	NotSecurityDraft string
	PublicBugURL     string
	PublicBugLink    string
	// CanDuplicate offers "Mark as duplicate", prefilled with
	// DuplicateDraft; CanSplit "Split out a second issue".
	CanDuplicate   bool
	DuplicateDraft string
	CanSplit       bool
	CanLink        bool
	Links          []linkView
	Credits        []intake.Credit
}

// linkView is one link as the case page words it.
type linkView struct {
	ID        int64
	Relation  string // "Duplicate of", "Duplicated by", …
	Key       string
	Title     string
	State     string
	Removable bool
	Credit    bool
}

// relationWords says how the linked case relates to the case shown.
func relationWords(l *store.LinkedCase) string {
	switch {
	case l.Link.Kind == store.LinkDuplicateOf && l.Outgoing:
		return "Duplicate of"
	case l.Link.Kind == store.LinkDuplicateOf:
		return "Duplicated by"
	case l.Link.Kind == store.LinkSplitFrom && l.Outgoing:
		return "Split from"
	case l.Link.Kind == store.LinkSplitFrom:
		return "Split into"
	}
	return "Related to"
}

// caseOutcomes loads the outcomes and links part of the case page.
func (h *web) caseOutcomes(r *router.Request, reporter *caseReporterData) (*outcomesView, error) {
	c := r.Case
	set, err := projects.ParseSettings(r.Project.Settings)
	if err != nil {
		set = projects.DefaultSettings()
	}
	canMove := can(r, authz.ActionCaseTransition)
	open := cases.CanTransition(c.State, cases.StateRejected)
	v := &outcomesView{NeedsInfoDays: set.NeedsInfoDays, WaitingUntil: c.WaitingUntil, PublicBugURL: set.PublicBugURL,
		CanDuplicate: canMove && open, CanSplit: can(r, authz.ActionCaseEdit) && slices.Contains(cases.OpenStates, c.State),
		CanLink: can(r, authz.ActionCaseEdit)}
	if reporter != nil {
		v.CanAsk = canMove && cases.CanTransition(c.State, cases.StateNeedsInfo)
		v.CanNotSecurity = canMove && open
		if v.CanNotSecurity {
			v.NotSecurityDraft = intake.NotSecurityText(r.Project)
		}
		pref := reporter.Thread.Report.CreditPreference
		v.DuplicateDraft = intake.DuplicateText(r.Project, set.CreditDuplicates && pref != intake.CreditNone)
		if c.Resolution == cases.ResolutionNotSecurity {
			v.PublicBugLink = intake.PublicBugLink(r.Project, c)
		}
	}
	links, err := h.Cases.Links(r.Context(), r.Actor, c)
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		v.Links = append(v.Links, linkView{ID: l.Link.ID, Relation: relationWords(l), Key: l.Case.Key, Title: l.Case.Title,
			State: l.Case.State, Removable: v.CanLink && l.Link.Kind == store.LinkRelated,
			Credit: l.Link.Kind == store.LinkDuplicateOf && l.Link.CreditKept})
	}
	if v.Credits, err = h.Intake.Credits(r.Context(), c); err != nil {
		return nil, err
	}
	return v, nil
}

// caseRequestInfo asks the reporter the form's question.
func (h *web) caseRequestInfo(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Intake.RequestInfo(r.Context(), r.Actor, r.Project, r.Case.Key, r.PostForm.Get("question")); err != nil {
		h.caseFormError(w, r, "request-info", err, "question")
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key+"#reporter", "info-requested")
}

// caseNotSecurity closes the case as not a security issue with the form's
// message to the reporter.
func (h *web) caseNotSecurity(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Intake.NotSecurity(r.Context(), r.Actor, r.Project, r.Case.Key, r.PostForm.Get("message")); err != nil {
		h.caseFormError(w, r, "not-security", err, "message")
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key+"#reporter", "not-security")
}

// caseDuplicate closes the case as a duplicate of the form's original.
func (h *web) caseDuplicate(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	d := intake.Duplicate{Original: r.PostForm.Get("original"), Message: r.PostForm.Get("message")}
	if _, err := h.Intake.MarkDuplicate(r.Context(), r.Actor, r.Project, r.Case.Key, d); err != nil {
		h.caseFormError(w, r, "duplicate", err, "original", "message")
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key+"#links", "duplicate")
}

// caseSplit opens a case for the second issue of this one and shows it.
func (h *web) caseSplit(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f := r.PostForm
	n, err := h.Intake.SplitCase(r.Context(), r.Actor, r.Project, r.Case.Key,
		intake.Split{Title: f.Get("title"), Description: f.Get("description"), Message: f.Get("message")})
	if err != nil {
		h.caseFormError(w, r, "split", err, "title", "description", "message")
		return
	}
	redirect(w, r, "/cases/"+n.Key, "split")
}

// caseLinkAdd links the case to the form's case as related.
func (h *web) caseLinkAdd(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Cases.Link(r.Context(), r.Actor, r.Case.Key, r.PostForm.Get("case")); err != nil {
		h.caseFormError(w, r, "link", err, "case")
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key+"#links", "linked")
}

// caseLinkRemove removes the form's related link.
func (h *web) caseLinkRemove(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	id, _ := strconv.ParseInt(r.PostForm.Get("id"), 10, 64)
	if err := h.Cases.Unlink(r.Context(), r.Actor, r.Case.Key, id); err != nil {
		h.caseFormError(w, r, "link", err)
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key+"#links", "unlinked")
}
