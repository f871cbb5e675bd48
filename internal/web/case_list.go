// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/router"
	"embargo/internal/store"
	"embargo/internal/triage"
	"embargo/internal/validation"
)

// casesPerPage is how many cases one page of the list shows.
const casesPerPage = 25

// caseListData is the case list's content.
type caseListData struct {
	Cases     []*store.Case
	LabelsOf  map[int64][]string // case ID → labels
	State     string             // "", "open" or a state
	Severity  string
	Priority  string
	Assignee  string // "", "me" or a user ID
	Component string
	Label     string
	Query     string
	// IncludeSpam lists cases rejected as spam too; they are hidden
	// unless asked for or the filter is the rejected state.
	IncludeSpam bool
	States      []string
	Severities  []string
	Priorities  []string
	Resolutions []string
	Handlers    []memberOption // responders and admins, for the assignee filter and bulk assignment
	Labels      []string       // the project's labels
	PrevURL     string
	NextURL     string
	Page        int
	Filtered    bool
	CanCreate   bool
	NewCaseURL  string
	// Views are the actor's saved views; FilterQuery is the current
	// filters as a query string, which "Save view" keeps.
	Views       []viewItem
	FilterQuery string
	// CanBulk shows the selection boxes and the bulk form, for those who
	// may change cases; Bulk is the outcome of a bulk action just done.
	CanBulk bool
	Bulk    *bulkView
}

// memberOption is a member offered in a select.
type memberOption struct {
	ID   string
	Name string
}

// viewItem is one saved view.
type viewItem struct {
	ID      int64
	Name    string
	URL     string
	Current bool
}

// bulkView is what a bulk action did, case by case.
type bulkView struct {
	Done    []string
	Refused []cases.BulkResult
}

// listFilters are the case list's filters as read from a query string.
type listFilters struct {
	state, severity, priority, assignee, component, label, query string
	includeSpam                                                  bool
}

func readFilters(q url.Values) listFilters {
	f := listFilters{state: q.Get("state"), severity: q.Get("severity"), priority: q.Get("priority"),
		assignee: q.Get("assignee"), component: q.Get("component"), label: q.Get("label"), query: q.Get("q"),
		includeSpam: q.Get("include_spam") == "1"}
	if f.assignee == "" && q.Get("mine") == "1" {
		// The list's former "Assigned to me" box, kept for bookmarks.
		f.assignee = "me"
	}
	return f
}

// values is f as a query string's values, without empty ones.
func (f listFilters) values() url.Values {
	v := url.Values{}
	for k, val := range map[string]string{"state": f.state, "severity": f.severity, "priority": f.priority,
		"assignee": f.assignee, "component": f.component, "label": f.label, "q": f.query} {
		if val != "" {
			v.Set(k, val)
		}
	}
	if f.includeSpam {
		v.Set("include_spam", "1")
	}
	return v
}

// caseList shows a project's cases, newest first, filtered and paged by
// query parameters so that every view of the list can be bookmarked.
func (h *web) caseList(w http.ResponseWriter, r *router.Request) {
	h.showCaseList(w, r, r.URL.Query(), nil, nil)
}

// showCaseList renders the list for query q, with the outcome of a bulk
// action or a refused form post (err) if there is one.
func (h *web) showCaseList(w http.ResponseWriter, r *router.Request, q url.Values, bulk *bulkView, formErr error) {
	fl := readFilters(q)
	d := caseListData{
		State: fl.state, Severity: fl.severity, Priority: fl.priority, Assignee: fl.assignee,
		Component: fl.component, Label: fl.label, Query: fl.query, IncludeSpam: fl.includeSpam,
		States: cases.States, Severities: cases.Severities, Priorities: triage.Priorities, Resolutions: cases.ManualResolutions,
		CanCreate: can(r, authz.ActionCaseCreate), NewCaseURL: "/projects/" + r.Project.Slug + "/cases/new",
		CanBulk: authz.Can(r.Actor, authz.ActionCaseEdit, authz.Resource{Kind: authz.KindCase, ProjectID: r.Project.ID,
			RequireMFA: r.Project.RequireMFA, Archived: r.Project.ArchivedAt != 0}) == nil,
		Bulk: bulk,
	}
	p := projectPage(r, r.Project.Name, "Cases")
	p.Data = &d
	d.Page, _ = strconv.Atoi(q.Get("page"))
	d.Page = max(d.Page, 1)
	f, err := cases.ParseFilter(fl.values(), r.Actor.UserID)
	if err != nil {
		if verr, ok := errors.AsType[*validation.Error](err); ok && verr.Field == "assignee" {
			d.Assignee = ""
		}
		h.formError(w, r, viewCaseList, p, err, cases.FilterParams...)
		return
	}
	f.ProjectID, f.Limit, f.Offset = r.Project.ID, casesPerPage, (d.Page-1)*casesPerPage
	filters := fl.values()
	d.FilterQuery = filters.Encode()
	d.Filtered = d.FilterQuery != ""
	if err := h.listSides(r, &d); err != nil {
		h.fail(w, r, err)
		return
	}
	list, more, err := h.Cases.List(r.Context(), f)
	if err != nil {
		h.formError(w, r, viewCaseList, p, err, "state", "severity", "priority", "component", "label", "q")
		return
	}
	d.Cases = list
	ids := make([]int64, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	if d.LabelsOf, err = h.Cases.Labels(r.Context(), ids); err != nil {
		h.fail(w, r, err)
		return
	}
	link := func(page int) string {
		v := fl.values()
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		if len(v) == 0 {
			return "/projects/" + r.Project.Slug
		}
		return "/projects/" + r.Project.Slug + "?" + v.Encode()
	}
	if d.Page > 1 {
		d.PrevURL = link(d.Page - 1)
	}
	if more {
		d.NextURL = link(d.Page + 1)
	}
	if formErr != nil {
		h.formError(w, r, viewCaseList, p, formErr, "name", "label", "assignee_id", "to", "resolution", "reason")
		return
	}
	h.render(w, r.Request, http.StatusOK, viewCaseList, p)
}

// listSides loads what the list offers beside the cases: the people who
// can handle cases, the project's labels and the actor's saved views.
func (h *web) listSides(r *router.Request, d *caseListData) error {
	members, err := h.Projects.Members(r.Context(), r.Project.ID)
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.Role == string(authz.RoleAdmin) || m.Role == string(authz.RoleResponder) {
			name := m.Name
			if name == "" {
				name = m.Email
			}
			d.Handlers = append(d.Handlers, memberOption{ID: strconv.FormatInt(m.UserID, 10), Name: name})
		}
	}
	if d.Labels, err = h.Cases.ProjectLabels(r.Context(), r.Project.ID); err != nil {
		return err
	}
	views, err := h.Cases.Views(r.Context(), r.Actor, r.Project)
	if err != nil {
		return err
	}
	for _, v := range views {
		u := "/projects/" + r.Project.Slug
		if v.Query != "" {
			u += "?" + v.Query
		}
		d.Views = append(d.Views, viewItem{ID: v.ID, Name: v.Name, URL: u, Current: v.Query == d.FilterQuery})
	}
	return nil
}

// caseBulk applies one action to the cases ticked in the list, each
// checked as the single action would be, and shows the list again (with
// the filters it was showing) with what happened to each case.
func (h *web) caseBulk(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	back, _ := url.ParseQuery(r.PostForm.Get("return"))
	op := cases.BulkOp{Action: r.PostForm.Get("action"), Label: r.PostForm.Get("label"),
		Transition: cases.Transition{To: r.PostForm.Get("to"), Resolution: r.PostForm.Get("resolution"),
			Reason: r.PostForm.Get("reason")}}
	if len(r.PostForm["key"]) == 0 {
		h.showCaseList(w, r, back, nil, validation.Errorf("", "Select at least one case."))
		return
	}
	if op.Action == cases.BulkAssign {
		id, err := strconv.ParseInt(r.PostForm.Get("assignee_id"), 10, 64)
		if err != nil || id <= 0 {
			h.showCaseList(w, r, back, nil, validation.Errorf("assignee_id", "choose who to assign"))
			return
		}
		op.AssigneeID = id
	}
	results, err := h.Cases.Bulk(r.Context(), r.Actor, r.Project, r.PostForm["key"], op)
	if err != nil {
		h.showCaseList(w, r, back, nil, err)
		return
	}
	bv := &bulkView{}
	for _, res := range results {
		if res.OK {
			bv.Done = append(bv.Done, res.Key)
		} else {
			bv.Refused = append(bv.Refused, res)
		}
	}
	h.showCaseList(w, r, back, bv, nil)
}

// viewSave saves the list's current filters under a name for the actor.
func (h *web) viewSave(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.Cases.SaveView(r.Context(), r.Actor, r.Project, r.PostForm.Get("name"), r.PostForm.Get("query"))
	if err != nil {
		back, _ := url.ParseQuery(r.PostForm.Get("query"))
		h.showCaseList(w, r, back, nil, err)
		return
	}
	to := "/projects/" + r.Project.Slug
	if v.Query != "" {
		to += "?" + v.Query
	}
	redirect(w, r, to, "view-saved")
}

// viewDelete deletes one of the actor's saved views.
func (h *web) viewDelete(w http.ResponseWriter, r *router.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Cases.DeleteView(r.Context(), r.Actor, r.Project, id); err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, "/projects/"+r.Project.Slug, "view-deleted")
}
