// SPDX-License-Identifier: AGPL-3.0-or-later

package main

import (
	"net/http"
	"time"

	"embargo/internal/store"
)

// targetQueueP95 is issue 4's target for the queue page and each filter.
const targetQueueP95 = 25 * time.Millisecond

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
