// SPDX-License-Identifier: AGPL-3.0-or-later

// Package app builds Embargo's object graph from a Config and runs it: the
// HTTP server for the UI and API, start-up migration, the first-run setup
// link, and graceful shutdown.
package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"embargo/internal/api"
	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/config"
	"embargo/internal/deadlines"
	"embargo/internal/intake"
	"embargo/internal/jobs"
	"embargo/internal/mail"
	teammetrics "embargo/internal/metrics"
	"embargo/internal/pgp"
	"embargo/internal/projects"
	"embargo/internal/router"
	"embargo/internal/secrets"
	"embargo/internal/store"
	"embargo/internal/web"
)

// Version is set at build time with -ldflags "-X embargo/internal/app.Version=…".
var Version = "dev"

// App is a running Embargo instance's parts.
type App struct {
	Config   *config.Config
	Store    *store.Store
	Clock    clock.Clock
	Log      *slog.Logger
	Accounts *authz.Accounts
	Projects *projects.Service
	Cases    *cases.Service
	// Secrets holds the sealing key for secrets at rest, loaded on first use.
	Secrets *secrets.Lazy
	// Keys holds the projects' and the instance's OpenPGP keys.
	Keys *pgp.Keys
	// Intake receives reports and runs the reporter thread; Gate holds
	// its rate limits, shared by the report form and the report API.
	Intake *intake.Service
	Gate   *intake.Gate
	// Mail delivers the outbox: for now into DATA_DIR/mail-outbox, as
	// files, never over the network.
	Mail *mail.Outbox
	// Jobs runs the background work: the durable job queue and the
	// periodic tasks (mail delivery, the deadline scan).
	Jobs      *jobs.Runner
	Metrics   *teammetrics.Service
	Deadlines *deadlines.Scanner
	// Routers are the UI's and the API's guarded routes, for inspection.
	Routers []*router.Router
	Handler http.Handler
	// MetricsHandler serves Prometheus metrics on the separate listener
	// that Config.MetricsAddr turns on; the main Handler never does.
	MetricsHandler http.Handler
	// MetricsListenAddr is the metrics listener's bound address once
	// Serve has called its ready function, or "" when it has none.
	MetricsListenAddr string
}

// New opens and migrates the store and builds the services and handler.
func New(ctx context.Context, cfg *config.Config, log *slog.Logger, clk clock.Clock) (*App, error) {
	s, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if applied, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	} else if len(applied) > 0 {
		log.Info("database migrated", "engine", s.Engine(), "versions", applied)
	}
	warnLookalikes(ctx, s, log)
	a := Build(cfg, s, log, clk)
	// Load the sealing key now, so a bad key file fails the start rather
	// than the first report.
	if _, err := a.Secrets.Sealer(); err != nil {
		s.Close()
		return nil, err
	}
	return a, nil
}

// OpenStore opens the configured database without migrating it.
func OpenStore(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	s, err := store.Open(ctx, cfg.DatabaseURL())
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Build wires services and the HTTP handler around an open, migrated store.
func Build(cfg *config.Config, s *store.Store, log *slog.Logger, clk clock.Clock) *App {
	a := &App{Config: cfg, Store: s, Clock: clk, Log: log}
	a.Accounts = authz.NewAccounts(s, clk)
	a.Projects = &projects.Service{Store: s, Clock: clk, InvitationTTL: cfg.InvitationTTL}
	a.Cases = &cases.Service{Store: s, Clock: clk}
	a.Secrets = &secrets.Lazy{SecretKey: cfg.SecretKey, DataDir: cfg.DataDir, Shared: s.Engine() == store.Postgres, Log: log}
	a.Accounts.DeviceSealer = a.Secrets.Sealer
	a.Keys = &pgp.Keys{Store: s, Clock: clk, Sealer: a.Secrets.Sealer, BaseURL: cfg.EffectiveBaseURL()}
	a.Intake = &intake.Service{Store: s, Clock: clk, Cases: a.Cases, Decrypter: a.Keys, BaseURL: cfg.EffectiveBaseURL()}
	a.Mail = &mail.Outbox{Store: s, Clock: clk, Dir: filepath.Join(cfg.DataDir, mail.DirName),
		From: mail.FromAddress(cfg.EffectiveBaseURL()), Log: log}
	a.Metrics = &teammetrics.Service{Store: s, Clock: clk}
	a.Deadlines = &deadlines.Scanner{Store: s, Clock: clk, BaseURL: cfg.EffectiveBaseURL(), Log: log}
	// Replicas on PostgreSQL share one count; SQLite's single process
	// counts in memory, sparing every report a database write.
	perAddress := cmp.Or(cfg.ReportRatePerAddress, intake.ReportsPerClient)
	perProject := cmp.Or(cfg.ReportRatePerProject, intake.ReportsPerProject)
	if s.Engine() == store.Postgres {
		a.Gate = intake.NewSharedGate(s, clk, log, perAddress, perProject)
	} else {
		a.Gate = intake.NewGateLimits(clk, perAddress, perProject)
	}
	a.Jobs = a.newJobs()
	a.Handler = a.routes()
	return a
}

// Close releases the store.
func (a *App) Close() error { return a.Store.Close() }

func (a *App) routes() http.Handler {
	mux := http.NewServeMux()
	baseURL := a.Config.EffectiveBaseURL()
	pages := web.Register(mux, web.Deps{Store: a.Store, Accounts: a.Accounts, Projects: a.Projects, Cases: a.Cases, Keys: a.Keys,
		Intake: a.Intake, Gate: a.Gate, Metrics: a.Metrics,
		Clock: a.Clock, Log: a.Log, BaseURL: baseURL, SecureCookies: strings.HasPrefix(baseURL, "https://")})
	a.Routers = append(a.Routers, pages,
		api.Register(mux, api.Deps{Store: a.Store, Accounts: a.Accounts, Projects: a.Projects, Cases: a.Cases, Keys: a.Keys,
			Intake: a.Intake, Gate: a.Gate, Metrics: a.Metrics, Clock: a.Clock, Log: a.Log, BaseURL: baseURL}),
	)
	metrics := newMetrics()
	// Operational endpoints go through the same gate as every page, as
	// public actions: they reveal no case data.
	ops := router.New(mux, a.Store, func(*http.Request) (*authz.Actor, error) { return authz.Anonymous, nil },
		plainResponder{}, a.Log, "")
	ops.Handle("GET", "/healthz", authz.ActionPublic, func(w http.ResponseWriter, r *router.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	ops.Handle("GET", "/readyz", authz.ActionPublic, func(w http.ResponseWriter, r *router.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := a.Store.Ping(ctx); err != nil {
			a.Log.Warn("not ready", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, "database unavailable\n")
			return
		}
		io.WriteString(w, "ready\n")
	})
	a.MetricsHandler = metricsEndpoint(metrics.handler(), a.Config.MetricsToken)
	a.Routers = append(a.Routers, ops)
	// Paths no route matches get the UI's styled 404 (the API answers its
	// own prefix in JSON).
	root := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" && !matchesAnyMethod(mux, r) {
			pages.NotFound(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
	return chain(root, a.Log, metrics, a.Config.TrustProxy)
}

// How often serve looks for background work, delivers the outbox, scans
// deadlines, closes cases whose reporter did not answer and purges
// finished jobs and ended rate-limit windows.
const (
	jobsTick                = 5 * time.Second
	mailInterval            = 5 * time.Second
	deadlineInterval        = time.Minute
	closeUnansweredInterval = 10 * time.Minute
	purgeInterval           = time.Hour

	expireInvitationsInterval = 10 * time.Minute
)

// newJobs registers the periodic tasks.
func (a *App) newJobs() *jobs.Runner {
	r := jobs.New(a.Store, a.Clock, a.Log)
	r.Every("mail.deliver", mailInterval, func(ctx context.Context) error {
		n, err := a.Mail.Deliver(ctx)
		if n > 0 {
			a.Log.Info("mail written to the data directory (not sent: no SMTP delivery yet)", "messages", n, "dir", a.Mail.Dir)
		}
		return err
	})
	r.Every("deadlines.scan", deadlineInterval, a.Deadlines.Task)
	r.Every("jobs.purge", purgeInterval, r.Purge)
	r.Every("rate_limits.purge", purgeInterval, a.Gate.Purge)
	r.Every("invitations.expire", expireInvitationsInterval, func(ctx context.Context) error {
		_, err := a.Projects.ExpireInvitations(ctx)
		return err
	})
	r.Every("cases.close_unanswered", closeUnansweredInterval, func(ctx context.Context) error {
		n, err := a.Intake.CloseUnanswered(ctx)
		if n > 0 {
			a.Log.Info("closed cases whose reporter did not answer in time", "cases", n)
		}
		return err
	})
	return r
}

// Serve listens on the configured address until ctx is cancelled, then
// shuts down gracefully within the configured timeout. Meanwhile it runs
// the background jobs: mail delivery, deadline reminders and alarms.
func (a *App) Serve(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.Config.Addr, err)
	}
	srv := a.newServer(a.Handler)
	a.Log.Info("embargo listening", "addr", ln.Addr().String(), "base_url", a.Config.EffectiveBaseURL(),
		"engine", a.Store.Engine(), "version", Version)
	var metricsLn net.Listener
	if a.Config.MetricsAddr != "" {
		if metricsLn, err = net.Listen("tcp", a.Config.MetricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("listen for metrics on %s: %w", a.Config.MetricsAddr, err)
		}
		a.MetricsListenAddr = metricsLn.Addr().String()
		a.Log.Info("metrics listening", "addr", a.MetricsListenAddr, "token_required", a.Config.MetricsToken != "")
	}
	if err := a.announceSetup(ctx); err != nil {
		ln.Close()
		if metricsLn != nil {
			metricsLn.Close()
		}
		return err
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if metricsLn != nil {
		metricsSrv := a.newServer(a.MetricsHandler)
		go metricsSrv.Serve(metricsLn)
		// Metrics hold no request in flight worth waiting for.
		defer metricsSrv.Close()
	}
	jobsCtx, stopJobs := context.WithCancel(ctx)
	jobsDone := make(chan struct{})
	go func() { defer close(jobsDone); a.Jobs.Run(jobsCtx, jobsTick) }()
	defer func() { stopJobs(); <-jobsDone }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down", "timeout", a.Config.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newServer is an HTTP server for h with the timeouts every listener
// needs against slow or idle clients.
func (a *App) newServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
}

// announceSetup prints the one-time first-admin link when no user exists.
func (a *App) announceSetup(ctx context.Context) error {
	need, err := a.Accounts.NeedsSetup(ctx)
	if err != nil || !need {
		return err
	}
	secret, err := a.Accounts.NewSetupToken(ctx)
	if err != nil {
		return err
	}
	link := a.Config.EffectiveBaseURL() + "/setup?token=" + secret
	a.Log.Info("no users yet: printed the one-time setup link for the first admin")
	fmt.Fprintf(setupOut, "\nEmbargo has no users yet. Create the first admin here (link valid %s, usable once):\n\n    %s\n\n",
		authz.SetupTokenTTL, link)
	return nil
}

// plainResponder answers the operational endpoints' refusals in plain text.
type plainResponder struct{}

func (plainResponder) Denied(w http.ResponseWriter, r *http.Request, actor *authz.Actor, err error) {
	http.Error(w, "Forbidden.", http.StatusForbidden)
}

func (plainResponder) Failed(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "Internal error.", http.StatusInternalServerError)
}

// matchesAnyMethod reports whether the path has a route for some other
// method, in which case the mux's 405 is the right answer.
func matchesAnyMethod(mux *http.ServeMux, r *http.Request) bool {
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "" {
			return true
		}
	}
	return false
}
