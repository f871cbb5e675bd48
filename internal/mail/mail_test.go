// SPDX-License-Identifier: AGPL-3.0-or-later

package mail_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/clock"
	"embargo/internal/mail"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

var ctx = context.Background()

func TestFromAddress(t *testing.T) {
	tests := map[string]string{
		"https://embargo.example.org":         "noreply@embargo.example.org",
		"https://Embargo.Example.org:8443/x/": "noreply@embargo.example.org",
		"http://127.0.0.1:8080":               "noreply@localhost",
		"http://[::1]:8080":                   "noreply@localhost",
		"":                                    "noreply@localhost",
	}
	for in, want := range tests {
		if got := mail.FromAddress(in); got != want {
			t.Errorf("FromAddress(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckAddress(t *testing.T) {
	for _, ok := range []string{"ann@example.org", "a.b+c@sub.example.org"} {
		if got, err := mail.CheckAddress(ok); err != nil || got != ok {
			t.Errorf("CheckAddress(%q) = %q, %v", ok, got, err)
		}
	}
	for _, bad := range []string{"", "ann@example.org\r\nBcc: eve@example.org", "Ann <ann@example.org>",
		"ann@example.org, eve@example.org", "ann@example.org\n", "not an address", "group: a@example.org;"} {
		if _, err := mail.CheckAddress(bad); !errors.Is(err, mail.ErrBadAddress) {
			t.Errorf("CheckAddress(%q) = %v, want ErrBadAddress", bad, err)
		}
	}
}

func TestCleanSubject(t *testing.T) {
	tests := map[string]string{
		"New report ACME-7":                     "New report ACME-7",
		"Hi\r\nBcc: eve@example.org":            "Hi Bcc: eve@example.org",
		"a\u2028b\tc\x00d":                      "a b c d",
		strings.Repeat("x", mail.MaxSubject+10): strings.Repeat("x", mail.MaxSubject),
		"  spaced   out  ":                      "spaced out",
	}
	for in, want := range tests {
		if got := mail.CleanSubject(in); got != want {
			t.Errorf("CleanSubject(%q) = %q, want %q", in, got, want)
		}
	}
}

// parse reads an .eml file back as a message; it fails the test on any
// syntax error.
func parse(t *testing.T, data []byte) (*netmail.Message, string) {
	t.Helper()
	msg, err := netmail.ReadMessage(strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("not an RFC 5322 message: %v\n%s", err, data)
	}
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		t.Fatal(err)
	}
	return msg, string(body)
}

func TestCompose(t *testing.T) {
	m := &store.OutboxMessage{ID: 7, To: "ann@example.org", Subject: "Ihr Bericht „RPT-1“\r\nBcc: eve@example.org",
		Body:          "Hello,\nline two with ümlaut and a very long line " + strings.Repeat("x", 100) + "\n\nBcc: eve@example.org",
		AutoSubmitted: true, CreatedAt: time.Date(2026, 5, 8, 12, 0, 0, 0, time.UTC).UnixMilli()}
	data, err := mail.Compose(m, "noreply@embargo.example.org")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line longer than 78 characters: %q", line)
		}
		if strings.Contains(line, "\n") || strings.Contains(line, "\r") {
			t.Errorf("bare line break in %q", line)
		}
	}
	msg, body := parse(t, data)
	if got := msg.Header.Get("Bcc"); got != "" {
		t.Errorf("an injected Bcc header made it: %q", got)
	}
	dec := new(mimeDecoder)
	subject, err := dec.decode(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"From":                      `"Embargo" <noreply@embargo.example.org>`,
		"To":                        "<ann@example.org>",
		"Subject":                   "Ihr Bericht „RPT-1“ Bcc: eve@example.org",
		"Date":                      "Fri, 08 May 2026 12:00:00 +0000",
		"Message-Id":                "<outbox-7.1778241600000@embargo.example.org>",
		"Auto-Submitted":            "auto-generated",
		"Mime-Version":              "1.0",
		"Content-Type":              "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "quoted-printable",
	}
	got := map[string]string{}
	for k := range msg.Header {
		got[k] = msg.Header.Get(k)
	}
	got["Subject"] = subject
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(msg.Header.Get("Subject"), "=?utf-8?q?") {
		t.Errorf("non-ASCII subject not Q-encoded: %q", msg.Header.Get("Subject"))
	}
	plain, err := io.ReadAll(qpReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if wantBody := strings.ReplaceAll(m.Body, "\n", "\r\n") + "\r\n"; string(plain) != wantBody {
		t.Errorf("body = %q, want %q", plain, wantBody)
	}

	for _, bad := range []string{"eve@example.org\r\nBcc: x@example.org", "Eve <eve@example.org>"} {
		if _, err := mail.Compose(&store.OutboxMessage{To: bad, Subject: "s", Body: "b"}, "noreply@x.org"); !errors.Is(err, mail.ErrBadAddress) {
			t.Errorf("Compose to %q = %v, want ErrBadAddress", bad, err)
		}
	}
}

func TestOutboxDelivery(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		clk := clock.NewFake(time.Date(2026, 5, 8, 12, 0, 0, 0, time.UTC))
		dir := filepath.Join(t.TempDir(), "data", mail.DirName)
		o := &mail.Outbox{Store: s, Clock: clk, Dir: dir, From: "noreply@embargo.example.org",
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		var queued []*store.OutboxMessage
		enqueue := func(to, subject string) error {
			return s.Write(ctx, func(tx *store.Tx) error {
				m := &store.OutboxMessage{To: to, Subject: subject, Body: "body of " + subject, AutoSubmitted: true,
					CreatedAt: clock.Millis(clk.Now())}
				if err := mail.Enqueue(ctx, tx, m); err != nil {
					return err
				}
				queued = append(queued, m)
				return nil
			})
		}
		if err := enqueue("ann@example.org", "first"); err != nil {
			t.Fatal(err)
		}
		if err := enqueue("ben@example.org", "second\nBcc: eve@example.org"); err != nil {
			t.Fatal(err)
		}
		if err := enqueue("eve@example.org\r\nBcc: x@example.org", "refused"); !errors.Is(err, mail.ErrBadAddress) {
			t.Fatalf("Enqueue with an injected recipient = %v, want ErrBadAddress", err)
		}
		// A rolled-back change queues nothing.
		_ = s.Write(ctx, func(tx *store.Tx) error {
			if err := mail.Enqueue(ctx, tx, &store.OutboxMessage{To: "cy@example.org", Subject: "x", Body: "x", CreatedAt: 1}); err != nil {
				return err
			}
			return errors.New("roll back")
		})

		n, err := o.Deliver(ctx)
		if err != nil || n != 2 {
			t.Fatalf("Deliver = %d, %v; want 2", n, err)
		}
		info, err := os.Stat(dir)
		if err != nil || info.Mode().Perm() != 0o700 {
			t.Fatalf("outbox dir %v, %v; want mode 0700", info, err)
		}
		entries, _ := os.ReadDir(dir)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
			fi, _ := e.Info()
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s has mode %v, want 0600", e.Name(), fi.Mode().Perm())
			}
		}
		if diff := cmp.Diff([]string{mail.FileName(queued[0].ID), mail.FileName(queued[1].ID)}, names); diff != "" {
			t.Errorf("files (-want +got):\n%s", diff)
		}
		data, _ := os.ReadFile(filepath.Join(dir, mail.FileName(queued[1].ID)))
		msg, _ := parse(t, data)
		if msg.Header.Get("To") != "<ben@example.org>" || msg.Header.Get("Subject") != "second Bcc: eve@example.org" ||
			msg.Header.Get("Bcc") != "" {
			t.Errorf("second message headers %v", msg.Header)
		}

		// Delivered mail is never written again, even when its file is gone.
		os.Remove(filepath.Join(dir, mail.FileName(queued[0].ID)))
		clk.Advance(time.Minute)
		if n, err := o.Deliver(ctx); err != nil || n != 0 {
			t.Fatalf("second Deliver = %d, %v; want 0", n, err)
		}
		if _, err := os.Stat(filepath.Join(dir, mail.FileName(queued[0].ID))); !errors.Is(err, os.ErrNotExist) {
			t.Error("a delivered message was written again")
		}
		var all []*store.OutboxMessage
		if err := s.Read(ctx, func(tx *store.Tx) error {
			var err error
			all, err = tx.ListMail(ctx, 0)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 {
			t.Fatalf("outbox holds %d rows, want 2", len(all))
		}
		for _, m := range all {
			if m.DeliveredAt != clock.Millis(time.Date(2026, 5, 8, 12, 0, 0, 0, time.UTC)) || !strings.Contains(m.DeliveryNote, "not sent") {
				t.Errorf("row %d delivered at %d, note %q", m.ID, m.DeliveredAt, m.DeliveryNote)
			}
		}
	})
}

func TestDeliverFinishesAnInterruptedDelivery(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		clk := clock.NewFake(time.Date(2026, 5, 8, 12, 0, 0, 0, time.UTC))
		dir := filepath.Join(t.TempDir(), mail.DirName)
		o := &mail.Outbox{Store: s, Clock: clk, Dir: dir, From: "noreply@x.org", Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		m := &store.OutboxMessage{To: "ann@example.org", Subject: "s", Body: "b", CreatedAt: 1}
		if err := s.Write(ctx, func(tx *store.Tx) error { return mail.Enqueue(ctx, tx, m) }); err != nil {
			t.Fatal(err)
		}
		// The file was written, but the delivery was never recorded.
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, mail.FileName(m.ID)), []byte("earlier"), 0o600); err != nil {
			t.Fatal(err)
		}
		if n, err := o.Deliver(ctx); err != nil || n != 1 {
			t.Fatalf("Deliver = %d, %v", n, err)
		}
		if data, _ := os.ReadFile(filepath.Join(dir, mail.FileName(m.ID))); string(data) != "earlier" {
			t.Error("the message was written a second time")
		}
	})
}
