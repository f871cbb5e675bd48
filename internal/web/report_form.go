// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"embargo/internal/intake"
	"embargo/internal/pgp"
	"embargo/internal/router"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// honeypotField is a form field people never see (it sits off-screen and
// is skipped by keyboard and screen readers) but form-filling bots do.
// A post that fills it is refused with 400 and a generic message rather
// than faked as a success: a person whose browser autofilled it then
// learns that the report did not arrive, instead of holding a receipt for
// nothing.
const honeypotField = "website"

// reportFields are the report form's text fields, in the order the domain
// checks them; the form uses the API's JSON names.
var reportFields = []string{"title", "description", "product", "versions", "steps_to_reproduce", "impact",
	"contact_name", "contact_email", "reporter_public_key", "credit_name", "credit_preference",
	"disclosure_preference", "public_references", "contacted_others"}

// reportFormData is what the report form shows besides the fields.
type reportFormData struct {
	Project      *store.Project
	MaxFiles     int
	MaxFileMiB   int
	MaxTotalMiB  int
	CreditPrefs  []string
	Honeypot     string
	Closed       bool // archived: no form
	TitleMax     int
	ProductMax   int
	CreditMaxLen int
	// KeyURL is the project's public key address when it has one: the
	// form then offers to encrypt the report in the browser.
	KeyURL string
}

// reportPage is the report form's page; a failure to look up the
// project's key is an error of the server.
func (h *web) reportPage(r *router.Request) (*page, error) {
	keyURL := ""
	switch _, err := h.Keys.ProjectPublicKey(r.Context(), r.Project.ID); {
	case err == nil:
		keyURL = "/p/" + r.Project.Slug + "/pgp-key.asc"
	case !errors.Is(err, pgp.ErrNoKey):
		return nil, err
	}
	p := newPage(r, "Report a vulnerability · "+r.Project.Name)
	p.Data = reportFormData{KeyURL: keyURL, Project: r.Project, MaxFiles: intake.MaxFiles, MaxFileMiB: intake.MaxFileBytes >> 20,
		MaxTotalMiB: intake.MaxTotalBytes >> 20, CreditPrefs: intake.CreditPreferences, Honeypot: honeypotField,
		Closed: r.Project.ArchivedAt != 0, TitleMax: 200, ProductMax: intake.MaxProduct, CreditMaxLen: intake.MaxCreditName}
	return p, nil
}

// reportForm shows the public report form.
func (h *web) reportForm(w http.ResponseWriter, r *router.Request) {
	p, err := h.reportPage(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if r.Project.ArchivedAt != 0 {
		status = http.StatusConflict
	}
	h.render(w, r.Request, status, viewReportForm, p)
}

// reportReceiptData is the receipt page: the reference and the private
// link, shown this once.
type reportReceiptData struct {
	Project   *store.Project
	Reference string
	Link      string
	// Mailed says a receipt mail was queued for the reporter.
	Mailed bool
}

// reportSubmit receives a report from the form (multipart with files, or
// urlencoded) and shows the receipt.
func (h *web) reportSubmit(w http.ResponseWriter, r *router.Request) {
	if wait, ok := h.Gate.AllowReport(r.Context(), remoteIP(r.Request), r.Project.ID); !ok {
		h.tooMany(w, r, wait)
		return
	}
	form, files, err := readReportPost(w, r)
	if err != nil {
		h.postError(w, r, err)
		return
	}
	if form.Get(honeypotField) != "" {
		h.errorPage(w, r.Request, r.Actor, http.StatusBadRequest, "Report not accepted",
			"The report could not be accepted. Please try again, or contact the project another way.")
		return
	}
	rep := ReportFromForm(form, files)
	rep.ClientAddress = remoteIP(r.Request)
	// A signed-in sender can follow the report from their account too.
	rep.SubmitterID = r.Actor.UserID
	receipt, err := h.Intake.Submit(r.Context(), r.Project, rep)
	if errors.Is(err, intake.ErrBlocked) {
		h.errorPage(w, r.Request, r.Actor, http.StatusForbidden, "Report not accepted",
			"The report could not be accepted. Please contact the project another way.")
		return
	}
	if err != nil {
		p, perr := h.reportPage(r)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		p.Form = form
		p.Form.Del(honeypotField)
		renameFieldError(err)
		h.formError(w, r, viewReportForm, p, err, append(reportFields, "attachment")...)
		return
	}
	p := newPage(r, "Report received · "+r.Project.Name)
	p.Data = reportReceiptData{Project: r.Project, Reference: receipt.Reference, Link: h.BaseURL + "/r/" + receipt.Token,
		Mailed: receipt.Mailed}
	h.render(w, r.Request, http.StatusCreated, viewReportReceipt, p)
}

// renameFieldError maps the domain's nested field names to the form's.
func renameFieldError(err error) {
	var ve *validation.Error
	if errors.As(err, &ve) {
		ve.Field = strings.ReplaceAll(ve.Field, "contact.", "contact_")
	}
}

// ReportFromForm builds an intake report from the form's fields and
// files. Checkboxes count as ticked when sent with any value.
func ReportFromForm(f url.Values, files []intake.File) intake.Report {
	rep := intake.Report{
		Title: f.Get("title"), Description: f.Get("description"), Product: f.Get("product"),
		Versions: f.Get("versions"), Steps: f.Get("steps_to_reproduce"), Impact: f.Get("impact"),
		ReporterKey: f.Get("reporter_public_key"), CreditName: f.Get("credit_name"),
		CreditPreference: f.Get("credit_preference"), Disclosure: f.Get("disclosure_preference"),
		AlreadyPublic: f.Get("already_public") != "", Exploited: f.Get("exploited_in_the_wild") != "",
		PublicReferences: f.Get("public_references"), ContactedOthers: f.Get("contacted_others"),
		ShareContact: f.Get("share_contact_with_third_parties") != "", Attachments: files,
	}
	if f.Get("contact_name") != "" || f.Get("contact_email") != "" {
		rep.Contact = &intake.Contact{Name: f.Get("contact_name"), Email: f.Get("contact_email")}
	}
	return rep
}

// readReportPost reads a posted form that may carry files: a
// multipart/form-data post within intake's limits, or a urlencoded one.
func readReportPost(w http.ResponseWriter, r *router.Request) (url.Values, []intake.File, error) {
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		if err := parseForm(w, r); err != nil {
			return nil, nil, err
		}
		return r.PostForm, nil, nil
	}
	if params["boundary"] == "" {
		return nil, nil, validation.Errorf("", "the form could not be read")
	}
	if r.ContentLength > intake.MaxRequestBytes {
		return nil, nil, &intake.ErrTooLarge{Message: "the form is larger than this server accepts"}
	}
	m, err := intake.ReadMultipart(http.MaxBytesReader(w, r.Body, intake.MaxRequestBytes), params["boundary"])
	if err != nil {
		return nil, nil, err
	}
	return url.Values(m.Fields), m.Files, nil
}

// postError answers a post that could not be read.
func (h *web) postError(w http.ResponseWriter, r *router.Request, err error) {
	var big *intake.ErrTooLarge
	if errors.As(err, &big) {
		h.errorPage(w, r.Request, r.Actor, http.StatusRequestEntityTooLarge, "Too large",
			upperFirst(big.Message)+". Attach at most "+strconv.Itoa(intake.MaxFiles)+" files of up to "+
				strconv.Itoa(intake.MaxFileBytes>>20)+" MiB each, "+strconv.Itoa(intake.MaxTotalBytes>>20)+" MiB together.")
		return
	}
	h.fail(w, r, err)
}

// tooMany answers a rate-limited post with 429 and Retry-After.
func (h *web) tooMany(w http.ResponseWriter, r *router.Request, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())))
	h.errorPage(w, r.Request, r.Actor, http.StatusTooManyRequests, "Too many requests",
		"Too much has been sent from your address or to this project in the last hour. Please wait "+waitWords(wait)+" and try again.")
}

// waitWords says how long wait is in whole minutes, rounded up, for people.
func waitWords(wait time.Duration) string {
	switch m := int((wait + time.Minute - 1) / time.Minute); {
	case m >= 60:
		return "an hour"
	case m <= 1:
		return "a minute"
	default:
		return strconv.Itoa(m) + " minutes"
	}
}
