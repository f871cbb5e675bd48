// SPDX-License-Identifier: AGPL-3.0-or-later

package main

import (
	"net/http"
	"time"

	"embargo/internal/store"
)

// Issue 4's targets: the queue page and each filter, the metrics page.
const (
	targetQueueP95   = 25 * time.Millisecond
	targetMetricsP95 = 100 * time.Millisecond
)

// queueScenarios are the team's queue, every view through the API and
// the home page as a browser loads it.
func queueScenarios(bearer, cookie func(*http.Request)) []scenario {
	var out []scenario
	for _, view := range store.QueueViews {
		out = append(out, scenario{Name: "queue, API (view=" + view + ")", Auth: bearer, Target: targetQueueP95,
			Path: func(int) string { return "/api/v1/queue?view=" + view }})
	}
	out = append(out,
		scenario{Name: "queue page, HTML (default view)", Auth: cookie, Target: targetQueueP95,
			Path: func(int) string { return "/" }},
		scenario{Name: "queue page, HTML (view=overdue)", Auth: cookie, Target: targetQueueP95,
			Path: func(int) string { return "/?view=overdue" }})
	return out
}

// metricsScenarios are the project's metrics, as JSON and as the page.
func metricsScenarios(project string, bearer, cookie func(*http.Request)) []scenario {
	return []scenario{
		{Name: "metrics, API (12 months)", Auth: bearer, Target: targetMetricsP95,
			Path: func(int) string { return "/api/v1/projects/" + project + "/metrics" }},
		{Name: "metrics, API (36 months)", Auth: bearer, Target: targetMetricsP95,
			Path: func(int) string { return "/api/v1/projects/" + project + "/metrics?months=36" }},
		{Name: "metrics page, HTML (12 months)", Auth: cookie, Target: targetMetricsP95,
			Path: func(int) string { return "/projects/" + project + "/metrics" }},
	}
}
