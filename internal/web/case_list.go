// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"
	"net/url"
	"strconv"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/router"
	"embargo/internal/store"
)

// casesPerPage is how many cases one page of the list shows.
const casesPerPage = 25

// caseListData is the case list's content.
type caseListData struct {
	Cases    []*store.Case
	State    string // "", "open" or a state
	Severity string
	Mine     bool
	Query    string
	// IncludeSpam lists cases rejected as spam too; they are hidden
	// unless asked for or the filter is the rejected state.
	IncludeSpam bool
	States      []string
	Severities  []string
	PrevURL     string
	NextURL     string
	Page        int
	Filtered    bool
	CanCreate   bool
	NewCaseURL  string
}

// caseList shows a project's cases, newest first, filtered and paged by
// query parameters so that every view of the list can be bookmarked.
func (h *web) caseList(w http.ResponseWriter, r *router.Request) {
	q := r.URL.Query()
	d := caseListData{
		State: q.Get("state"), Severity: q.Get("severity"), Mine: q.Get("mine") == "1", Query: q.Get("q"),
		IncludeSpam: q.Get("include_spam") == "1",
		States:      cases.States, Severities: cases.Severities,
		CanCreate: can(r, authz.ActionCaseCreate), NewCaseURL: "/projects/" + r.Project.Slug + "/cases/new",
	}
	d.Page, _ = strconv.Atoi(q.Get("page"))
	d.Page = max(d.Page, 1)
	f := store.CaseFilter{ProjectID: r.Project.ID, Severity: d.Severity, Query: d.Query,
		Limit: casesPerPage, Offset: (d.Page - 1) * casesPerPage}
	switch d.State {
	case "":
	case "open":
		f.States = cases.OpenStates
	default:
		f.States = []string{d.State}
	}
	if d.Mine {
		f.AssigneeID = r.Actor.UserID
	}
	f.HideSpam = !d.IncludeSpam && d.State != cases.StateRejected
	d.Filtered = d.State != "" || d.Severity != "" || d.Mine || d.Query != "" || d.IncludeSpam
	list, more, err := h.Cases.List(r.Context(), f)
	if err != nil {
		p := projectPage(r, r.Project.Name, "Cases")
		p.Data = d
		h.formError(w, r, viewCaseList, p, err)
		return
	}
	d.Cases = list
	link := func(page int) string {
		v := url.Values{}
		for k, val := range map[string]string{"state": d.State, "severity": d.Severity, "q": d.Query} {
			if val != "" {
				v.Set(k, val)
			}
		}
		if d.Mine {
			v.Set("mine", "1")
		}
		if d.IncludeSpam {
			v.Set("include_spam", "1")
		}
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
	p := projectPage(r, r.Project.Name, "Cases")
	p.Data = d
	h.render(w, r.Request, http.StatusOK, viewCaseList, p)
}
