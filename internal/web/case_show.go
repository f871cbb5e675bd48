// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/deadlines"
	"embargo/internal/projects"
	"embargo/internal/router"
	"embargo/internal/store"
)

// historyLimit is how many of a case's events its page shows at once;
// older ones are a link away (?before=SEQ).
const historyLimit = 50

// transitionForm is one move the case can make from its current state.
type transitionForm struct {
	To    string
	Label string
	// NeedsResolution and NeedsReason mark rejection (why, and which kind)
	// and reopening (why), which the domain refuses without them.
	NeedsResolution bool
	NeedsReason     bool
	Danger          bool
}

// person is a member offered in the assignment form.
type person struct {
	UserID      int64
	Name        string
	Email       string
	Coordinator bool
	Assigned    bool
}

// noteView is a note ready to show.
type noteView struct {
	Author string
	At     int64
	Body   string
}

// caseShowData is the case page's content.
type caseShowData struct {
	Case        *store.Case
	Coordinator string
	Assignees   []string
	Notes       []noteView
	History     []historyItem
	// OlderThan, when set, is the oldest shown event's seq: more exist.
	OlderThan   int64
	Paged       bool // showing an older page of the history
	Transitions []transitionForm
	Resolutions []string
	Severities  []string
	People      []person
	// Edit holds the edit form's values: the case's own, or a failed
	// edit's, which then opens the form again.
	Edit       url.Values
	EditOpen   bool
	EditErrors map[string]string
	// Failed names the form ("edit", "assign", "transition", "note") a
	// refused post came from, so its message shows beside it.
	Failed        string
	CanEdit       bool
	CanTransition bool
	CanNote       bool
	// Reporter is the report behind the case and the thread with its
	// reporter; nil for a case the team opened itself.
	Reporter *caseReporterData
	// Classification is the case's CVSS score and history and its CWEs.
	Classification *classificationView
	// Triage is the case's triage record, priority and remediation plan.
	Triage *triageView
	// Labels are the case's labels; LabelForm the add form's value and
	// ProjectLabels the project's labels it suggests.
	Labels        []string
	LabelForm     string
	ProjectLabels []string
	// Deadlines are the promises the case is under, in due order.
	Deadlines []deadlineView
	// Embargo is the case's embargo with its countdown.
	Embargo *embargoView
	// Outcomes are the report's outcomes and the case's links.
	Outcomes *outcomesView
	// Missing says, per state the case may move to next, what its triage
	// record lacks first.
	Missing map[string]string
	// Participants are the third parties invited to the case.
	Participants *participantsView
}

// deadlineView is one deadline on the case page: the same numbers every
// party sees, in the project's time zone and in UTC.
type deadlineView struct {
	Kind, Label, State, Words string
	DueAt                     int64
}

// deadlineViews describes a case's deadlines in project p's time zone.
func deadlineViews(p *store.Project, list []deadlines.Status) []deadlineView {
	set, err := projects.ParseSettings(p.Settings)
	if err != nil {
		set = projects.DefaultSettings()
	}
	out := make([]deadlineView, len(list))
	for i, st := range list {
		out[i] = deadlineView{Kind: st.Kind, Label: st.Label, State: st.State, Words: st.Words(set.Location()),
			DueAt: clock.Millis(st.DueAt)}
	}
	return out
}

// casePage loads everything the case page shows; a nil page means it
// failed and the error page is already written.
func (h *web) casePage(w http.ResponseWriter, r *router.Request) *page {
	// One more than shown tells whether older events exist.
	d, err := h.Cases.Get(r.Context(), r.Case.Key, historyLimit+1)
	if err != nil {
		h.fail(w, r, err)
		return nil
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	if before > 0 {
		if d.Events, err = h.Cases.Events(r.Context(), d.Case.ID, before, historyLimit+1); err != nil {
			h.fail(w, r, err)
			return nil
		}
	}
	var olderThan int64
	if len(d.Events) > historyLimit {
		d.Events = d.Events[:historyLimit]
		olderThan = d.Events[historyLimit-1].Seq
	}
	// Show the state as loaded with the rest of the page, not as the
	// router saw it a moment earlier.
	r.Case = d.Case
	c := d.Case
	names := map[int64]string{}
	for _, m := range d.Members {
		names[m.UserID] = displayName(m.Name, m.Email)
	}
	sd := caseShowData{
		Case: c, Resolutions: cases.ManualResolutions, Severities: cases.Severities,
		CanEdit: can(r, authz.ActionCaseEdit), CanTransition: can(r, authz.ActionCaseTransition),
		CanNote: can(r, authz.ActionNoteCreate),
		Edit: url.Values{"title": {c.Title}, "description": {c.Description}, "severity": {c.Severity},
			"component": {c.Component}},
	}
	if c.CoordinatorID != 0 {
		sd.Coordinator = nameOr(names, c.CoordinatorID)
	}
	for _, id := range d.Assignees {
		sd.Assignees = append(sd.Assignees, nameOr(names, id))
	}
	for _, n := range d.Notes {
		author := n.AuthorName
		if author == "" {
			author = "former member"
		}
		sd.Notes = append(sd.Notes, noteView{Author: author, At: n.CreatedAt, Body: n.Body})
	}
	for _, to := range cases.NextStates(c.State) {
		sd.Transitions = append(sd.Transitions, transitionForm{To: to, Label: transitionLabel(c.State, to),
			NeedsResolution: to == cases.StateRejected,
			NeedsReason:     to == cases.StateRejected || cases.IsReopen(c.State, to),
			Danger:          to == cases.StateRejected})
	}
	for _, m := range d.Members {
		if m.Role == string(authz.RoleAdmin) || m.Role == string(authz.RoleResponder) {
			sd.People = append(sd.People, person{UserID: m.UserID, Name: m.Name, Email: m.Email,
				Coordinator: m.UserID == c.CoordinatorID, Assigned: slices.Contains(d.Assignees, m.UserID)})
		}
	}
	sd.History = describeEvents(d.Events, names)
	sd.OlderThan, sd.Paged = olderThan, before > 0
	if sd.Reporter, err = h.caseReporter(r); err != nil {
		h.fail(w, r, err)
		return nil
	}
	if sd.Reporter != nil && sd.Reporter.CanAcknowledge {
		// A report is acknowledged through its card, which also answers
		// the reporter, not with a bare state change.
		sd.Transitions = slices.DeleteFunc(sd.Transitions, func(t transitionForm) bool { return t.To == cases.StateAcknowledged })
	}
	cl, err := h.Cases.Classification(r.Context(), c.ID)
	if err != nil {
		h.fail(w, r, err)
		return nil
	}
	sd.Classification = newClassificationView(cl)
	sd.Classification.searchCWE(r.URL.Query().Get("cwe_q"))
	t, err := h.Cases.TriageOf(r.Context(), c)
	if err != nil {
		h.fail(w, r, err)
		return nil
	}
	sd.Triage = newTriageView(t)
	dl, err := h.Cases.Deadlines(r.Context(), c)
	if err != nil {
		h.fail(w, r, err)
		return nil
	}
	sd.Deadlines = deadlineViews(d.Project, dl)
	emb, err := h.Cases.EmbargoOf(r.Context(), c)
	if err != nil {
		h.fail(w, r, err)
		return nil
	}
	sd.Embargo = newEmbargoView(emb, h.Cases.Clock.Now(), c.DisclosedAt != 0 || c.ClosedAt != 0, isProjectAdmin(r))
	if sd.Outcomes, err = h.caseOutcomes(r, sd.Reporter); err != nil {
		h.fail(w, r, err)
		return nil
	}
	if sd.Missing, err = h.Cases.MissingForNext(r.Context(), c); err != nil {
		h.fail(w, r, err)
		return nil
	}
	if err := h.caseLabels(r, &sd); err != nil {
		h.fail(w, r, err)
		return nil
	}
	if sd.Participants, err = h.caseParticipants(r); err != nil {
		h.fail(w, r, err)
		return nil
	}
	p := projectPage(r, c.Key+": "+c.Title, "Cases")
	p.Data = sd
	return p
}

// caseShow shows a case: its description, people, notes and history, and
// to responders the forms that change it.
func (h *web) caseShow(w http.ResponseWriter, r *router.Request) {
	if p := h.casePage(w, r); p != nil {
		h.render(w, r.Request, http.StatusOK, viewCaseShow, p)
	}
}

// caseFormError shows err beside the case-page form named form.
func (h *web) caseFormError(w http.ResponseWriter, r *router.Request, form string, err error, fields ...string) {
	p := h.casePage(w, r)
	if p == nil {
		return
	}
	d := p.Data.(caseShowData)
	d.Failed = form
	// formError fills this map; the edit form reads it through EditErrors
	// so that its fields are only marked for a failed edit.
	p.Errors = map[string]string{}
	switch form {
	case "edit":
		d.Edit, d.EditOpen, d.EditErrors = r.PostForm, true, p.Errors
	case "cvss":
		d.Classification.CVSSForm = r.PostForm.Get("cvss_vector")
	case "cwe":
		d.Classification.CWEForm = r.PostForm.Get("cwe_ids")
	case "triage":
		d.Triage.refill(r.PostForm)
	case "label":
		d.LabelForm = r.PostForm.Get("label")
	}
	p.Data = d
	p.Form = r.PostForm
	h.formError(w, r, viewCaseShow, p, err, fields...)
}

// transitionLabel names the move from → to as a button says it.
func transitionLabel(from, to string) string {
	switch to {
	case cases.StateAcknowledged:
		return "Acknowledge"
	case cases.StateTriage:
		if cases.IsReopen(from, to) {
			return "Reopen"
		}
		return "Start triage"
	case cases.StateAccepted:
		return "Accept"
	case cases.StateRejected:
		return "Reject"
	case cases.StateFixing:
		if from == cases.StateFixReady {
			return "Back to fixing"
		}
		return "Start fixing"
	case cases.StateFixReady:
		return "Mark fix ready"
	case cases.StateDisclosed:
		return "Mark disclosed"
	case cases.StateClosed:
		return "Close"
	}
	return "Move to " + to
}

// displayName is how a member is named on the page: by name, or by
// email for an account without one.
func displayName(name, email string) string {
	if name != "" {
		return name
	}
	return email
}

// nameOr names user id, or says that they have left the project.
func nameOr(names map[int64]string, id int64) string {
	if n, ok := names[id]; ok {
		return n
	}
	return "former member"
}
