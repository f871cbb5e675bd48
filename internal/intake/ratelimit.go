// SPDX-License-Identifier: AGPL-3.0-or-later

package intake

import (
	"strconv"
	"time"

	"embargo/internal/authz"
	"embargo/internal/clock"
)

// Rate limits on what outsiders may send; the report limits are the
// defaults of the report-rate-per-address and report-rate-per-project
// options. Generous for a person, tight
// for a script: a reporter rarely sends more than a couple of reports an
// hour, and a project rarely receives more than a few dozen.
const (
	RateWindow            = time.Hour
	ReportsPerClient      = 10
	ReportsPerProject     = 60
	MessagesPerClientCase = 30
)

// Gate holds the in-memory rate limiters of the report form, the report
// API and the reporter portal. Limits are per process; behind several
// replicas each counts on its own, which still bounds a flood. It is safe
// for concurrent use.
type Gate struct {
	perClient  *authz.Limiter
	perProject *authz.Limiter
	messages   *authz.Limiter
}

// NewGate returns a Gate on clk's time with the default report limits,
// ReportsPerClient and ReportsPerProject.
func NewGate(clk clock.Clock) *Gate {
	return NewGateLimits(clk, ReportsPerClient, ReportsPerProject)
}

// NewGateLimits returns a Gate on clk's time that accepts perClient
// reports per RateWindow from one client address and perProject reports
// per RateWindow to one project (the instance's configuration sets them;
// both must be positive).
func NewGateLimits(clk clock.Clock, perClient, perProject int) *Gate {
	return &Gate{
		perClient:  authz.NewLimiter(perClient, RateWindow, clk.Now),
		perProject: authz.NewLimiter(perProject, RateWindow, clk.Now),
		messages:   authz.NewLimiter(MessagesPerClientCase, RateWindow, clk.Now),
	}
}

// AllowReport records a report attempt from client (an IP address) to a
// project. When refused, it returns how long to wait before retrying.
func (g *Gate) AllowReport(client string, projectID int64) (time.Duration, bool) {
	if !g.perClient.Allow(client) || !g.perProject.Allow(strconv.FormatInt(projectID, 10)) {
		return RateWindow, false
	}
	return 0, true
}

// AllowMessage records a reporter's message attempt from client on a
// case.
func (g *Gate) AllowMessage(client string, caseID int64) (time.Duration, bool) {
	if !g.messages.Allow(client + " " + strconv.FormatInt(caseID, 10)) {
		return RateWindow, false
	}
	return 0, true
}
