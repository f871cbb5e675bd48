// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"
	"time"

	"embargo/internal/cases"
	"embargo/internal/metrics"
	"embargo/internal/router"
)

type statJSON struct {
	Count         int      `json:"count"`
	MedianSeconds *float64 `json:"median_seconds"` // null without data
	P90Seconds    *float64 `json:"p90_seconds"`
}

type monthJSON struct {
	Month string `json:"month"`
	statJSON
}

type measureJSON struct {
	Metric  string      `json:"metric"`
	Overall statJSON    `json:"overall"`
	ByMonth []monthJSON `json:"by_month"`
}

type deadlinesJSON struct {
	Kind     string   `json:"kind"`
	Label    string   `json:"label"`
	Met      int      `json:"met"`
	Missed   int      `json:"missed"`
	ShareMet *float64 `json:"share_met"` // null when none fell due
}

type openJSON struct {
	Severity string         `json:"severity"`
	Total    int            `json:"total"`
	ByAge    map[string]int `json:"by_age"`
}

func seconds(d time.Duration, n int) *float64 {
	if n == 0 {
		return nil
	}
	v := d.Seconds()
	return &v
}

func statOut(s metrics.Stat) statJSON {
	return statJSON{Count: s.Count, MedianSeconds: seconds(s.Median, s.Count), P90Seconds: seconds(s.P90, s.Count)}
}

// metricsShow answers GET /projects/{slug}/metrics?months=N (default 12):
// response times from a case's creation (median and 90th percentile,
// overall and per month), the share of deadlines met, and the open cases
// by severity and age.
func (a *api) metricsShow(w http.ResponseWriter, r *router.Request) {
	q := r.URL.Query()
	err := onlyParams(q, "months")
	months := 12
	if err == nil {
		months, err = intParam(q, "months", 12, 1, metrics.MaxMonths)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rep, err := a.Metrics.For(r.Context(), r.Project, months, cases.OpenStates)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := map[string]any{"project": r.Project.Slug, "months": months,
		"from": rep.From.UTC().Format(timeLayout), "to": rep.To.UTC().Format(timeLayout)}
	var ms []measureJSON
	for _, m := range rep.Measures {
		one := measureJSON{Metric: m.Name, Overall: statOut(m.Overall), ByMonth: []monthJSON{}}
		for _, bm := range m.ByMonth {
			one.ByMonth = append(one.ByMonth, monthJSON{Month: bm.Month, statJSON: statOut(bm.Stat)})
		}
		ms = append(ms, one)
	}
	out["response_times"] = ms
	var ds []deadlinesJSON
	for _, d := range rep.Deadlines {
		one := deadlinesJSON{Kind: d.Kind, Label: d.Label, Met: d.Met, Missed: d.Missed}
		if share := d.ShareMet(); share >= 0 {
			one.ShareMet = &share
		}
		ds = append(ds, one)
	}
	out["deadlines"] = ds
	open := []openJSON{}
	for _, o := range rep.Open {
		one := openJSON{Severity: o.Severity, Total: o.Total, ByAge: map[string]int{}}
		for i, b := range metrics.AgeBuckets {
			one.ByAge[b] = o.ByAge[i]
		}
		open = append(open, one)
	}
	out["open_cases"] = map[string]any{"total": rep.OpenTotal, "by_severity": open}
	writeJSON(w, http.StatusOK, out)
}
