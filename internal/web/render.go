// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/markdown"
	"embargo/internal/router"
	"embargo/internal/store"
	"embargo/internal/validation"
)

//go:embed templates
var templateFS embed.FS

// view names a page template: templates/<view>.html, which defines
// "title" and "content" for templates/layout.html.
type view string

// The views. Every one must be listed in allViews; a test checks that no
// view constant is left out, and Register checks that each has a
// template.
const (
	viewError          view = "error"
	viewMFARequired    view = "mfa_required"
	viewSetup          view = "setup"
	viewLogin          view = "login"
	viewLogin2FA       view = "login_2fa"
	viewHome           view = "home"
	viewProjectNew     view = "project_new"
	viewCaseList       view = "case_list"
	viewProjectSetting view = "project_settings"
	viewMembers        view = "members"
	viewInvitation     view = "invitation_accept"
	viewCaseNew        view = "case_new"
	viewCaseShow       view = "case_show"
	viewAccount        view = "account"
	viewAdminUsers     view = "admin_users"
	viewPolicyShow     view = "policy_show"
	viewReportForm     view = "report_form"
	viewReportReceipt  view = "report_receipt"
	viewPortal         view = "portal"
	viewReporterLink   view = "reporter_link"
	viewSearch         view = "search"
	viewMetrics        view = "metrics"
	viewSignedIn       view = "signed_in"
	viewReportList     view = "report_list"
	viewParticipate    view = "participate"
	viewParticipant    view = "participant_show"
)

var allViews = []view{viewError, viewMFARequired, viewSetup, viewLogin, viewLogin2FA, viewHome, viewProjectNew,
	viewCaseList, viewProjectSetting, viewMembers, viewInvitation, viewCaseNew, viewCaseShow, viewAccount, viewAdminUsers, viewPolicyShow,
	viewReportForm, viewReportReceipt, viewPortal, viewReporterLink, viewSearch, viewMetrics, viewSignedIn, viewReportList,
	viewParticipate, viewParticipant}

// views holds one parsed template set per view.
type views struct {
	sets map[view]*template.Template
}

// mustParseViews parses the layout with each view once. It panics when a
// declared view has no template or lacks a block, or when a template file
// is not a declared view (a page nobody can render is a mistake too).
func mustParseViews(a *assets) *views {
	funcs := template.FuncMap{
		"static":    a.url,
		"isoTime":   isoTime,
		"humanTime": humanTime,
		"markdown":  markdown.Render,
		"has":       func(list []int64, id int64) bool { return slices.Contains(list, id) },
		"dict":      dict,
		"lower":     strings.ToLower,
	}
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html"))
	vs := &views{sets: make(map[view]*template.Template, len(allViews))}
	for _, v := range allViews {
		t := template.Must(template.Must(base.Clone()).ParseFS(templateFS, "templates/"+string(v)+".html"))
		for _, block := range []string{"title", "content"} {
			if t.Lookup(block) == nil {
				panic(fmt.Sprintf("web: view %s does not define %q", v, block))
			}
		}
		vs.sets[v] = t
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		name := view(strings.TrimSuffix(path.Base(f), ".html"))
		if name != "layout" && name != "partials" && vs.sets[name] == nil {
			panic(fmt.Sprintf("web: template %s is not a declared view", f))
		}
	}
	return vs
}

// dict builds a map for passing several values to a sub-template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, errors.New("dict: keys must be strings")
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// isoTime formats stored milliseconds for a <time datetime>.
func isoTime(ms int64) string {
	return clock.FromMillis(ms).Format(time.RFC3339)
}

// humanTime formats stored milliseconds for reading. Times are shown in
// UTC so that everyone on a case, in any time zone, quotes the same
// numbers.
func humanTime(ms int64) string {
	if ms == 0 {
		return "never"
	}
	return clock.FromMillis(ms).Format("2 Jan 2006 15:04 UTC")
}

// tab is one entry of a project's sub-navigation.
type tab struct {
	Label   string
	URL     string
	Current bool
}

// page is what every view renders: the layout's context plus the view's
// own Data.
type page struct {
	Title   string
	Actor   *authz.Actor
	Project *store.Project // set on project and case pages, for the project header
	Tabs    []tab
	// CanUnarchive shows the restore button in an archived project's banner.
	CanUnarchive bool
	Notice       string // a success message after a redirect
	Error        string // a problem with the form as a whole
	// Form holds the values a failed form post sent, to show them again;
	// Errors maps its field names to messages shown beside the fields.
	Form   url.Values
	Errors map[string]string
	Data   any
	// Cache replaces Cache-Control: no-store. Only a page that shows
	// nothing private, rendered for an anonymous visitor, may set it.
	Cache string
	// Revealed shows the warning that the page's text holds deceptive
	// characters, shown as ⟨U+202E⟩ (the code point in hex); render sets it (see revealPage).
	Revealed bool
}

// newPage starts a page for an authorized request.
func newPage(r *router.Request, title string) *page {
	return &page{Title: title, Actor: r.Actor, Form: url.Values{}}
}

// notices are the success messages a redirect can ask for with
// ?notice=code. Only these fixed texts are shown, so a crafted link cannot
// put words in the application's mouth.
var notices = map[string]string{
	"settings-saved":     "Settings saved.",
	"pgp-key-saved":      "OpenPGP key saved. Reporters now encrypt to the new key.",
	"archived":           "Project archived. It is now read-only.",
	"unarchived":         "Project restored.",
	"member-added":       "Member added.",
	"role-changed":       "Role changed.",
	"member-removed":     "Member removed.",
	"invitation-revoked": "Invitation revoked.",
	"joined":             "Welcome! You have joined the project.",
	"case-saved":         "Case saved.",
	"view-saved":         "View saved.",
	"view-deleted":       "View deleted.",
	"label-added":        "Label added.",
	"label-removed":      "Label removed.",
	"case-moved":         "Case moved.",
	"case-spam":          "Case rejected as spam.",
	"info-requested":     "Question sent; the case waits on the reporter.",
	"not-security":       "Closed as not a security issue; the reporter sees your message.",
	"duplicate":          "Marked as a duplicate; the reporter was told.",
	"split":              "This is the new case split out of the report.",
	"linked":             "Cases linked.",
	"unlinked":           "Link removed.",
	"sender-unblocked":   "Sender unblocked.",
	"case-assigned":      "Assignment saved.",
	"note-added":         "Note added.",
	"message-sent":       "Message sent.",
	"acknowledged":       "Report acknowledged; the reporter sees your message.",
	"credit-saved":       "Credit preference saved.",
	"link-revoked":       "Reporter link revoked. The old link no longer works.",
	"password-changed":   "Password changed. Your other sessions were signed out.",
	"2fa-disabled":       "Two-factor authentication is off.",
	"token-revoked":      "Token revoked.",
	"user-created":       "Account created.",
	"user-disabled":      "Account disabled; its sessions were ended.",
	"user-enabled":       "Account enabled.",

	"participant-revoked":    "Access revoked. The participant sees nothing of the case any more.",
	"participant-shared":     "Shared text saved.",
	"participation-accepted": "You accepted the embargo terms.",
}

// render writes v with p. It renders into a buffer first, so a template
// failure becomes a clean 500 page instead of half a page, and so that
// deceptive characters in any of its text are revealed (revealPage); a
// page that had some is rendered once more, with the warning banner.
// Every page is marked no-store: they show embargoed material or one-time
// secrets and must not linger in shared or browser caches.
func (h *web) render(w http.ResponseWriter, r *http.Request, status int, v view, p *page) {
	if p.Notice == "" {
		p.Notice = notices[r.URL.Query().Get("notice")]
	}
	t := h.views.sets[v]
	var buf bytes.Buffer
	err := errors.New("web: undeclared view " + string(v))
	if t != nil {
		err = t.ExecuteTemplate(&buf, "layout", p)
	}
	out, revealed := buf.Bytes(), false
	if err == nil {
		out, revealed = revealPage(buf.Bytes())
		if revealed && !p.Revealed {
			p.Revealed = true
			buf.Reset()
			if err = t.ExecuteTemplate(&buf, "layout", p); err == nil {
				out, _ = revealPage(buf.Bytes())
			}
		}
	}
	if err != nil {
		h.Log.Error("render failed", "view", v, "path", r.URL.Path, "err", err)
		if v == viewError {
			http.Error(w, "Internal error.", http.StatusInternalServerError)
			return
		}
		h.Failed(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	if p.Cache != "" {
		hd.Set("Cache-Control", p.Cache)
	}
	w.WriteHeader(status)
	w.Write(out)
}

// errorData is the content of the error view.
type errorData struct {
	Status  int
	Heading string
	Message string
}

// errorPage renders a styled error with status.
func (h *web) errorPage(w http.ResponseWriter, r *http.Request, actor *authz.Actor, status int, heading, message string) {
	h.render(w, r, status, viewError, &page{Title: heading, Actor: actor,
		Data: errorData{Status: status, Heading: heading, Message: message}})
}

// fieldLabels name form fields in messages: the domain says "is
// required", the page says "Title is required".
var fieldLabels = map[string]string{
	"body":                      "Note",
	"to":                        "State",
	"email":                     "Email",
	"name":                      "Name",
	"slug":                      "Slug",
	"q":                         "Search",
	"new_password":              "New password",
	"current_password":          "Current password",
	"new_password_confirm":      "Repeated password",
	"code":                      "Code",
	"require_mfa":               "Two-factor requirement",
	"time_zone":                 "Time zone",
	"acknowledge_business_days": "Acknowledgement target",
	"assessment_days":           "Assessment target",
	"reminder_days_before":      "Reminder",
	"fix_target_days":           "Fix targets",
	"default_embargo_days":      "Default embargo",
	"max_embargo_days":          "Maximum embargo",
	"advisory_prefix":           "Advisory prefix",
	"needs_info_days":           "Waiting on the reporter",
	"public_bug_url":            "Public bug tracker",
}

// label returns the human name of a form field.
func label(field string) string {
	if l, ok := fieldLabels[field]; ok {
		return l
	}
	s := strings.ReplaceAll(field, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// fieldMessage phrases a field error as a sentence: "is required" gets
// the field's label in front; a message that names its subject already
// ("password must be …", "unknown time zone …") is kept as it is.
func fieldMessage(ve *validation.Error) string {
	msg := ve.Message
	for _, verb := range []string{"is ", "must ", "needs ", "at most "} {
		if strings.HasPrefix(msg, verb) {
			msg = label(ve.Field) + " " + msg
			break
		}
	}
	msg = upperFirst(strings.TrimSpace(msg))
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// formError shows a domain error on the form that caused it: a
// *validation.Error beside its field (when fields lists it) with 422, a
// *validation.Conflict above the form with 409, a *validation.NotFound as
// a 404 page; anything else is logged and becomes a 500 page.
func (h *web) formError(w http.ResponseWriter, r *router.Request, v view, p *page, err error, fields ...string) {
	var ve *validation.Error
	var ce *validation.Conflict
	switch {
	case errors.As(err, &ve):
		msg := fieldMessage(ve)
		if ve.Field != "" && slices.Contains(fields, ve.Field) {
			if p.Errors == nil {
				p.Errors = map[string]string{}
			}
			p.Errors[ve.Field] = msg
			p.Error = "Please correct the marked field."
		} else {
			p.Error = msg
		}
		h.render(w, r.Request, http.StatusUnprocessableEntity, v, p)
	case errors.As(err, &ce):
		p.Error = ce.Message
		h.render(w, r.Request, http.StatusConflict, v, p)
	default:
		h.fail(w, r, err)
	}
}

// fail renders an error that has no form to go back to.
func (h *web) fail(w http.ResponseWriter, r *router.Request, err error) {
	var ve *validation.Error
	var ce *validation.Conflict
	var ne *validation.NotFound
	switch {
	case errors.As(err, &ne):
		h.errorPage(w, r.Request, r.Actor, http.StatusNotFound, "Not found", upperFirst(ne.Error())+".")
	case errors.As(err, &ve):
		h.errorPage(w, r.Request, r.Actor, http.StatusUnprocessableEntity, "Invalid request", upperFirst(ve.Error())+".")
	case errors.As(err, &ce):
		h.errorPage(w, r.Request, r.Actor, http.StatusConflict, "Conflict", upperFirst(ce.Message))
	case errors.Is(err, errTooLarge):
		h.errorPage(w, r.Request, r.Actor, http.StatusRequestEntityTooLarge, "Too large",
			"The form sent more than this server accepts. Shorten the text and try again.")
	default:
		if r.Context().Err() != nil {
			return // the client went away; nobody is left to answer
		}
		h.Log.Error("web request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		h.Failed(w, r.Request)
	}
}

// upperFirst capitalises a domain message for the start of a sentence.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
