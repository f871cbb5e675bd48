// SPDX-License-Identifier: AGPL-3.0-or-later

// Package mail is Embargo's outgoing mail. Mail is queued in the outbox
// table in the same transaction as the change that causes it (Enqueue);
// Outbox.Deliver then hands each message on and marks it delivered. Until
// SMTP delivery exists, handing on means writing the message as an
// RFC 5322 .eml file into the data directory's mail-outbox folder: nothing
// leaves the machine.
//
// Headers are never built from text as a user sent it: addresses are
// checked and refused when they hold anything but an address, subjects
// lose control characters (CR and LF above all) and are Q-encoded when
// not ASCII, and the sender is a fixed no-reply address of the instance.
package mail

import (
	"context"
	"errors"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"unicode"

	"embargo/internal/store"
	"embargo/internal/validation"
)

// MaxSubject bounds a subject, in characters, after cleaning.
const MaxSubject = 200

// ErrBadAddress is returned by Enqueue for a recipient that is not one
// plain email address.
var ErrBadAddress = errors.New("mail: not a single plain email address")

// FromAddress returns the instance's no-reply sender for baseURL, e.g.
// noreply@embargo.example.org for https://embargo.example.org:8443/. A
// base URL whose host is an IP address or otherwise unusable gives noreply@localhost.
func FromAddress(baseURL string) string {
	host := "localhost"
	// An IP address (IPv6 above all) makes no usable mail domain.
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" && net.ParseIP(u.Hostname()) == nil {
		host = strings.ToLower(u.Hostname())
	}
	if _, err := CheckAddress("noreply@" + host); err != nil {
		host = "localhost"
	}
	return "noreply@" + host
}

// CheckAddress returns addr if it is one plain address (no display name,
// no group, no line breaks) and ErrBadAddress otherwise.
func CheckAddress(addr string) (string, error) {
	if addr == "" || strings.ContainsFunc(addr, unicode.IsControl) || len(addr) > 254 {
		return "", ErrBadAddress
	}
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Name != "" || a.Address != addr {
		return "", ErrBadAddress
	}
	return a.Address, nil
}

// CleanSubject returns s fit for a Subject header: control characters
// (CR and LF included) become spaces, runs of space collapse, and the
// result is cut to MaxSubject characters.
func CleanSubject(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > MaxSubject {
		s = string(r[:MaxSubject])
	}
	return s
}

// revealNote ends a body whose deceptive characters were revealed.
const revealNote = "\n\n--\nThis message quotes text that holds invisible or direction-changing\n" +
	"characters. Each is shown as its code point, e.g. ⟨U+202E⟩, so that the text\n" +
	"reads as it was written.\n"

// Enqueue checks and cleans m's recipient and subject and adds it to the
// outbox inside tx, so it is sent if and only if tx commits. Mail the
// application sends on its own is marked auto-submitted. Deceptive
// characters (validation.Deceptive) in the subject and body, which quote
// text strangers wrote, are shown as ⟨U+202E⟩ (the code point in hex) with a note saying so.
func Enqueue(ctx context.Context, tx *store.Tx, m *store.OutboxMessage) error {
	to, err := CheckAddress(m.To)
	if err != nil {
		return err
	}
	subject, inSubject := validation.RevealDeceptive(m.Subject)
	body, inBody := validation.RevealDeceptive(m.Body)
	if inSubject || inBody {
		body += revealNote
	}
	m.To, m.Subject, m.Body = to, CleanSubject(subject), body
	return tx.EnqueueMail(ctx, m)
}
