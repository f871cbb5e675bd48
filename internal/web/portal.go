// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"mime"
	"net/http"
	"strconv"

	"embargo/internal/authz"
	"embargo/internal/intake"
	"embargo/internal/router"
	"embargo/internal/store"
)

// portalData is the reporter portal: the reporter's own report, where it
// stands, and the thread with the team.
type portalData struct {
	Project     *store.Project
	Thread      *intake.Thread
	StateText   string
	Base        string // the portal's own address, for forms and links
	CreditPrefs []string
	MaxFiles    int
	MaxFileMiB  int
	MaxTotalMiB int
	CanReply    bool
	// ByAccount is set when the reporter came through their account
	// ("My reports") rather than the private link.
	ByAccount bool
	// Embargo is the embargo's countdown, in the words the team sees.
	Embargo string
}

// portalBase is the address of the portal the request came through: the
// private link, or the signed-in sender's own page of the report.
func portalBase(r *router.Request) string {
	if token := r.PathValue("token"); token != "" {
		return "/r/" + token
	}
	return "/reports/" + r.Case.Key
}

// portalPage loads the portal for the link's case; nil means an error
// page is already written.
func (h *web) portalPage(w http.ResponseWriter, r *router.Request) *page {
	t, err := h.Intake.Thread(r.Context(), r.Project, r.Case)
	if err != nil {
		h.fail(w, r, err)
		return nil
	}
	emb, err := h.Cases.EmbargoOf(r.Context(), r.Case)
	if err != nil {
		h.fail(w, r, err)
		return nil
	}
	p := newPage(r, "Your report "+t.Report.Reference)
	p.Data = portalData{Project: r.Project, Thread: t, StateText: intake.StateText(r.Case.State),
		Base: portalBase(r), ByAccount: r.PathValue("token") == "", CreditPrefs: intake.CreditPreferences, MaxFiles: intake.MaxFiles,
		MaxFileMiB: intake.MaxFileBytes >> 20, MaxTotalMiB: intake.MaxTotalBytes >> 20,
		CanReply: r.Project.ArchivedAt == 0}
	if r.Case.ClosedAt == 0 {
		// A rejected or closed case has no embargo left to count down.
		p.Data = withEmbargo(p.Data.(portalData), emb.Countdown(h.Cases.Clock.Now()))
	}
	return p
}

// portalActor is who the portal's changes are recorded as: the case's
// reporter, the same whether they came through the link or from their
// account, so that the team learns no more about them than the link
// would tell (the account is not on record as the author).
func portalActor(r *router.Request) *authz.Actor {
	return &authz.Actor{Via: "reporter", ReporterCaseID: r.Case.ID}
}

func withEmbargo(d portalData, countdown string) portalData {
	d.Embargo = countdown
	return d
}

// portalShow shows the reporter their report.
func (h *web) portalShow(w http.ResponseWriter, r *router.Request) {
	if p := h.portalPage(w, r); p != nil {
		h.render(w, r.Request, http.StatusOK, viewPortal, p)
	}
}

// portalReply posts the reporter's message to the team.
func (h *web) portalReply(w http.ResponseWriter, r *router.Request) {
	if wait, ok := h.Gate.AllowMessage(r.Context(), remoteIP(r.Request), r.Case.ID); !ok {
		h.tooMany(w, r, wait)
		return
	}
	form, files, err := readReportPost(w, r)
	if err != nil {
		h.postError(w, r, err)
		return
	}
	if _, err := h.Intake.Reply(r.Context(), portalActor(r), r.Case, form.Get("body"), files); err != nil {
		p := h.portalPage(w, r)
		if p == nil {
			return
		}
		p.Form = form
		h.formError(w, r, viewPortal, p, err, "body", "attachment")
		return
	}
	redirect(w, r, portalBase(r)+"#thread", "message-sent")
}

// portalCredit changes how the reporter wants to be credited.
func (h *web) portalCredit(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Intake.SetCredit(r.Context(), portalActor(r), r.Case, r.PostForm.Get("credit_name"), r.PostForm.Get("credit_preference")); err != nil {
		p := h.portalPage(w, r)
		if p == nil {
			return
		}
		p.Form = r.PostForm
		h.formError(w, r, viewPortal, p, err, "credit_name", "credit_preference")
		return
	}
	redirect(w, r, portalBase(r)+"#credit", "credit-saved")
}

// portalAttachment downloads a file of the reporter's case.
func (h *web) portalAttachment(w http.ResponseWriter, r *router.Request) {
	h.attachment(w, r)
}

// attachment sends a file of the request's case as a download, never as
// a page: the sender chose its bytes.
func (h *web) attachment(w http.ResponseWriter, r *router.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	a, err := h.Intake.Attachment(r.Context(), r.Case, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename})
	if disp == "" {
		disp = "attachment"
	}
	hd := w.Header()
	hd.Set("Content-Type", a.ContentType)
	hd.Set("Content-Disposition", disp)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Length", strconv.Itoa(len(a.Data)))
	w.WriteHeader(http.StatusOK)
	w.Write(a.Data)
}
