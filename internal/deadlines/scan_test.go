// SPDX-License-Identifier: AGPL-3.0-or-later

package deadlines_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/deadlines"
	"embargo/internal/projects"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

type world struct {
	s       *store.Store
	clk     *clock.Fake
	cases   *cases.Service
	scan    *deadlines.Scanner
	project *store.Project
	lead    *authz.Actor
	users   map[string]int64
}

// newWorld makes a project "acme" whose policy is UTC, acknowledge within
// 3 business days, remind 2 days before, with an admin (lead), two
// responders (ann, ben), a viewer (vic) and a disabled responder (dan).
func newWorld(t *testing.T, s *store.Store) *world {
	t.Helper()
	ctx := context.Background()
	// A Monday morning.
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	w := &world{s: s, clk: clk, cases: &cases.Service{Store: s, Clock: clk}, users: map[string]int64{},
		scan: &deadlines.Scanner{Store: s, Clock: clk, BaseURL: "https://embargo.example"}}
	for _, name := range []string{"lead", "ann", "ben", "vic", "dan"} {
		u := &store.User{Email: name + "@example.org", Name: name, CreatedAt: 1, UpdatedAt: 1, Disabled: name == "dan"}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
			t.Fatal(err)
		}
		w.users[name] = u.ID
	}
	w.lead = &authz.Actor{UserID: w.users["lead"], Email: "lead@example.org", Name: "lead", Via: "test"}
	p, err := (&projects.Service{Store: s, Clock: clk}).Create(ctx, w.lead, "acme", projects.Input{Name: ptr("Acme")})
	if err != nil {
		t.Fatal(err)
	}
	w.project = p
	if err := s.Write(ctx, func(tx *store.Tx) error {
		for name, role := range map[string]string{"ann": "responder", "ben": "responder", "vic": "viewer", "dan": "responder"} {
			if err := tx.SetMember(ctx, &store.Member{ProjectID: p.ID, UserID: w.users[name], Role: role, CreatedAt: 1}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return w
}

func ptr[T any](v T) *T { return &v }

// report files a report the way intake does: the case with its report row.
func (w *world) report(t *testing.T, title string) *store.Case {
	t.Helper()
	now := w.clk.Now()
	set, _ := projects.ParseSettings(w.project.Settings)
	c, err := w.cases.CreateWith(context.Background(), &authz.Actor{Via: "reporter"}, w.project, cases.Input{Title: &title},
		"report.create", nil, func(tx *store.Tx, c *store.Case) error {
			return tx.CreateReport(context.Background(), &store.Report{CaseID: c.ID, Reference: "RPT-" + c.Key,
				CreditPreference: "anonymous", LinkIssuedAt: clock.Millis(now), SubmittedAt: clock.Millis(now),
				AckDueAt: clock.Millis(set.AcknowledgeDue(now))})
		})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (w *world) scanOnce(t *testing.T) deadlines.ScanResult {
	t.Helper()
	res, err := w.scan.Scan(context.Background())
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	return res
}

// mail returns the recipients and subjects of the case's queued mail.
func (w *world) mail(t *testing.T, c *store.Case) (to []string, subjects []string) {
	t.Helper()
	var list []*store.OutboxMessage
	if err := w.s.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		list, err = tx.ListMail(context.Background(), c.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, m := range list {
		to, subjects = append(to, m.To), append(subjects, m.Subject)
	}
	slices.Sort(to)
	return to, subjects
}

func (w *world) events(t *testing.T, c *store.Case, action string) int {
	t.Helper()
	evs, err := w.cases.Events(context.Background(), c.ID, 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Action == action {
			n++
		}
	}
	return n
}

func TestScanRemindsThenAlarmsTheCaseOwnersOnce(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		c := w.report(t, "Heap overflow")
		if _, err := w.cases.Assign(ctx, w.lead, c.Key, cases.Assignment{CoordinatorID: w.users["ann"], AssigneeIDs: []int64{w.users["ben"]}}); err != nil {
			t.Fatal(err)
		}
		// Reported Monday 09:00; acknowledgement due Thursday 09:00; the
		// period is three days, so the reminder comes halfway, Tuesday 21:00.
		w.clk.Advance(36*time.Hour - time.Minute)
		if res := w.scanOnce(t); res.Reminders+res.Alarms != 0 {
			t.Fatalf("reminded before time: %+v", res)
		}
		w.clk.Advance(time.Minute)
		if res := w.scanOnce(t); res.Reminders != 1 || res.Alarms != 0 {
			t.Fatalf("at the reminder time: %+v, want one reminder", res)
		}
		to, subjects := w.mail(t, c)
		if want := []string{"ann@example.org", "ben@example.org"}; !slices.Equal(to, want) {
			t.Fatalf("reminder went to %v, want the coordinator and assignee %v", to, want)
		}
		for _, sub := range subjects {
			if strings.Contains(sub, "Heap overflow") {
				t.Fatalf("subject %q reveals the case title", sub)
			}
		}
		if res := w.scanOnce(t); res.Reminders+res.Alarms != 0 {
			t.Fatalf("a second scan reminded again: %+v", res)
		}
		// Thursday 09:00 exactly is still on time; a minute later is missed.
		w.clk.Advance(36 * time.Hour)
		if res := w.scanOnce(t); res.Alarms != 0 {
			t.Fatalf("alarm at the due minute itself: %+v", res)
		}
		w.clk.Advance(time.Minute)
		if res := w.scanOnce(t); res.Alarms != 1 {
			t.Fatalf("after the deadline: %+v, want one alarm", res)
		}
		_, subjects = w.mail(t, c)
		if got := subjects[len(subjects)-1]; !strings.HasPrefix(got, "Missed deadline: Acknowledge the report for ACME-1") {
			t.Fatalf("alarm subject %q", got)
		}
		if w.events(t, c, "deadline.reminder") != 1 || w.events(t, c, "deadline.alarm") != 1 {
			t.Fatal("reminder and alarm are not each on the case's record once")
		}
		w.clk.Advance(48 * time.Hour)
		if res := w.scanOnce(t); res.Reminders+res.Alarms != 0 {
			t.Fatalf("alarm repeated: %+v", res)
		}
	})
}

func TestScanSendsNothingForAKeptPromise(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		c := w.report(t, "XSS")
		w.clk.Advance(time.Hour)
		if _, err := w.cases.Move(ctx, w.lead, c.Key, cases.Transition{To: cases.StateAcknowledged}); err != nil {
			t.Fatal(err)
		}
		w.clk.Advance(4 * 24 * time.Hour)
		w.scanOnce(t)
		st, err := w.cases.Deadlines(ctx, mustCase(t, w, c.Key))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, d := range st {
			got[d.Kind] = d.State
		}
		if got[deadlines.Acknowledge] != "met" || got[deadlines.Assessment] != "open" || got[deadlines.Embargo] != "open" {
			t.Fatalf("deadline states %v", got)
		}
		if w.events(t, c, "deadline.alarm")+w.events(t, c, "deadline.reminder") != 0 {
			t.Fatal("a kept promise was reminded")
		}
	})
}

func TestUnassignedCaseRemindsTheWholeTeamButNotViewersOrDisabled(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		c := w.report(t, "CSRF")
		w.clk.Advance(5 * 24 * time.Hour)
		if res := w.scanOnce(t); res.Alarms != 1 || res.Reminders != 0 {
			t.Fatalf("scan long after the deadline: %+v, want only the alarm", res)
		}
		to, _ := w.mail(t, c)
		// The report was filed without intake's notices, so every mail
		// here is the alarm.
		want := []string{"ann@example.org", "ben@example.org", "lead@example.org"}
		if !slices.Equal(to, want) {
			t.Fatalf("alarm to %v, want %v", to, want)
		}
	})
}

func TestRejectedCaseCancelsItsDeadlines(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		c := w.report(t, "Spam")
		if _, err := w.cases.Move(ctx, w.lead, c.Key, cases.Transition{To: cases.StateRejected, Resolution: "not-applicable", Reason: "advert"}); err != nil {
			t.Fatal(err)
		}
		w.clk.Advance(200 * 24 * time.Hour)
		if res := w.scanOnce(t); res.Alarms+res.Reminders != 0 {
			t.Fatalf("a rejected case raised %+v", res)
		}
	})
}

func TestScanBackfillsCasesFromBeforeDeadlines(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		c := w.report(t, "Old")
		// Make it look like a case from before deadlines existed.
		if err := s.Write(ctx, func(tx *store.Tx) error {
			for _, k := range deadlines.Kinds {
				if err := tx.DeleteDeadline(ctx, c.ID, k); err != nil {
					return err
				}
			}
			return tx.MarkDeadlinesSynced(ctx, c.ID, 0)
		}); err != nil {
			t.Fatal(err)
		}
		if res := w.scanOnce(t); res.Backfilled != 1 {
			t.Fatalf("backfilled %d, want 1", res.Backfilled)
		}
		st, err := w.cases.Deadlines(ctx, mustCase(t, w, c.Key))
		if err != nil || len(st) != 2 {
			t.Fatalf("after backfill: %v, %v; want acknowledge and embargo", st, err)
		}
		if res := w.scanOnce(t); res.Backfilled != 0 {
			t.Fatal("backfilled twice")
		}
	})
}

func TestManyDueDeadlinesAreAllHandledInOneScan(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		for i := 0; i < 230; i++ {
			w.report(t, "bulk")
		}
		w.clk.Advance(4 * 24 * time.Hour)
		if res := w.scanOnce(t); res.Alarms != 230 {
			t.Fatalf("alarms %d, want 230 (more than one batch)", res.Alarms)
		}
	})
}

func mustCase(t *testing.T, w *world, key string) *store.Case {
	t.Helper()
	d, err := w.cases.Get(context.Background(), key, 1)
	if err != nil {
		t.Fatal(err)
	}
	return d.Case
}

// embargoAlarms counts the case's mail saying its embargo ended silently.
func (w *world) embargoAlarms(t *testing.T, c *store.Case) int {
	t.Helper()
	_, subjects := w.mail(t, c)
	n := 0
	for _, s := range subjects {
		if s == "Embargo ended without disclosure or extension: "+c.Key {
			n++
		}
	}
	return n
}

func TestEmbargoEndNeverPassesSilently(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		kept := w.report(t, "Overflow")
		extended := w.report(t, "Underflow")
		end := w.clk.Now().AddDate(0, 0, 10)
		for _, c := range []*store.Case{kept, extended} {
			if _, err := w.cases.Assign(ctx, w.lead, c.Key, cases.Assignment{CoordinatorID: w.users["ann"]}); err != nil {
				t.Fatal(err)
			}
			if _, err := w.cases.SetEmbargo(ctx, w.lead, c.Key, cases.EmbargoEnd{Until: end}); err != nil {
				t.Fatal(err)
			}
		}
		w.clk.Advance(9 * 24 * time.Hour)
		w.scanOnce(t)
		if _, err := w.cases.ExtendEmbargo(ctx, w.lead, extended.Key, cases.EmbargoExtension{
			EmbargoEnd: cases.EmbargoEnd{Until: end.AddDate(0, 0, 20)}, AskedBy: "reporter",
			Reason: "the release slipped", ReporterAgreed: "yes"}); err != nil {
			t.Fatal(err)
		}
		w.clk.Advance(24*time.Hour + time.Minute)
		w.scanOnce(t)
		if n := w.embargoAlarms(t, kept); n != 1 {
			t.Errorf("embargo ended without disclosure or extension: %d alarms, want 1", n)
		}
		if n := w.embargoAlarms(t, extended); n != 0 {
			t.Errorf("extended embargo raised %d alarms at its old end", n)
		}
		var body string
		if err := s.Read(ctx, func(tx *store.Tx) error {
			list, err := tx.ListMail(ctx, kept.ID)
			for _, m := range list {
				if strings.HasPrefix(m.Subject, "Embargo ended") {
					body = m.Body
				}
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, "ended on Thu 12 Mar 2026 09:00 UTC without disclosure or extension") {
			t.Errorf("alarm body %q does not say the embargo ended without disclosure or extension", body)
		}
		// The extended one's alarm comes at its new end.
		w.clk.Advance(20 * 24 * time.Hour)
		w.scanOnce(t)
		if n := w.embargoAlarms(t, extended); n != 1 {
			t.Errorf("extended embargo after its new end: %d alarms, want 1", n)
		}
	})
}
