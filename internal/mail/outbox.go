// SPDX-License-Identifier: AGPL-3.0-or-later

package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"embargo/internal/clock"
	"embargo/internal/store"
)

// DirName is the folder under the data directory that receives the
// outbox's messages while there is no SMTP delivery.
const DirName = "mail-outbox"

// batchSize is how many messages one delivery transaction takes.
const batchSize = 50

// Outbox delivers queued mail by writing each message as an .eml file
// into Dir. It never sends anything over the network.
type Outbox struct {
	Store *store.Store
	Clock clock.Clock
	// Dir receives the files: DATA_DIR/mail-outbox. It is created with
	// mode 0700 and each file with 0600: messages carry private links.
	Dir string
	// From is the sender address (see FromAddress).
	From string
	Log  *slog.Logger
}

// FileName returns the name of the file message id is written to.
func FileName(id int64) string {
	return fmt.Sprintf("%010d.eml", id)
}

// Deliver writes every pending message to Dir and marks it delivered, in
// batches, and returns how many it delivered. A message is written under a
// name derived from its ID and an existing file is never overwritten, so a
// delivery interrupted between writing and recording is finished, not
// repeated, by the next call; on PostgreSQL replicas claim disjoint rows.
func (o *Outbox) Deliver(ctx context.Context) (int, error) {
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return 0, fmt.Errorf("mail: unable to create %s: %w", o.Dir, err)
	}
	if err := os.Chmod(o.Dir, 0o700); err != nil {
		return 0, fmt.Errorf("mail: unable to restrict %s: %w", o.Dir, err)
	}
	total := 0
	for {
		n := 0
		err := o.Store.Write(ctx, func(tx *store.Tx) error {
			pending, err := tx.PendingMail(ctx, batchSize)
			if err != nil {
				return err
			}
			for _, m := range pending {
				if err := o.write(m); err != nil {
					return err
				}
				if err := tx.MarkMailDelivered(ctx, m.ID, clock.Millis(o.Clock.Now()),
					"written to "+filepath.Join(DirName, FileName(m.ID))+" (not sent: no SMTP delivery yet)"); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		total += n
		if err != nil || n < batchSize {
			return total, err
		}
	}
}

// write stores m as a file, atomically and only once.
func (o *Outbox) write(m *store.OutboxMessage) error {
	path := filepath.Join(o.Dir, FileName(m.ID))
	if _, err := os.Lstat(path); err == nil {
		return nil // written before the delivery was recorded
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("mail: %w", err)
	}
	data, err := Compose(m, o.From)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(o.Dir, ".tmp-*.eml")
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("mail: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("mail: unable to write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("mail: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	// A hard link, unlike a rename, fails when the name exists.
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("mail: unable to write %s: %w", path, err)
	}
	return nil
}

// Compose returns m as an RFC 5322 message from the address from. The
// recipient is checked again and the subject cleaned again, so a row
// written by anything but Enqueue cannot smuggle in a header either.
func Compose(m *store.OutboxMessage, from string) ([]byte, error) {
	to, err := CheckAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("mail: message %d: %w", m.ID, err)
	}
	if _, err := CheckAddress(from); err != nil {
		return nil, fmt.Errorf("mail: sender: %w", err)
	}
	_, host, _ := strings.Cut(from, "@")
	subject := CleanSubject(m.Subject)
	var b bytes.Buffer
	h := func(name, value string) { b.WriteString(name + ": " + value + "\r\n") }
	h("From", (&mail.Address{Name: "Embargo", Address: from}).String())
	h("To", (&mail.Address{Address: to}).String())
	h("Subject", mime.QEncoding.Encode("utf-8", subject))
	h("Date", clock.FromMillis(m.CreatedAt).Format(time.RFC1123Z))
	h("Message-ID", "<outbox-"+strconv.FormatInt(m.ID, 10)+"."+strconv.FormatInt(m.CreatedAt, 10)+"@"+host+">")
	if m.AutoSubmitted {
		h("Auto-Submitted", "auto-generated")
	}
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\r", "\n")
	qp := quotedprintable.NewWriter(&b)
	for i, line := range strings.Split(body, "\n") {
		if i > 0 {
			qp.Write([]byte("\r\n"))
		}
		qp.Write([]byte(line))
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}
