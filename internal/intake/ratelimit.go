// SPDX-License-Identifier: AGPL-3.0-or-later

package intake

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/store"
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

// Gate holds the rate limits of the report form, the report API and the
// reporter portal. It counts in one of two places:
//
//   - in memory (NewGate, NewGateLimits), a sliding window per process:
//     the choice for SQLite, where one process serves everything and a
//     database write per report would cost intake throughput;
//   - in the database (NewSharedGate), a fixed window in rate_counters:
//     the choice for PostgreSQL, where several replicas behind a load
//     balancer would otherwise each allow the full rate.
//
// It is safe for concurrent use.
type Gate struct {
	clk                                    clock.Clock
	perClient, perProject, messagesPerCase int

	// In memory; nil when the gate counts in the database.
	clientLimiter, projectLimiter, messageLimiter *authz.Limiter

	// In the database; nil when the gate counts in memory.
	store *store.Store
	log   *slog.Logger
}

// NewGate returns an in-memory Gate on clk's time with the default report
// limits, ReportsPerClient and ReportsPerProject.
func NewGate(clk clock.Clock) *Gate {
	return NewGateLimits(clk, ReportsPerClient, ReportsPerProject)
}

// NewGateLimits returns an in-memory Gate on clk's time that accepts
// perClient reports per RateWindow from one client address and perProject
// reports per RateWindow to one project (the instance's configuration sets
// them; both must be positive). Its limits are per process.
func NewGateLimits(clk clock.Clock, perClient, perProject int) *Gate {
	return &Gate{
		clk: clk, perClient: perClient, perProject: perProject, messagesPerCase: MessagesPerClientCase,
		clientLimiter:  authz.NewLimiter(perClient, RateWindow, clk.Now),
		projectLimiter: authz.NewLimiter(perProject, RateWindow, clk.Now),
		messageLimiter: authz.NewLimiter(MessagesPerClientCase, RateWindow, clk.Now),
	}
}

// NewSharedGate returns a Gate with NewGateLimits' limits that counts in
// s, so that every process on the same database shares them. It counts
// per fixed RateWindow aligned on the Unix epoch: at most the limit in
// each window, so at most twice the limit in a RateWindow that straddles
// two. When the database fails, the gate lets the attempt through and
// logs the error to log: the report's own write will fail with it anyway.
func NewSharedGate(s *store.Store, clk clock.Clock, log *slog.Logger, perClient, perProject int) *Gate {
	if perClient < 1 || perProject < 1 {
		panic("intake: NewSharedGate: limits must be positive")
	}
	return &Gate{
		clk: clk, perClient: perClient, perProject: perProject, messagesPerCase: MessagesPerClientCase,
		store: s, log: log,
	}
}

// AllowReport records a report attempt from client (an IP address) to a
// project. When refused, it records nothing and returns how long to wait
// before retrying, in whole seconds.
func (g *Gate) AllowReport(ctx context.Context, client string, projectID int64) (time.Duration, bool) {
	project := strconv.FormatInt(projectID, 10)
	if g.store != nil {
		return g.takeShared(ctx,
			rate{"report-client " + client, g.perClient},
			rate{"report-project " + project, g.perProject})
	}
	if !g.clientLimiter.Allow(client) || !g.projectLimiter.Allow(project) {
		return RateWindow, false
	}
	return 0, true
}

// AllowMessage records a reporter's message attempt from client on a
// case. When refused, it returns how long to wait before retrying.
func (g *Gate) AllowMessage(ctx context.Context, client string, caseID int64) (time.Duration, bool) {
	key := client + " " + strconv.FormatInt(caseID, 10)
	if g.store != nil {
		return g.takeShared(ctx, rate{"message " + key, g.messagesPerCase})
	}
	if !g.messageLimiter.Allow(key) {
		return RateWindow, false
	}
	return 0, true
}

// Purge deletes the shared counters of windows that have ended; it does
// nothing for an in-memory gate, whose limiters forget on their own. The
// periodic job rate_limits.purge calls it.
func (g *Gate) Purge(ctx context.Context) error {
	if g.store == nil {
		return nil
	}
	start, _ := window(g.clk.Now())
	return g.store.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.PurgeRateCounters(ctx, start)
		return err
	})
}

// rate is one counter an attempt counts against, and its limit.
type rate struct {
	key   string
	limit int
}

var errRefused = errors.New("intake: rate limit reached")

// takeShared counts one attempt against every rate in the current window,
// all or none: an attempt refused by one counter (the project's, say) is
// not charged to the others. It runs in one short transaction of its own,
// before and apart from the report's, so a refused attempt writes nothing
// else.
func (g *Gate) takeShared(ctx context.Context, rates ...rate) (time.Duration, bool) {
	start, end := window(g.clk.Now())
	err := g.store.Write(ctx, func(tx *store.Tx) error {
		for _, r := range rates {
			ok, err := tx.CountRate(ctx, r.key, start, r.limit)
			if err != nil {
				return err
			}
			if !ok {
				return errRefused
			}
		}
		return nil
	})
	switch {
	case errors.Is(err, errRefused):
		return retryAfter(time.Duration(end-g.clk.Now().UnixMilli()) * time.Millisecond), false
	case err != nil:
		g.log.Error("rate limit not checked: the database failed", "err", err)
	}
	return 0, true
}

// window returns the fixed RateWindow holding t, as UTC Unix milliseconds:
// its start (inclusive) and end (exclusive).
func window(t time.Time) (start, end int64) {
	ms, w := t.UnixMilli(), RateWindow.Milliseconds()
	start = ms - ms%w
	return start, start + w
}

// retryAfter rounds a wait up to whole seconds, at least one, as the
// Retry-After header counts them.
func retryAfter(d time.Duration) time.Duration {
	return max(time.Second, (d + time.Second - 1).Truncate(time.Second))
}
