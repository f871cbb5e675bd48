// SPDX-License-Identifier: AGPL-3.0-or-later

package store_test

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/audit"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// rawDB opens dsn directly, bypassing the store, so the tests below check
// the database itself rather than the code under test.
func rawDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	driver := "sqlite"
	if store.IsPostgresURL(dsn) {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func rawTables(t *testing.T, db *sql.DB, dsn string) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name`
	if store.IsPostgresURL(dsn) {
		q = `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// tableDump is a table's columns and rows, the rows sorted so that dumps
// of the same data on either engine compare equal.
type tableDump struct {
	Columns []string
	Rows    [][]any
}

// dumpAll reads every table of the database at dsn.
func dumpAll(t *testing.T, dsn string) map[string]tableDump {
	t.Helper()
	db := rawDB(t, dsn)
	out := map[string]tableDump{}
	engine := store.SQLite
	if store.IsPostgresURL(dsn) {
		engine = store.Postgres
	}
	for _, table := range rawTables(t, db, dsn) {
		if slices.Contains(store.DerivedTables(engine), table) {
			continue // not backed up: rebuilt by triggers (TestBackupRestoreRoundTrip searches)
		}
		if slices.Contains(store.EphemeralTables(), table) {
			continue // not backed up: short-lived counters
		}
		rows, err := db.Query(`SELECT * FROM ` + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		d := tableDump{Columns: cols}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if n, ok := v.(int32); ok {
					vals[i] = int64(n) // PostgreSQL INTEGER; the value is what counts
				}
			}
			d.Rows = append(d.Rows, vals)
		}
		rows.Close()
		slices.SortFunc(d.Rows, func(a, b []any) int { return strings.Compare(fmt.Sprintf("%#v", a), fmt.Sprintf("%#v", b)) })
		out[table] = d
	}
	return out
}

// Values chosen to break a sloppy encoder: integers beyond float64's exact
// range, text with quotes, markup, newlines and characters outside the BMP.
const (
	bigInt   int64 = 1<<53 + 1
	hugeInt  int64 = 1<<62 + 3
	oddText        = "Ann \"Ünïcødé\" <b>&amp;</b>\n\ttab 🔐 \\ back"
	jsonText       = `{"policy":"<b>&\"quoted\"</b>","emoji":"🐛","newline":"a\nb","big":9007199254740993}`
)

// populate puts at least one row in every table, with NULLs and non-NULLs
// in the nullable columns.
func populate(t *testing.T, s *store.Store) {
	t.Helper()
	write(t, s, func(tx *store.Tx) error {
		ann := &store.User{Email: "ann@example.org", Name: oddText, PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA",
			IsAdmin: true, TOTPSecret: "JBSWY3DPEHPK3PXP", TOTPEnabled: true, CreatedAt: hugeInt, UpdatedAt: now}
		ben := &store.User{Email: "ben@example.org", Name: "Ben", Disabled: true, CreatedAt: now, UpdatedAt: now}
		for _, u := range []*store.User{ann, ben} {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		ann.TOTPLastStep = bigInt
		if err := tx.UpdateUser(ctx, ann); err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, ann.ID, []string{"rc1", "rc2", "rc3"}); err != nil {
			return err
		}
		if _, err := tx.UseRecoveryCode(ctx, ann.ID, "rc2", now); err != nil {
			return err
		}
		for _, x := range []*store.Session{
			{IDHash: "sess1", UserID: ann.ID, MFAPending: true, CreatedAt: now, ExpiresAt: now + 1, LastSeenAt: now, UserAgent: oddText, RemoteAddr: "2001:db8::1"},
			{IDHash: "sess2", UserID: ben.ID, CreatedAt: now, ExpiresAt: hugeInt, LastSeenAt: now},
		} {
			if err := tx.CreateSession(ctx, x); err != nil {
				return err
			}
		}
		tk1 := &store.APIToken{UserID: ann.ID, Name: "ci", TokenHash: "tok1", CreatedAt: now}
		tk2 := &store.APIToken{UserID: ann.ID, Name: "old", TokenHash: "tok2", CreatedAt: now}
		for _, tk := range []*store.APIToken{tk1, tk2} {
			if err := tx.CreateAPIToken(ctx, tk); err != nil {
				return err
			}
		}
		if err := tx.TouchAPIToken(ctx, tk1.ID, now+1); err != nil {
			return err
		}
		if err := tx.RevokeAPIToken(ctx, ann.ID, tk2.ID, now+2); err != nil {
			return err
		}
		if err := tx.CreateSetupToken(ctx, "setup-used", now, now+1000); err != nil {
			return err
		}
		if err := tx.UseSetupToken(ctx, "setup-used", now+1); err != nil {
			return err
		}
		if err := tx.CreateSetupToken(ctx, "setup-open", now, now+1000); err != nil {
			return err
		}
		acme := &store.Project{Slug: "acme", Name: "Acme", Description: oddText, RequireMFA: true, Settings: jsonText, CreatedAt: now, UpdatedAt: now}
		old := &store.Project{Slug: "old", Name: "Old", Settings: "{}", CreatedAt: now, UpdatedAt: now}
		for _, p := range []*store.Project{acme, old} {
			if err := tx.CreateProject(ctx, p); err != nil {
				return err
			}
		}
		old.ArchivedAt = now + 3
		if err := tx.UpdateProject(ctx, old); err != nil {
			return err
		}
		for _, m := range []*store.Member{
			{ProjectID: acme.ID, UserID: ann.ID, Role: "admin", CreatedAt: now},
			{ProjectID: acme.ID, UserID: ben.ID, Role: "viewer", CreatedAt: now},
		} {
			if err := tx.SetMember(ctx, m); err != nil {
				return err
			}
		}
		inv1 := &store.Invitation{ProjectID: acme.ID, Email: "cy@example.org", Role: "responder", TokenHash: "inv1", InvitedBy: ann.ID, CreatedAt: now, ExpiresAt: now + 1000}
		inv2 := &store.Invitation{ProjectID: acme.ID, Email: "di@example.org", Role: "viewer", TokenHash: "inv2", CreatedAt: now, ExpiresAt: now + 1000}
		for _, in := range []*store.Invitation{inv1, inv2} {
			if err := tx.CreateInvitation(ctx, in); err != nil {
				return err
			}
		}
		if err := tx.AcceptInvitation(ctx, inv1.ID, ben.ID, now+4); err != nil {
			return err
		}
		// OpenPGP keys: sealed bytes that are not text, a key whose creator
		// is on record and one whose is not.
		for _, k := range []*store.OpenPGPKey{
			{ProjectID: acme.ID, Fingerprint: "0123456789ABCDEF0123456789ABCDEF01234567", PublicArmored: "-----BEGIN PGP PUBLIC KEY BLOCK-----",
				PrivateSealed: []byte{1, 0, 0xff, 0xfe}, CreatedAt: now, CreatedBy: ann.ID},
			{ProjectID: old.ID, Fingerprint: "FEDCBA9876543210FEDCBA9876543210FEDCBA98", PublicArmored: "k",
				PrivateSealed: []byte{1}, CreatedAt: now + 1},
		} {
			if err := tx.PutProjectKey(ctx, k); err != nil {
				return err
			}
		}
		if _, err := tx.CreateInstanceKey(ctx, &store.OpenPGPKey{Fingerprint: "AB", PublicArmored: "pub",
			PrivateSealed: []byte{1, 2, 3}, CreatedAt: now}); err != nil {
			return err
		}
		c1 := &store.Case{Title: oddText, Description: jsonText, Severity: "critical", State: "triage", CoordinatorID: ann.ID, CreatedBy: ben.ID}
		c2 := &store.Case{Title: "Second", Resolution: "fixed", State: "closed"}
		for _, c := range []*store.Case{c1, c2} {
			if err := createCase(tx, acme, c); err != nil {
				return err
			}
		}
		if err := tx.SetAssignees(ctx, c1.ID, []int64{ann.ID, ben.ID}); err != nil {
			return err
		}
		for _, n := range []*store.Note{
			{CaseID: c1.ID, AuthorID: ann.ID, Body: oddText, CreatedAt: now},
			{CaseID: c1.ID, Body: "system note", CreatedAt: now + 1},
		} {
			if err := tx.CreateNote(ctx, n); err != nil {
				return err
			}
		}
		for _, v := range []*store.CVSS{
			{CaseID: c1.ID, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", Version: "3.1", Score: 75, Rating: "High", SetBy: ann.ID, SetAt: now},
			{CaseID: c1.ID, SetAt: now + 1}, // cleared, by nobody still on record
		} {
			if err := tx.AddCVSS(ctx, v); err != nil {
				return err
			}
		}
		if err := tx.SetCaseCWEs(ctx, c1.ID, []int{79, 787}); err != nil {
			return err
		}
		// A triage record, override and plan with people on record, and
		// a second case's with nobody.
		for _, r := range []*store.Triage{
			{CaseID: c1.ID, ReproStatus: "reproduced", ReproEnvironment: oddText, ReproSteps: oddText, ReproBy: ann.ID, ReproAt: now,
				Decision: "confirmed", DecidedBy: ben.ID, DecidedAt: hugeInt, ImpactGain: oddText, Affected: jsonText,
				Exploitation: "public-poc", UpdatedBy: ann.ID, UpdatedAt: now},
			{CaseID: c2.ID, ReproStatus: "not-tried", Affected: "[]", Exploitation: "none", UpdatedAt: now},
		} {
			if err := tx.PutTriage(ctx, r); err != nil {
				return err
			}
		}
		if err := tx.SetPriorityOverride(ctx, &store.PriorityOverride{CaseID: c1.ID, Priority: "P1", Reason: oddText, SetBy: ann.ID, SetAt: now}); err != nil {
			return err
		}
		if err := tx.SetPriorityOverride(ctx, &store.PriorityOverride{CaseID: c2.ID, Priority: "P4", Reason: "r", SetAt: now}); err != nil {
			return err
		}
		for _, p := range []*store.Plan{
			{CaseID: c1.ID, TargetRelease: oddText, FixRefs: jsonText, OwnerID: ann.ID, DueDate: "2026-12-01", UpdatedBy: ann.ID, UpdatedAt: now},
			{CaseID: c2.ID, FixRefs: "[]", UpdatedAt: now},
		} {
			if err := tx.PutPlan(ctx, p); err != nil {
				return err
			}
		}
		// Labels, one shared by two cases, and a saved view.
		label, err := tx.EnsureLabel(ctx, c1.ProjectID, "tls", now)
		if err != nil {
			return err
		}
		for _, id := range []int64{c1.ID, c2.ID} {
			if _, err := tx.AddCaseLabel(ctx, id, label); err != nil {
				return err
			}
		}
		if err := tx.SaveView(ctx, &store.SavedView{UserID: ann.ID, ProjectID: c1.ProjectID, Name: oddText,
			Query: "label=tls&state=open", CreatedAt: now}); err != nil {
			return err
		}
		// A duplicate with its credit kept, by someone on record, and a
		// related link by nobody; c2 waits on its reporter.
		for _, l := range []*store.CaseLink{
			{CaseID: c2.ID, OtherID: c1.ID, Kind: store.LinkDuplicateOf, CreditKept: true, CreatedBy: ann.ID, CreatedAt: now},
			{CaseID: c1.ID, OtherID: c2.ID, Kind: store.LinkRelated, CreatedAt: hugeInt},
		} {
			if err := tx.CreateCaseLink(ctx, l); err != nil {
				return err
			}
		}
		if err := tx.SetCaseWaitingUntil(ctx, c2.ID, hugeInt); err != nil {
			return err
		}
		// A report with a revoked link and one with a live one, a thread
		// message, and attachments whose bytes are not text.
		for i, r := range []*store.Report{
			{CaseID: c1.ID, Reference: "RPT-ONE", Product: oddText, CreditPreference: "name", CreditName: "Ann",
				AlreadyPublic: true, ShareContact: true, ArrivedEncrypted: true, LinkIssuedAt: now, SubmittedAt: now},
			{CaseID: c2.ID, Reference: "RPT-TWO", CreditPreference: "none", LinkHash: "link2", LinkIssuedAt: now + 1, SubmittedAt: now},
		} {
			r.Steps = jsonText[:i+1]
			if err := tx.CreateReport(ctx, r); err != nil {
				return err
			}
		}
		msg := &store.ReportMessage{CaseID: c1.ID, FromReporter: true, Body: oddText, CreatedAt: now}
		if err := tx.CreateReportMessage(ctx, msg); err != nil {
			return err
		}
		for _, a := range []*store.ReportAttachment{
			{CaseID: c1.ID, Filename: "poc.bin", ContentType: "application/octet-stream", Size: 4, SHA256: "x", Data: []byte{0, 0xff, 0xfe, 1}, CreatedAt: now},
			{CaseID: c1.ID, MessageID: msg.ID, Filename: "log.txt", ContentType: "text/plain", Size: 2, SHA256: "y", Data: []byte("ok"), CreatedAt: now},
		} {
			if err := tx.CreateReportAttachment(ctx, a); err != nil {
				return err
			}
		}
		// Spam: a report's address, a block by address tied to its case and
		// one by key whose case and creator are not on record.
		if err := tx.SetReportAddress(ctx, c2.ID, "2001:db8::1"); err != nil {
			return err
		}
		for _, b := range []*store.ReportBlock{
			{ProjectID: acme.ID, Kind: store.BlockAddress, Value: "2001:db8::1", CaseID: c2.ID, CreatedBy: ann.ID, CreatedAt: now},
			{ProjectID: acme.ID, Kind: store.BlockKey, Value: "0123456789ABCDEF0123456789ABCDEF01234567", CreatedAt: hugeInt},
		} {
			if err := tx.CreateReportBlock(ctx, b); err != nil {
				return err
			}
		}
		// Mail: one pending and one delivered, one about a case and one not.
		mails := []*store.OutboxMessage{
			{ProjectID: acme.ID, CaseID: c1.ID, To: "ann@example.org", Subject: oddText, Body: jsonText, AutoSubmitted: true, CreatedAt: now},
			{To: "ben@example.org", Subject: "Hi", Body: "x", CreatedAt: now + 1},
		}
		for _, m := range mails {
			if err := tx.EnqueueMail(ctx, m); err != nil {
				return err
			}
		}
		if err := tx.MarkMailDelivered(ctx, mails[1].ID, now+2, "file"); err != nil {
			return err
		}
		if err := tx.SetReportAcknowledged(ctx, c1.ID, now+3, ann.ID); err != nil {
			return err
		}
		// Deadlines (one open, one met), a job and a periodic task.
		for _, d := range []*store.Deadline{
			{CaseID: c1.ID, Kind: "acknowledge", Basis: "received:1", StartedAt: now, DueAt: hugeInt, RemindAt: now + 5, NextCheckAt: now + 5},
			{CaseID: c1.ID, Kind: "embargo", Basis: oddText, StartedAt: now, DueAt: now + 9, RemindAt: now + 8, MetAt: now + 7},
		} {
			if err := tx.PutDeadline(ctx, d); err != nil {
				return err
			}
		}
		// An embargo set by hand, broken, with an extension by a user and
		// one whose author is gone.
		if err := tx.PutEmbargo(ctx, c1.ID, &store.Embargo{Start: now, Until: hugeInt, BrokenAt: now + 1,
			BrokenWhere: oddText, BrokenReaction: oddText}); err != nil {
			return err
		}
		for _, x := range []*store.EmbargoExtension{
			{CaseID: c1.ID, FromUntil: now, ToUntil: hugeInt, AskedBy: oddText, Reason: oddText, ReporterAgreed: "yes",
				OverrideReason: oddText, CreatedBy: ann.ID, CreatedAt: now},
			{CaseID: c1.ID, FromUntil: now, ToUntil: now + 1, AskedBy: "team", Reason: "r", ReporterAgreed: "not-asked", CreatedAt: now},
		} {
			if err := tx.AddEmbargoExtension(ctx, x); err != nil {
				return err
			}
		}
		// A participant who accepted and was revoked, and one still invited
		// by an inviter who is gone.
		for i, p := range []*store.Participant{
			{CaseID: c1.ID, Email: "vendor@example.net", Organization: oddText, Role: "vendor", Message: oddText,
				InvitedBy: ann.ID, InvitedAt: now, TokenHash: "par1", Summary: jsonText},
			{CaseID: c1.ID, Email: "cert@example.net", Organization: "CERT", Role: "coordinator", InvitedAt: now, TokenHash: "par2"},
		} {
			if err := tx.CreateParticipant(ctx, p); err != nil {
				return err
			}
			if i == 0 {
				if err := tx.AcceptParticipant(ctx, p.ID, ben.ID, now+1); err != nil {
					return err
				}
				if err := tx.RevokeParticipant(ctx, c1.ID, p.ID, now+2); err != nil {
					return err
				}
			}
		}
		if err := tx.EnqueueJob(ctx, &store.Job{Kind: "mail.send", Payload: jsonText, RunAt: now, MaxAttempts: 5, CreatedAt: now}); err != nil {
			return err
		}
		if _, err := tx.ClaimSchedule(ctx, "deadlines.scan", now, now+10); err != nil {
			return err
		}
		for i, action := range []string{"user.create", "case.create", "case.note"} {
			e, err := audit.NewEvent(hugeInt+int64(i), ann.ID, ann.Email, action,
				map[string]any{"title": oddText}, map[string]any{"big": bigInt, "settings": jsonText})
			if err != nil {
				return err
			}
			e.ProjectID, e.CaseID, e.SubjectType, e.SubjectID = acme.ID, c1.ID, "case", c1.Key
			if err := tx.AppendEvent(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

func backup(t *testing.T, s *store.Store) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := s.Backup(ctx, &buf, now); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	return buf.Bytes()
}

// backupLines returns the decompressed lines of a backup.
func backupLines(t *testing.T, b []byte) []string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(plain), "\n"), "\n")
}

func compress(t *testing.T, lines []string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	io.WriteString(zw, strings.Join(lines, "\n")+"\n")
	zw.Close()
	return buf.Bytes()
}

func verifyChain(t *testing.T, s *store.Store) int64 {
	t.Helper()
	var v audit.Verifier
	read(t, s, func(tx *store.Tx) error {
		if err := tx.WalkEvents(ctx, v.Next); err != nil {
			return err
		}
		seq, hash, err := tx.AuditHead(ctx)
		if err != nil {
			return err
		}
		return v.Finish(seq, hash)
	})
	return v.Count()
}

func TestBackupCoversEveryTable(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dsn := e.DSN(t)
			s := storetest.Open(t, dsn)
			inDB := rawTables(t, rawDB(t, dsn), dsn)
			inBackup := slices.Sorted(slices.Values(slices.Concat(store.BackupTables(), store.DerivedTables(s.Engine()), store.EphemeralTables())))
			if diff := cmp.Diff(inDB, inBackup); diff != "" {
				t.Errorf("tables in the database (-) but neither in backups nor derived, or the other way (+); update backupTables, derivedTables or ephemeralTables in backup.go:\n%s", diff)
			}
			read(t, s, func(tx *store.Tx) error {
				got, err := tx.Tables(ctx)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(inDB, got); diff != "" {
					t.Errorf("Tx.Tables (-want +got):\n%s", diff)
				}
				return nil
			})
		})
	}
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	t.Parallel()
	engines := storetest.Engines(t)
	for _, from := range engines {
		for _, to := range engines {
			t.Run(from.Name+"_to_"+to.Name, func(t *testing.T) {
				srcDSN, dstDSN := from.DSN(t), to.DSN(t)
				src, dst := storetest.Open(t, srcDSN), storetest.Open(t, dstDSN)
				populate(t, src)
				want := dumpAll(t, srcDSN)
				for table, d := range want {
					if len(d.Rows) == 0 {
						t.Fatalf("fixture leaves %s empty; the round trip would not test it", table)
					}
				}

				b := backup(t, src)
				info, err := dst.Restore(ctx, bytes.NewReader(b))
				if err != nil {
					t.Fatalf("Restore: %v", err)
				}
				if diff := cmp.Diff(want, dumpAll(t, dstDSN)); diff != "" {
					t.Errorf("restored database differs (-backed up +restored):\n%s", diff)
				}
				var rows int64
				for _, d := range want {
					rows += int64(len(d.Rows))
				}
				wantInfo := &store.BackupInfo{SchemaVersion: src.LatestSchemaVersion(), Engine: src.Engine(), CreatedAt: now,
					Tables: len(store.BackupTables()), Rows: rows}
				if diff := cmp.Diff(wantInfo, info); diff != "" {
					t.Errorf("Restore info (-want +got):\n%s", diff)
				}

				// Backing the restored database up again gives the same file,
				// but for the engine named in the header.
				again := backupLines(t, backup(t, dst))
				if diff := cmp.Diff(backupLines(t, b)[1:], again[1:]); diff != "" {
					t.Errorf("backup of the restored database differs (-first +second):\n%s", diff)
				}

				// The search index, left out of the backup, was rebuilt from
				// the restored rows: the note "system note" is found.
				read(t, dst, func(tx *store.Tx) error {
					acme, err := tx.ProjectBySlug(ctx, "acme")
					if err != nil {
						return err
					}
					hits, _, err := tx.SearchCases(ctx, store.SearchFilter{CaseFilter: store.CaseFilter{ProjectID: acme.ID},
						Text: store.TextQuery{All: [][]store.SearchTerm{{{Text: "system note"}}}}})
					if err == nil && (len(hits) != 1 || hits[0].Case.Title != oddText) {
						t.Errorf("search after restore found %d cases, want the first", len(hits))
					}
					return err
				})
				if n := verifyChain(t, dst); n != 3 {
					t.Errorf("restored chain verifies with %d events, want 3", n)
				}
				// New rows get fresh IDs and extend the chain.
				write(t, dst, func(tx *store.Tx) error {
					u := &store.User{Email: "new@example.org", Name: "New", CreatedAt: now, UpdatedAt: now}
					if err := tx.CreateUser(ctx, u); err != nil {
						return fmt.Errorf("new user after restore: %w", err)
					}
					p := &store.Project{Slug: "fresh", Name: "Fresh", Settings: "{}", CreatedAt: now, UpdatedAt: now}
					if err := tx.CreateProject(ctx, p); err != nil {
						return fmt.Errorf("new project after restore: %w", err)
					}
					acme, err := tx.ProjectBySlug(ctx, "acme")
					if err != nil {
						return err
					}
					c := &store.Case{Title: "after restore"}
					if err := createCase(tx, acme, c); err != nil {
						return fmt.Errorf("new case after restore: %w", err)
					}
					if c.Number != 3 {
						t.Errorf("first case after restore got number %d, want 3", c.Number)
					}
					if err := tx.CreateNote(ctx, &store.Note{CaseID: c.ID, Body: "n", CreatedAt: now}); err != nil {
						return fmt.Errorf("new note after restore: %w", err)
					}
					if err := tx.CreateAPIToken(ctx, &store.APIToken{UserID: u.ID, Name: "t", TokenHash: "tok3", CreatedAt: now}); err != nil {
						return fmt.Errorf("new token after restore: %w", err)
					}
					if err := tx.ReplaceRecoveryCodes(ctx, u.ID, []string{"rc9"}); err != nil {
						return fmt.Errorf("new recovery code after restore: %w", err)
					}
					if err := tx.CreateInvitation(ctx, &store.Invitation{ProjectID: p.ID, Email: "x@example.org", Role: "viewer",
						TokenHash: "inv3", CreatedAt: now, ExpiresAt: now + 1}); err != nil {
						return fmt.Errorf("new invitation after restore: %w", err)
					}
					appendEvent(t, tx, "after.restore", p.ID, c.ID)
					return nil
				})
				if n := verifyChain(t, dst); n != 4 {
					t.Errorf("chain after a new event verifies with %d events, want 4", n)
				}
			})
		}
	}
}

// TestBackupIsASnapshot backs up while another writer appends events: the
// audit head and the events must come from the same moment, or the
// restored chain would not verify.
func TestBackupIsASnapshot(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			src := storetest.Open(t, e.DSN(t))
			write(t, src, func(tx *store.Tx) error {
				for range 3000 {
					appendEvent(t, tx, "seed", 0, 0)
				}
				return nil
			})
			var stop atomic.Bool
			var wg sync.WaitGroup
			first, done := make(chan struct{}), make(chan struct{})
			wg.Go(func() {
				defer close(done)
				var once sync.Once
				for !stop.Load() {
					err := src.Write(ctx, func(tx *store.Tx) error {
						ev, err := audit.NewEvent(now, 0, "test", "concurrent", nil, nil)
						if err != nil {
							return err
						}
						return tx.AppendEvent(ctx, ev)
					})
					if err != nil {
						t.Errorf("concurrent write: %v", err)
						return
					}
					once.Do(func() { close(first) })
				}
			})
			select {
			case <-first:
			case <-done:
				t.Fatal("the writer stopped before its first write")
			}
			b := backup(t, src)
			stop.Store(true)
			wg.Wait()

			dst := storetest.Open(t, storetest.SQLiteDSN(t))
			if _, err := dst.Restore(ctx, bytes.NewReader(b)); err != nil {
				t.Fatalf("Restore: %v", err)
			}
			if n := verifyChain(t, dst); n < 3000 {
				t.Errorf("restored %d events, want at least the 3000 seeded", n)
			}
		})
	}
}

func TestRestoreRefusesNonEmptyDatabase(t *testing.T) {
	sourceDSN := storetest.SQLiteDSN(t)
	source := storetest.Open(t, sourceDSN)
	populate(t, source)
	b := backup(t, source)
	want := dumpAll(t, sourceDSN)

	tests := []struct {
		name    string
		prepare func(tx *store.Tx) error
		wantErr error // nil: the restore goes ahead
	}{
		{"a user", func(tx *store.Tx) error {
			return tx.CreateUser(ctx, &store.User{Email: "x@example.org", Name: "X", CreatedAt: now, UpdatedAt: now})
		}, store.ErrNotEmpty},
		{"a project", func(tx *store.Tx) error {
			return tx.CreateProject(ctx, &store.Project{Slug: "x", Name: "X", Settings: "{}", CreatedAt: now, UpdatedAt: now})
		}, store.ErrNotEmpty},
		{"an audit event", func(tx *store.Tx) error {
			e, err := audit.NewEvent(now, 0, "test", "x", nil, nil)
			if err != nil {
				return err
			}
			return tx.AppendEvent(ctx, e)
		}, store.ErrNotEmpty},
		// A server started on the new database has made a first-admin link;
		// that must not block the restore, nor survive it.
		{"only a setup link", func(tx *store.Tx) error { return tx.CreateSetupToken(ctx, "fresh-setup", now, now+1) }, nil},
	}
	for _, e := range storetest.Engines(t) {
		for _, tc := range tests {
			t.Run(e.Name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				dsn := e.DSN(t)
				dst := storetest.Open(t, dsn)
				write(t, dst, tc.prepare)
				before := dumpAll(t, dsn)
				_, err := dst.Restore(ctx, bytes.NewReader(b))
				if tc.wantErr == nil {
					if err != nil {
						t.Fatalf("Restore: %v", err)
					}
					if diff := cmp.Diff(want, dumpAll(t, dsn)); diff != "" {
						t.Errorf("restored database differs (-backed up +restored):\n%s", diff)
					}
					return
				}
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Restore = %v, want %v", err, tc.wantErr)
				}
				if diff := cmp.Diff(before, dumpAll(t, dsn)); diff != "" {
					t.Errorf("refused restore changed the database (-before +after):\n%s", diff)
				}
			})
		}
	}
}

func TestRestoreRejectsBadFiles(t *testing.T) {
	source := storetest.Open(t, storetest.SQLiteDSN(t))
	populate(t, source)
	good := backup(t, source)
	lines := backupLines(t, good)
	find := func(prefix string) int {
		for i, l := range lines {
			if strings.HasPrefix(l, prefix) {
				return i
			}
		}
		t.Fatalf("no line starts with %s", prefix)
		return -1
	}
	users, sessions, apiTokens := find(`{"table":"users"`), find(`{"table":"sessions"`), find(`{"table":"api_tokens"`)
	edit := func(f func(l []string) []string) []byte {
		return compress(t, f(slices.Clone(lines)))
	}
	withHeader := func(key string, value any) []byte {
		var h map[string]any
		if err := json.Unmarshal([]byte(lines[0]), &h); err != nil {
			t.Fatal(err)
		}
		h[key] = value
		hb, _ := json.Marshal(h)
		return edit(func(l []string) []string { l[0] = string(hb); return l })
	}
	// Damage the gzip trailer's checksum: a flipped byte inside the
	// compressed data may instead decode to a malformed row, which is
	// refused too, but not as "damaged".
	damaged := slices.Clone(good)
	damaged[len(damaged)-8] ^= 0x55

	tests := []struct {
		name    string
		file    []byte
		wantBad bool   // the error wraps ErrBadBackup; otherwise any error will do
		wantMsg string // part of the message
	}{
		{"empty file", nil, true, "not a gzip-compressed Embargo backup"},
		{"not compressed", []byte(strings.Join(lines, "\n")), true, "not a gzip-compressed Embargo backup"},
		{"compressed, but something else", compress(t, []string{"hello"}), true, "does not start with an Embargo backup header"},
		{"cut in half", good[:len(good)/2], true, "truncated"},
		{"cut before the end line", edit(func(l []string) []string { return l[:len(l)-1] }), true, "truncated"},
		{"cut between tables", edit(func(l []string) []string { return l[:sessions] }), true, "truncated"},
		{"damaged byte", damaged, true, "damaged"},
		{"other format", withHeader("format", "pg_dump"), true, "header"},
		{"newer format version", withHeader("version", 2), true, "format version 2"},
		{"other schema version", withHeader("schema_version", 99), true, "schema version 99"},
		{"table missing", edit(func(l []string) []string { return slices.Delete(l, sessions, apiTokens) }), true, "where table sessions was expected"},
		{"unknown table", edit(func(l []string) []string {
			l[sessions] = strings.Replace(l[sessions], `"sessions"`, `"sessionz"`, 1)
			return l
		}), true, `found table "sessionz"`},
		{"unknown column", edit(func(l []string) []string {
			l[users] = strings.Replace(l[users], `"email"`, `"e_mail"`, 1)
			return l
		}), true, "columns"},
		{"row too short", edit(func(l []string) []string {
			l[users+1] = strings.Replace(l[users+1], `[1,`, `[`, 1)
			return l
		}), true, "values for"},
		{"unknown value", edit(func(l []string) []string {
			l[users+1] = strings.Replace(l[users+1], `[1,`, `[{"x":1},`, 1)
			return l
		}), true, "column id"},
		{"row before any table", edit(func(l []string) []string { return slices.Insert(l, 1, `[1]`) }), true, "before any table"},
		{"end line miscounts", edit(func(l []string) []string {
			l[len(l)-1] = strings.Replace(l[len(l)-1], `"rows":`, `"rows":1`, 1)
			return l
		}), true, "end line counts"},
		{"data after the end line", edit(func(l []string) []string { return append(l, `[1]`) }), true, "follows the end line"},
		{"duplicate row", edit(func(l []string) []string { return slices.Insert(l, users+1, l[users+1]) }), false, "users row 2"},
	}
	for _, e := range storetest.Engines(t) {
		for _, tc := range tests {
			t.Run(e.Name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				dsn := e.DSN(t)
				dst := storetest.Open(t, dsn)
				before := dumpAll(t, dsn)
				_, err := dst.Restore(ctx, bytes.NewReader(tc.file))
				if err == nil {
					t.Fatal("Restore accepted the file")
				}
				if tc.wantBad && !errors.Is(err, store.ErrBadBackup) {
					t.Errorf("Restore = %v, want ErrBadBackup", err)
				}
				if !strings.Contains(err.Error(), tc.wantMsg) {
					t.Errorf("Restore = %q, want a message containing %q", err, tc.wantMsg)
				}
				if diff := cmp.Diff(before, dumpAll(t, dsn)); diff != "" {
					t.Errorf("failed restore changed the database (-before +after):\n%s", diff)
				}
			})
		}
	}
}
