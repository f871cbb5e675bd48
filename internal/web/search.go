// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"embargo/internal/cases"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"embargo/internal/router"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// searchData is the search page's content.
type searchData struct {
	Query    string
	Hits     []*store.SearchHit
	Page     int
	PrevURL  string
	NextURL  string
	Searched bool
}

// search is the search page: the cases matching q in every project whose
// cases the actor may read, the most relevant first. Other projects'
// cases are neither shown nor counted.
func (h *web) search(w http.ResponseWriter, r *router.Request) {
	q := r.URL.Query()
	d := searchData{Query: q.Get("q")}
	d.Page, _ = strconv.Atoi(q.Get("page"))
	d.Page = min(max(d.Page, 1), 1000)
	p := newPage(r, "Search")
	if strings.TrimSpace(d.Query) == "" {
		p.Data = d
		h.render(w, r.Request, http.StatusOK, viewSearch, p)
		return
	}
	d.Searched = true
	// The filters of a project's case list apply here too: spam stays
	// out unless include_spam asks for it.
	var res *cases.SearchResult
	f, err := cases.ParseFilter(q, r.Actor.UserID)
	if err == nil {
		f.Limit, f.Offset = casesPerPage, (d.Page-1)*casesPerPage
		res, err = h.Cases.SearchEverywhere(r.Context(), r.Actor, f)
	}
	var ve *validation.Error
	if errors.As(err, &ve) {
		p.Error = fieldMessage(ve)
		p.Data = d
		h.render(w, r.Request, http.StatusBadRequest, viewSearch, p)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Hits = res.Hits
	link := func(page int) string {
		v := url.Values{}
		for _, name := range cases.FilterParams {
			if val := q.Get(name); val != "" {
				v.Set(name, val)
			}
		}
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		return "/search?" + v.Encode()
	}
	if d.Page > 1 {
		d.PrevURL = link(d.Page - 1)
	}
	if res.More {
		d.NextURL = link(d.Page + 1)
	}
	p.Data = d
	h.render(w, r.Request, http.StatusOK, viewSearch, p)
}
