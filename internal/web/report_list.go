// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"
	"strconv"

	"embargo/internal/intake"
	"embargo/internal/router"
	"embargo/internal/store"
)

// reportsPerPage is how many reports one page of "My reports" shows.
const reportsPerPage = 25

// reportRow is one report on "My reports".
type reportRow struct {
	*store.SubmittedReport
	StateText string
}

// reportListData is "My reports".
type reportListData struct {
	Reports          []reportRow
	PrevURL, NextURL string
}

// reportList shows the signed-in user the reports they sent while signed
// in, newest first, each linking to its reporter view.
func (h *web) reportList(w http.ResponseWriter, r *router.Request) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	list, more, err := h.Intake.SubmittedReports(r.Context(), r.Actor.UserID, reportsPerPage, (page-1)*reportsPerPage)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &reportListData{Reports: make([]reportRow, len(list))}
	for i, s := range list {
		d.Reports[i] = reportRow{SubmittedReport: s, StateText: intake.StateText(s.Case.State)}
	}
	if page > 1 {
		d.PrevURL = "/reports?page=" + strconv.Itoa(page-1)
	}
	if more {
		d.NextURL = "/reports?page=" + strconv.Itoa(page+1)
	}
	p := newPage(r, "My reports")
	p.Data = d
	h.render(w, r.Request, http.StatusOK, viewReportList, p)
}
