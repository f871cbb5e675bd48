// SPDX-License-Identifier: AGPL-3.0-or-later

package intake_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/intake"
	"embargo/internal/pgp"
	"embargo/internal/projects"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
	"embargo/internal/validation"
)

var ctx = context.Background()

// fakeKeys decrypts "-----BEGIN PGP MESSAGE-----\nPLAIN" to PLAIN for
// project 1 only, and has no key for other projects.
type fakeKeys struct{ projectID int64 }

func (k fakeKeys) DecryptForProject(_ context.Context, projectID int64, data []byte) ([]byte, error) {
	if projectID != k.projectID {
		return nil, pgp.ErrNoKey
	}
	plain, ok := strings.CutPrefix(string(data), "-----BEGIN PGP MESSAGE-----\n")
	if !ok || plain == "garbage" {
		return nil, pgp.ErrMalformed
	}
	return []byte(plain), nil
}

type fixture struct {
	s    *store.Store
	svc  *intake.Service
	p    *store.Project
	lead *authz.Actor
}

func setUp(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 5, 8, 12, 0, 0, 0, time.UTC)) // a Friday
	u := &store.User{Email: "lead@example.org", Name: "Lead", CreatedAt: 1, UpdatedAt: 1}
	if err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	lead := &authz.Actor{UserID: u.ID, Email: u.Email, Name: u.Name, Via: "test"}
	ps := &projects.Service{Store: s, Clock: clk}
	name := "Acme"
	p, err := ps.Create(ctx, lead, "acme", projects.Input{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	cs := &cases.Service{Store: s, Clock: clk}
	svc := &intake.Service{Store: s, Clock: clk, Cases: cs, Decrypter: fakeKeys{projectID: p.ID}}
	return &fixture{s: s, svc: svc, p: p, lead: lead}
}

// rows counts every row of every table, through the backup.
func rows(t *testing.T, s *store.Store) int64 {
	t.Helper()
	info, err := s.Backup(ctx, io.Discard, 1)
	if err != nil {
		t.Fatal(err)
	}
	return info.Rows
}

func TestSubmitAnonymousReport(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		rc, err := f.svc.Submit(ctx, f.p, intake.Report{Title: "Heap overflow", Description: "In the parser.",
			Attachments: []intake.File{{Name: "../../poc\x01.html", Data: []byte("<script>alert(1)</script>")}}})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(rc.Token, authz.ReporterLinkPrefix) || !strings.HasPrefix(rc.Reference, "RPT-") {
			t.Errorf("receipt %+v", rc)
		}
		if rc.Case.State != cases.StateNew || rc.Case.CreatedBy != 0 {
			t.Errorf("case %+v", rc.Case)
		}
		th, err := f.svc.Thread(ctx, f.p, rc.Case)
		if err != nil {
			t.Fatal(err)
		}
		if th.Report.ContactEmail != "" || th.Report.CreditPreference != intake.CreditAnonymous {
			t.Errorf("report %+v", th.Report)
		}
		if th.Report.LinkHash != authz.HashSecret(rc.Token) {
			t.Error("the link's hash is not what was stored")
		}
		if len(th.Attachments) != 1 || th.Attachments[0].Filename != "poc.html" || th.Attachments[0].ContentType != "text/plain" {
			t.Errorf("attachments %+v", th.Attachments[0])
		}
		// Submitted Friday 12:00 UTC; three business days later is Wednesday.
		if got := clock.FromMillis(th.AcknowledgeBy); !got.Equal(time.Date(2026, 5, 13, 12, 0, 0, 0, time.UTC)) {
			t.Errorf("acknowledge by %v", got)
		}
		events, err := f.svc.Cases.Events(ctx, rc.Case.ID, 0, 10)
		if err != nil || len(events) != 1 || events[0].Action != "report.create" || events[0].ActorLabel != "reporter" {
			t.Fatalf("events %v %v", events, err)
		}
		if strings.Contains(string(events[0].After), rc.Token) || strings.Contains(string(events[0].After), th.Report.LinkHash) {
			t.Error("the audit event holds the link")
		}
	})
}

func TestSubmitEncrypted(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		rc, err := f.svc.Submit(ctx, f.p, intake.Report{Title: "T", Description: "-----BEGIN PGP MESSAGE-----\nsecret details"})
		if err != nil {
			t.Fatal(err)
		}
		th, _ := f.svc.Thread(ctx, f.p, rc.Case)
		if rc.Case.Description != "secret details" || !th.Report.ArrivedEncrypted {
			t.Errorf("description %q, encrypted %v", rc.Case.Description, th.Report.ArrivedEncrypted)
		}
		before := rows(t, s)
		other := *f.p
		other.ID = f.p.ID + 100 // a project without a key
		for _, tc := range []struct {
			p    *store.Project
			desc string
		}{{f.p, "-----BEGIN PGP MESSAGE-----\ngarbage"}, {&other, "-----BEGIN PGP MESSAGE-----\nx"}} {
			_, err := f.svc.Submit(ctx, tc.p, intake.Report{Title: "T", Description: tc.desc})
			var ve *validation.Error
			if !errors.As(err, &ve) || ve.Field != "description" {
				t.Errorf("%q: err = %v, want a description error", tc.desc, err)
			}
		}
		if after := rows(t, s); after != before {
			t.Errorf("a refused report wrote %d rows", after-before)
		}
	})
}

func TestSubmitRefusesBadInputAndWritesNothing(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		before := rows(t, s)
		ok := intake.Report{Title: "T", Description: "D"}
		bad := []struct {
			name  string
			mod   func(r *intake.Report)
			field string
		}{
			{"no title", func(r *intake.Report) { r.Title = "" }, "title"},
			{"bad UTF-8", func(r *intake.Report) { r.Impact = "a\xffb" }, "impact"},
			{"control characters", func(r *intake.Report) { r.Product = "a\x00b" }, "product"},
			{"long steps", func(r *intake.Report) { r.Steps = strings.Repeat("x", intake.MaxSteps+1) }, "steps_to_reproduce"},
			{"bad email", func(r *intake.Report) { r.Contact = &intake.Contact{Email: "nope"} }, "contact.email"},
			{"bad key", func(r *intake.Report) { r.ReporterKey = "hello" }, "reporter_public_key"},
			{"credit by name without one", func(r *intake.Report) { r.CreditPreference = "name" }, "credit_name"},
			{"unknown credit", func(r *intake.Report) { r.CreditPreference = "fame" }, "credit_preference"},
			{"too many files", func(r *intake.Report) {
				for range intake.MaxFiles + 1 {
					r.Attachments = append(r.Attachments, intake.File{Name: "a", Data: []byte("x")})
				}
			}, "attachment"},
			{"empty file", func(r *intake.Report) { r.Attachments = []intake.File{{Name: "a"}} }, "attachment"},
		}
		for _, tc := range bad {
			rep := ok
			tc.mod(&rep)
			_, err := f.svc.Submit(ctx, f.p, rep)
			var ve *validation.Error
			if !errors.As(err, &ve) || ve.Field != tc.field {
				t.Errorf("%s: err = %v, want an error on %s", tc.name, err, tc.field)
			}
		}
		archived := *f.p
		archived.ArchivedAt = 1
		var ce *validation.Conflict
		if _, err := f.svc.Submit(ctx, &archived, ok); !errors.As(err, &ce) {
			t.Errorf("archived: %v, want a conflict", err)
		}
		if after := rows(t, s); after != before {
			t.Errorf("refused reports wrote %d rows", after-before)
		}
	})
}

func TestThreadReplyLinkAndCredit(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := setUp(t, s)
		rc, err := f.svc.Submit(ctx, f.p, intake.Report{Title: "T", Description: "D", CreditName: "Ada"})
		if err != nil {
			t.Fatal(err)
		}
		reporter := &authz.Actor{Via: "reporter", ReporterCaseID: rc.Case.ID}
		if _, err := f.svc.Reply(ctx, reporter, rc.Case, "Any news?", []intake.File{{Name: "more.txt", Data: []byte("x")}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Reply(ctx, f.lead, rc.Case, "Looking at it.", nil); err != nil {
			t.Fatal(err)
		}
		stranger := &authz.Actor{Via: "reporter", ReporterCaseID: rc.Case.ID + 1}
		if _, err := f.svc.Reply(ctx, stranger, rc.Case, "hi", nil); !errors.Is(err, authz.ErrForbidden) {
			t.Errorf("another case's reporter: %v", err)
		}
		th, _ := f.svc.Thread(ctx, f.p, rc.Case)
		if len(th.Messages) != 2 || !th.Messages[0].FromReporter || th.Messages[1].AuthorName != "Lead" ||
			len(th.MessageFiles(th.Messages[0].ID)) != 1 {
			t.Errorf("thread %+v", th.Messages)
		}
		if err := f.svc.SetCredit(ctx, reporter, rc.Case, "", intake.CreditNone); err != nil {
			t.Fatal(err)
		}
		token, err := f.svc.ReissueLink(ctx, f.lead, rc.Case)
		if err != nil || token == rc.Token {
			t.Fatalf("reissue: %v", err)
		}
		if err := f.svc.RevokeLink(ctx, f.lead, rc.Case); err != nil {
			t.Fatal(err)
		}
		err = s.Read(ctx, func(tx *store.Tx) error {
			for _, tk := range []string{rc.Token, token} {
				if _, err := tx.CaseByReporterLink(ctx, authz.HashSecret(tk)); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("revoked link still finds its case: %v", err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		th, _ = f.svc.Thread(ctx, f.p, rc.Case)
		if th.Report.CreditPreference != intake.CreditNone || th.Report.CreditName != "" {
			t.Errorf("credit %q %q", th.Report.CreditPreference, th.Report.CreditName)
		}
		events, _ := f.svc.Cases.Events(ctx, rc.Case.ID, 0, 20)
		var actions []string
		for _, e := range events {
			actions = append(actions, e.Action)
		}
		want := "report.link_revoke report.link_reissue report.credit report.message report.message report.create"
		if got := strings.Join(actions, " "); got != want {
			t.Errorf("events %s, want %s", got, want)
		}
	})
}
