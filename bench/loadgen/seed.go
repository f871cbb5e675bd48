// SPDX-License-Identifier: AGPL-3.0-or-later

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"embargo/internal/audit"
	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/deadlines"
	"embargo/internal/projects"
	"embargo/internal/store"
)

// seedMeta describes a seeded data directory; it is written last, so its
// presence means the seed completed.
type seedMeta struct {
	Cases    int   `json:"cases"`
	Events   int64 `json:"events"` // audit events after seeding
	Notes    int   `json:"notes"`
	Messages int   `json:"messages"` // reporter thread messages
	Reports  int   `json:"reports"`  // cases that came with a report
	// SearchQueries are selective queries (tens of matching cases each)
	// drawn from the seeded vocabulary, for the search scenarios.
	SearchQueries []string  `json:"search_queries"`
	Project       string    `json:"project"`
	Email         string    `json:"email"`
	Password      string    `json:"password"`
	Token         string    `json:"token"`
	BusyKeys      []string  `json:"busy_keys"` // cases with busyEvents events each
	BusyEvents    int       `json:"busy_events"`
	TriageCases   int       `json:"triage_cases"`
	SeededAt      time.Time `json:"seeded_at"`
	SeedSeconds   float64   `json:"seed_seconds"`
	DBBytes       int64     `json:"db_bytes"`
}

const (
	metaFile    = "seed.json"
	dbFile      = "embargo.db" // the file serve uses in a data directory
	benchSlug   = "acme"
	benchEmail  = "bench@example.com"
	busyEvents  = 60                       // events on a busy case: more than the 50 a page shows
	busyEvery   = 1000                     // one busy case per this many
	seedBatch   = 1000                     // cases per transaction
	minPerCase  = 1                        // the create event
	seedSpan    = 3 * 365 * 24 * time.Hour // the history the seed spans, ending about now
	reportEvery = 2                        // every second case came with a report and has the thread
)

// loadMeta returns the meta of a completed seed in dir, or nil.
func loadMeta(dir string) *seedMeta {
	b, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil {
		return nil
	}
	var m seedMeta
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return &m
}

// seed fills an empty data directory with one project of nCases cases and
// about nEvents audit events in total, through the store's own
// transactional methods, so the hash chain is the one the server writes.
// Cases are written a thousand per transaction and their events
// interleaved round-robin within the batch, so that one case's events are
// not stored next to each other, as in a real log.
func seed(ctx context.Context, dir string, nCases int, nEvents int64, nMessages int, logf func(string, ...any)) (*seedMeta, error) {
	start := time.Now()
	if err := resetDatabase(dir); err != nil {
		return nil, err
	}
	s, err := store.Open(ctx, seedDSN(dir))
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		return nil, err
	}

	clk := clock.Real{}
	accounts := authz.NewAccounts(s, clk)
	cli := &authz.Actor{Via: "cli"}
	password, err := authz.NewSecret("")
	if err != nil {
		return nil, err
	}
	u, err := accounts.CreateUser(ctx, cli, authz.NewUser{Email: benchEmail, Name: "Bench Admin", Password: password, Admin: true})
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	token, _, err := accounts.CreateToken(ctx, cli, benchEmail, "bench")
	if err != nil {
		return nil, fmt.Errorf("create token: %w", err)
	}
	admin := &authz.Actor{UserID: u.ID, Email: u.Email, Name: u.Name, InstanceAdmin: true, Via: "cli"}
	name := "Acme"
	p, err := (&projects.Service{Store: s, Clock: clk}).Create(ctx, admin, benchSlug, projects.Input{Name: &name})
	if err != nil {
		return nil, fmt.Errorf("create project: %w", err)
	}

	var fixed int64
	if err := s.Read(ctx, func(tx *store.Tx) error {
		fixed, _, err = tx.AuditHead(ctx)
		return err
	}); err != nil {
		return nil, err
	}
	plan := newEventPlan(nCases, nEvents-fixed)
	meta := &seedMeta{Cases: nCases, Project: benchSlug, Email: benchEmail, Password: password, Token: token,
		BusyEvents: busyEvents}
	g := &generator{rng: rand.New(rand.NewPCG(1, 2)), at: time.Now().Add(-seedSpan).UnixMilli(), stepMs: stepFor(nCases, nEvents),
		project: p, user: u, lexicon: newLexicon(rand.New(rand.NewPCG(3, 4)))}
	if reports := nCases / reportEvery; reports > 0 {
		g.perReport, g.extraMessages = nMessages/reports, nMessages%reports
	}
	for first := 1; first <= nCases; first += seedBatch {
		last := min(first+seedBatch-1, nCases)
		err := s.Write(ctx, func(tx *store.Tx) error { return g.batch(ctx, tx, plan, first, last, meta) })
		if err != nil {
			return nil, fmt.Errorf("seed cases %d-%d: %w", first, last, err)
		}
		if last%20000 == 0 || last == nCases {
			logf("seeded %d/%d cases (%s)", last, nCases, time.Since(start).Round(time.Second))
		}
	}

	// Prove the chain is intact before anyone measures against it.
	verifyStart := time.Now()
	var v audit.Verifier
	err = s.Read(ctx, func(tx *store.Tx) error {
		if err := tx.WalkEvents(ctx, v.Next); err != nil {
			return err
		}
		seq, hash, err := tx.AuditHead(ctx)
		if err != nil {
			return err
		}
		return v.Finish(seq, hash)
	})
	if err != nil {
		return nil, fmt.Errorf("the seeded audit chain does not verify: %w", err)
	}
	logf("audit chain verified: %d events in %s", v.Count(), time.Since(verifyStart).Round(time.Millisecond))
	meta.Events = v.Count()
	meta.SearchQueries = g.lexicon.queries()

	// Closing the last connection checkpoints the WAL into the database
	// file, so the measured server starts from one compact file.
	s.Close()
	meta.SeededAt = time.Now().UTC()
	meta.SeedSeconds = time.Since(start).Seconds()
	if fi, err := os.Stat(filepath.Join(dir, dbFile)); err == nil {
		meta.DBBytes = fi.Size()
	}
	b, _ := json.MarshalIndent(meta, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, metaFile), b, 0o600); err != nil {
		return nil, err
	}
	return meta, nil
}

// eventPlan decides how many events each case gets so the log totals the
// target: busy cases get busyEvents, the rest share what remains.
type eventPlan struct {
	busy      map[int]bool
	perNormal int
	extra     int // the first extra normal cases get one more
}

func newEventPlan(nCases int, budget int64) *eventPlan {
	p := &eventPlan{busy: map[int]bool{}}
	for n := busyEvery / 2; n <= nCases; n += busyEvery {
		p.busy[n] = true
	}
	if len(p.busy) == 0 && nCases > 0 {
		p.busy[(nCases+1)/2] = true
	}
	normal := nCases - len(p.busy)
	rest := budget - int64(len(p.busy)*busyEvents)
	if normal > 0 && rest > 0 {
		p.perNormal = int(rest / int64(normal))
		p.extra = int(rest % int64(normal))
	}
	return p
}

// events returns how many events case number n gets.
func (p *eventPlan) events(n, normalIndex int) int {
	if p.busy[n] {
		return busyEvents
	}
	k := p.perNormal
	if normalIndex < p.extra {
		k++
	}
	return max(k, minPerCase)
}

// generator produces plausible case content and history.
type generator struct {
	rng         *rand.Rand
	at          int64 // the clock of the log, advanced per event
	stepMs      int64 // the largest step of that clock beyond its one second
	project     *store.Project
	user        *store.User
	normalIndex int
	lexicon     *lexicon
	// perReport messages go to each reported case's thread, one more to
	// the first extraMessages of them.
	perReport, extraMessages int
	reportIndex              int
}

// lexicon is the searchable vocabulary beyond the handful of stock
// sentences: function names (each in the titles of a few dozen cases)
// and product and reporter words (each in a few dozen threads), the kind
// of term a responder searches for. The stock words ("overflow",
// "buffer") match a large part of all cases and stand for a broad query.
type lexicon struct {
	functions []string
	words     []string
}

func newLexicon(rng *rand.Rand) *lexicon {
	syllables := []string{"ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "ba", "de", "fu", "go", "hi", "ju", "pe", "qua",
		"sa", "ti", "xe", "yo", "bri", "cla", "dro", "fle", "gri", "plo", "stra", "tre", "vin", "wul"}
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		return b.String()
	}
	seen := map[string]bool{}
	// unique draws until it finds an unused word; 30 syllables make 27,000
	// three-syllable words and 24 million function names, enough for the
	// 20,000 and 4,000 drawn.
	unique := func(draw func() string) string {
		for {
			if w := draw(); !seen[w] {
				seen[w] = true
				return w
			}
		}
	}
	l := &lexicon{}
	for range 4000 {
		l.functions = append(l.functions, unique(func() string { return word(2) + "_" + word(3) }))
	}
	for range 20000 {
		l.words = append(l.words, unique(func() string { return word(3) }))
	}
	return l
}

// queries returns search queries over the vocabulary: single rare words,
// function names, two words, a prefix and a phrase, rotating.
func (l *lexicon) queries() []string {
	var out []string
	for i := range 50 {
		w, f := l.words[i*37%len(l.words)], l.functions[i*53%len(l.functions)]
		switch i % 5 {
		case 0:
			out = append(out, w)
		case 1:
			out = append(out, f)
		case 2:
			out = append(out, w+" "+l.words[(i*41+7)%len(l.words)])
		case 3:
			out = append(out, w[:len(w)-1]+"*")
		case 4:
			out = append(out, `"`+strings.ReplaceAll(f, "_", " ")+`"`)
		}
	}
	return out
}

var (
	components = []string{"parser", "auth", "api", "cli", "storage", "web ui", "network", "crypto", "build", "plugins"}
	bugKinds   = []string{"heap overflow", "use-after-free", "SQL injection", "stored XSS", "path traversal",
		"SSRF", "authentication bypass", "ReDoS", "integer overflow", "information leak"}
	sentences = []string{
		"A crafted input makes the component read past the end of its buffer.",
		"The reporter attached a proof of concept that reproduces on the latest release.",
		"Affected versions start with 2.1; 1.x does not have the code path.",
		"Exploitation needs an authenticated session with the default role.",
		"The fix is a bounds check before the copy and a regression test.",
		"Downstream distributions ship the vulnerable version in their stable branches.",
		"No exploitation in the wild is known at the time of the report.",
		"The issue was found with a fuzzer seeded from the public test corpus.",
	}
	// finalStates are where cases end up, weighted like a long-running
	// project: many closed, a steady stream in the early states.
	finalStates = []struct {
		state  string
		weight int
	}{
		{cases.StateNew, 10}, {cases.StateAcknowledged, 10}, {cases.StateTriage, 15}, {cases.StateAccepted, 10},
		{cases.StateFixing, 10}, {cases.StateFixReady, 5}, {cases.StateDisclosed, 10}, {cases.StateClosed, 25},
		{cases.StateRejected, 5},
	}
	// happyPath is the usual order of states; rejected branches off triage.
	happyPath = []string{cases.StateNew, cases.StateAcknowledged, cases.StateTriage, cases.StateAccepted,
		cases.StateFixing, cases.StateFixReady, cases.StateDisclosed, cases.StateClosed}
)

func (g *generator) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }

func (g *generator) finalState() string {
	r := g.rng.IntN(100)
	for _, f := range finalStates {
		if r < f.weight {
			return f.state
		}
		r -= f.weight
	}
	return cases.StateClosed
}

// pathTo lists the states a case passes through after "new" to reach to.
func pathTo(to string) []string {
	if to == cases.StateRejected {
		return []string{cases.StateAcknowledged, cases.StateTriage, cases.StateRejected}
	}
	for i, s := range happyPath {
		if s == to {
			return happyPath[1 : i+1]
		}
	}
	return nil
}

func (g *generator) description() string {
	var b strings.Builder
	for range 4 + g.rng.IntN(5) {
		b.WriteString(g.pick(sentences))
		b.WriteString(" ")
	}
	return strings.TrimSpace(b.String())
}

func (g *generator) tick() int64 {
	g.at += 1000 + g.rng.Int64N(g.stepMs)
	return g.at
}

// stepFor is the clock step that spreads a seed's history over seedSpan,
// so that the metrics' default twelve months hold a third of it: every
// case, event and note takes a tick (notes are about a sixth of the
// events, so a fifth errs towards ending a little before now).
func stepFor(nCases int, nEvents int64) int64 {
	ticks := int64(nCases) + nEvents + nEvents/5
	return max(2*(seedSpan.Milliseconds()/max(ticks, 1)-1000), 1)
}

// step is one planned event after a case's creation.
type step struct {
	kind string // "transition", "note" or "update"
	to   string
}

// caseWork is a case being seeded in the current batch.
type caseWork struct {
	c     *store.Case
	steps []step
}

func (g *generator) record(ctx context.Context, tx *store.Tx, c *store.Case, action, subjectType, subjectID string, before, after any) error {
	e, err := audit.NewEvent(g.tick(), g.user.ID, g.user.Email, action, before, after)
	if err != nil {
		return err
	}
	e.ProjectID, e.CaseID = c.ProjectID, c.ID
	e.SubjectType, e.SubjectID = subjectType, subjectID
	if e.SubjectType == "" {
		e.SubjectType, e.SubjectID = "case", c.Key
	}
	return tx.AppendEvent(ctx, e)
}

// batch seeds cases first..last in one transaction.
func (g *generator) batch(ctx context.Context, tx *store.Tx, plan *eventPlan, first, last int, meta *seedMeta) error {
	work := make([]*caseWork, 0, last-first+1)
	for n := first; n <= last; n++ {
		num, err := tx.NextCaseNumber(ctx, g.project.ID)
		if err != nil {
			return err
		}
		if int(num) != n {
			return fmt.Errorf("project numbering is at %d, expected %d: seed into an empty directory", num, n)
		}
		at := g.tick()
		c := &store.Case{ProjectID: g.project.ID, ProjectSlug: g.project.Slug, Number: num, Key: cases.Key(g.project.Slug, num),
			Title: fmt.Sprintf("%s in %s() of the %s (%s)", g.pick(bugKinds), g.pick(g.lexicon.functions), g.pick(components),
				g.pick([]string{"CLI", "server", "library", "plugin"})),
			Description: g.description(), Severity: g.pick(cases.Severities), Component: g.pick(components),
			State: cases.StateNew, CreatedBy: g.user.ID, CreatedAt: at, UpdatedAt: at}
		if err := tx.CreateCase(ctx, c); err != nil {
			return err
		}
		snap := map[string]any{"title": c.Title, "description": c.Description, "severity": c.Severity,
			"component": c.Component, "state": c.State, "resolution": c.Resolution}
		if err := g.record(ctx, tx, c, "case.create", "", "", nil, snap); err != nil {
			return err
		}
		k := plan.events(n, g.normalIndex)
		if !plan.busy[n] {
			g.normalIndex++
		} else {
			meta.BusyKeys = append(meta.BusyKeys, c.Key)
		}
		if n%reportEvery == 0 {
			if err := g.report(ctx, tx, c, meta); err != nil {
				return err
			}
		}
		w := &caseWork{c: c}
		path := pathTo(g.finalState())
		if len(path) > k-1 {
			path = path[:k-1]
		}
		for _, s := range path {
			w.steps = append(w.steps, step{kind: "transition", to: s})
		}
		// The rest of the history is notes and edits, spread between the
		// transitions.
		for len(w.steps) < k-1 {
			kind := "update"
			if g.rng.IntN(3) == 0 {
				kind = "note"
			}
			i := g.rng.IntN(len(w.steps) + 1)
			w.steps = append(w.steps[:i], append([]step{{kind: kind}}, w.steps[i:]...)...)
		}
		work = append(work, w)
	}
	for round := 0; ; round++ {
		pending := false
		for _, w := range work {
			if round >= len(w.steps) {
				continue
			}
			pending = true
			if err := g.apply(ctx, tx, w.c, w.steps[round], meta); err != nil {
				return err
			}
		}
		if !pending {
			break
		}
	}
	for _, w := range work {
		if w.c.State == cases.StateTriage {
			meta.TriageCases++
		}
		if err := tx.UpdateCase(ctx, w.c); err != nil {
			return err
		}
		if err := settleDeadlines(ctx, tx, g.project, w.c); err != nil {
			return err
		}
	}
	return nil
}

// settleDeadlines derives a seeded case's deadlines as the server would
// have, and marks those already past as reminded and alarmed, as a
// server running all along would have done: the measured scan then finds
// what a live installation's scan finds, not years of backlog.
func settleDeadlines(ctx context.Context, tx *store.Tx, p *store.Project, c *store.Case) error {
	now := clock.Millis(time.Now())
	if err := deadlines.Sync(ctx, tx, p, c, now); err != nil {
		return err
	}
	list, err := tx.CaseDeadlines(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, d := range list {
		if d.NextCheckAt == 0 || d.DueAt >= now {
			continue
		}
		d.RemindedAt, d.AlarmedAt, d.NextCheckAt = d.DueAt, d.DueAt, 0
		if err := tx.PutDeadline(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// report gives case c the report it came with and its thread with the
// reporter, without audit events: the event budget is the history's.
func (g *generator) report(ctx context.Context, tx *store.Tx, c *store.Case, meta *seedMeta) error {
	r := &store.Report{CaseID: c.ID, Reference: "BENCH-" + c.Key, Product: "frobnicator " + g.pick(g.lexicon.words),
		Versions: "2.1 to 2.4", Steps: g.description(), Impact: "Remote code execution as the service user.",
		CreditPreference: "name", LinkIssuedAt: c.CreatedAt, SubmittedAt: c.CreatedAt}
	if err := tx.CreateReport(ctx, r); err != nil {
		return err
	}
	meta.Reports++
	k := g.perReport
	if g.reportIndex < g.extraMessages {
		k++
	}
	g.reportIndex++
	for i := range k {
		body := fmt.Sprintf("%s Seen with %s and %s on the %s build.", g.pick(sentences), g.pick(g.lexicon.words),
			g.pick(g.lexicon.words), g.pick(components))
		m := &store.ReportMessage{CaseID: c.ID, FromReporter: i%2 == 0, Body: body, CreatedAt: c.CreatedAt + int64(i+1)*60_000}
		if !m.FromReporter {
			m.AuthorID, m.AuthorName = g.user.ID, g.user.Name
		}
		if err := tx.CreateReportMessage(ctx, m); err != nil {
			return err
		}
		meta.Messages++
	}
	return nil
}

// apply writes one step of a case's history and its audit event.
func (g *generator) apply(ctx context.Context, tx *store.Tx, c *store.Case, s step, meta *seedMeta) error {
	switch s.kind {
	case "transition":
		before := map[string]any{"state": c.State, "resolution": c.Resolution}
		after := map[string]any{"state": s.to, "resolution": ""}
		if s.to == cases.StateRejected {
			c.Resolution = g.pick(cases.Resolutions)
			after["resolution"], after["reason"] = c.Resolution, "Not reproducible with the supported configuration."
		}
		cases.ReachMilestones(c, c.State, s.to, g.at)
		c.State = s.to
		c.UpdatedAt = g.at
		return g.record(ctx, tx, c, "case.transition", "", "", before, after)
	case "note":
		n := &store.Note{CaseID: c.ID, AuthorID: g.user.ID, Body: g.pick(sentences), CreatedAt: g.tick()}
		if err := tx.CreateNote(ctx, n); err != nil {
			return err
		}
		meta.Notes++
		return g.record(ctx, tx, c, "note.create", "note", fmt.Sprint(n.ID), nil, map[string]any{"body": n.Body})
	case "update":
		old := c.Severity
		c.Severity = g.pick(cases.Severities)
		c.UpdatedAt = g.at
		return g.record(ctx, tx, c, "case.update", "", "", map[string]any{"severity": old}, map[string]any{"severity": c.Severity})
	}
	return errors.New("unknown step " + s.kind)
}
