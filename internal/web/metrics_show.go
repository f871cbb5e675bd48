// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"embargo/internal/cases"
	"embargo/internal/metrics"
	"embargo/internal/router"
)

// chartBar is one month's bar of a response-time chart, laid out in the
// SVG's own coordinates (no inline style: CSP forbids it).
type chartBar struct {
	X, Y, W, H int
	Month      string
	Label      string // the value, for the tooltip and the table
}

// metricChart is one response time as a bar chart of monthly medians.
type metricChart struct {
	Name, Title     string
	Median, P90     string
	Count           int
	Bars            []chartBar
	Width, Height   int
	MaxLabel        string
	FirstMonth, Now string
}

// metricsData is the metrics page's content.
type metricsData struct {
	Months    int
	Charts    []metricChart
	Deadlines []deadlineRow
	Open      []metrics.Open
	OpenTotal int
	Buckets   []string
}

type deadlineRow struct {
	Label       string
	Met, Missed int
	Share       string
}

const (
	chartWidth  = 480
	chartHeight = 120
)

// humanDuration says a duration the way a team talks about response times.
func humanDuration(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%.1f h", d.Hours())
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}

var measureTitles = map[string]string{"acknowledge": "Time to acknowledge", "triage": "Time to first assessment",
	"fix": "Time to fix", "disclose": "Time to disclose"}

func newChart(m metrics.Measure) metricChart {
	c := metricChart{Name: m.Name, Title: measureTitles[m.Name], Count: m.Overall.Count, Width: chartWidth, Height: chartHeight,
		Median: "—", P90: "—"}
	if m.Overall.Count > 0 {
		c.Median, c.P90 = humanDuration(m.Overall.Median), humanDuration(m.Overall.P90)
	}
	var top time.Duration
	for _, bm := range m.ByMonth {
		top = max(top, bm.Median)
	}
	n := max(len(m.ByMonth), 1)
	slot := chartWidth / n
	for i, bm := range m.ByMonth {
		b := chartBar{X: i*slot + 2, W: max(slot-4, 1), Month: bm.Month, Label: "no cases"}
		if bm.Count > 0 && top > 0 {
			b.H = max(int(float64(chartHeight-4)*float64(bm.Median)/float64(top)), 1)
			b.Label = humanDuration(bm.Median) + " median over " + strconv.Itoa(bm.Count)
		}
		b.Y = chartHeight - b.H
		c.Bars = append(c.Bars, b)
	}
	if top > 0 {
		c.MaxLabel = humanDuration(top)
	}
	if len(m.ByMonth) > 0 {
		c.FirstMonth, c.Now = m.ByMonth[0].Month, m.ByMonth[len(m.ByMonth)-1].Month
	}
	return c
}

// metricsShow is the project's metrics page: response times as charts
// and tables, deadlines kept, and open cases by severity and age.
func (h *web) metricsShow(w http.ResponseWriter, r *router.Request) {
	months := 12
	if v := r.URL.Query().Get("months"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > metrics.MaxMonths {
			n = 12
		}
		months = n
	}
	rep, err := h.Metrics.For(r.Context(), r.Project, months, cases.OpenStates)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := metricsData{Months: months, Open: rep.Open, OpenTotal: rep.OpenTotal, Buckets: []string{"< 7 days", "7–30 days", "30–90 days", "> 90 days"}}
	for _, m := range rep.Measures {
		d.Charts = append(d.Charts, newChart(m))
	}
	for _, dl := range rep.Deadlines {
		row := deadlineRow{Label: dl.Label, Met: dl.Met, Missed: dl.Missed, Share: "—"}
		if s := dl.ShareMet(); s >= 0 {
			row.Share = fmt.Sprintf("%.0f %%", s*100)
		}
		d.Deadlines = append(d.Deadlines, row)
	}
	p := projectPage(r, "Metrics · "+r.Project.Name, "Metrics")
	p.Data = d
	h.render(w, r.Request, http.StatusOK, viewMetrics, p)
}
