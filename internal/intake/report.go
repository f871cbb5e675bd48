// SPDX-License-Identifier: AGPL-3.0-or-later

// Package intake turns what an outsider sends (the report form, the report
// API, a reply in the reporter portal) into a case or a thread message.
// Everything it receives is hostile until shown otherwise: every field is
// length-limited, attachments are capped in number and size, their names
// are cleaned and their types sniffed, encrypted text fields and files are
// decrypted with the project's key, and a report is written with its
// details, files and audit event in one transaction or not at all.
package intake

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/mail"
	"embargo/internal/pgp"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// Field limits, in characters unless said otherwise.
const (
	MaxProduct          = 200
	MaxVersions         = 1000
	MaxSteps            = 32 * 1024
	MaxImpact           = 8 * 1024
	MaxContactName      = 200
	MaxCreditName       = 200
	MaxDisclosure       = 4000
	MaxReferences       = 4000
	MaxContactedOthers  = 4000
	MaxMessage          = 32 * 1024
	MaxReporterKeyBytes = 64 * 1024
	// MaxArmoredDescriptionBytes bounds an encrypted description before
	// decryption; the plaintext is then held to cases.MaxDescription.
	MaxArmoredDescriptionBytes = 512 * 1024
)

// Credit preferences.
const (
	CreditByName    = "name"
	CreditAnonymous = "anonymous"
	CreditNone      = "none"
)

// CreditPreferences lists the accepted credit preferences.
var CreditPreferences = []string{CreditByName, CreditAnonymous, CreditNone}

// Decrypter decrypts an OpenPGP message sent to a project with the
// project's key (internal/pgp provides it).
type Decrypter interface {
	DecryptForProject(ctx context.Context, projectID int64, data []byte) ([]byte, error)
}

// Service receives reports and runs the reporter thread.
type Service struct {
	Store *store.Store
	Clock clock.Clock
	Cases *cases.Service
	// Decrypter decrypts encrypted fields and files; when nil, encrypted
	// reports are refused.
	Decrypter Decrypter
	// BaseURL is the instance's external URL, for links in mail.
	BaseURL string
}

// Contact is how the reporter can be reached; all of it is optional.
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Report is a vulnerability report as a reporter sends it. Only the title
// and description are required.
type Report struct {
	Title            string   `json:"title"`
	Description      string   `json:"description"`
	Product          string   `json:"product"`
	Versions         string   `json:"versions"`
	Steps            string   `json:"steps_to_reproduce"`
	Impact           string   `json:"impact"`
	Contact          *Contact `json:"contact"`
	ReporterKey      string   `json:"reporter_public_key"`
	CreditName       string   `json:"credit_name"`
	CreditPreference string   `json:"credit_preference"`
	Disclosure       string   `json:"disclosure_preference"`
	AlreadyPublic    bool     `json:"already_public"`
	Exploited        bool     `json:"exploited_in_the_wild"`
	PublicReferences string   `json:"public_references"`
	ContactedOthers  string   `json:"contacted_others"`
	ShareContact     bool     `json:"share_contact_with_third_parties"`
	// Attachments come from multipart parts, never from JSON.
	Attachments []File `json:"-"`
	// ClientAddress is the address the report came from (the handler
	// sets it, never the sender). It is kept only so that a responder can
	// block it when marking the report spam.
	ClientAddress string `json:"-"`
	// SubmitterID is the signed-in user sending the report (the handler
	// sets it from the request's credential, never from the body); 0 for
	// someone not signed in. That user can then follow the report from
	// their account.
	SubmitterID int64 `json:"-"`
}

// Receipt is what a reporter gets back. Token is the private reporter
// link's secret: shown once, stored only as its hash.
type Receipt struct {
	Reference string
	Token     string
	Case      *store.Case
	// Mailed says a receipt with the link was queued for the reporter's
	// address.
	Mailed bool
}

// isPGPInputError reports whether err is pgp's verdict on the message
// rather than a failure of the server.
func isPGPInputError(err error) bool {
	for _, e := range []error{pgp.ErrNotForThisKey, pgp.ErrMalformed, pgp.ErrTooLarge, pgp.ErrInputTooLarge, pgp.ErrNotEncrypted} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// text validates one optional field.
func text(field, v string, max int, multiline bool) (string, error) {
	return validation.Text(field, v, false, max, multiline)
}

// validate checks every field of rep and returns the report row (without
// case, reference or link) and the case input.
func (s *Service) validate(ctx context.Context, p *store.Project, rep *Report) (*store.Report, cases.Input, error) {
	var in cases.Input
	r := &store.Report{}
	var err error
	title, err := validation.Text("title", rep.Title, true, cases.MaxTitle, false)
	if err != nil {
		return nil, in, err
	}
	desc, encrypted, err := s.decryptText(ctx, p, "description", rep.Description, MaxArmoredDescriptionBytes)
	if err != nil {
		return nil, in, err
	}
	r.ArrivedEncrypted = encrypted
	// Steps to reproduce and impact may be encrypted on their own too, as
	// the report form does in the browser.
	for _, f := range []struct {
		v    *string
		name string
	}{{&rep.Steps, "steps_to_reproduce"}, {&rep.Impact, "impact"}} {
		if *f.v, encrypted, err = s.decryptText(ctx, p, f.name, *f.v, MaxArmoredFieldBytes); err != nil {
			return nil, in, err
		}
		r.ArrivedEncrypted = r.ArrivedEncrypted || encrypted
	}
	if desc, err = validation.Text("description", desc, true, cases.MaxDescription, true); err != nil {
		return nil, in, err
	}
	fields := []struct {
		dst       *string
		name, v   string
		max       int
		multiline bool
	}{
		{&r.Product, "product", rep.Product, MaxProduct, false},
		{&r.Versions, "versions", rep.Versions, MaxVersions, true},
		{&r.Steps, "steps_to_reproduce", rep.Steps, MaxSteps, true},
		{&r.Impact, "impact", rep.Impact, MaxImpact, true},
		{&r.CreditName, "credit_name", rep.CreditName, MaxCreditName, false},
		{&r.Disclosure, "disclosure_preference", rep.Disclosure, MaxDisclosure, true},
		{&r.PublicReferences, "public_references", rep.PublicReferences, MaxReferences, true},
		{&r.ContactedOthers, "contacted_others", rep.ContactedOthers, MaxContactedOthers, true},
	}
	for _, f := range fields {
		if *f.dst, err = text(f.name, f.v, f.max, f.multiline); err != nil {
			return nil, in, err
		}
	}
	if rep.Contact != nil {
		if r.ContactName, err = text("contact.name", rep.Contact.Name, MaxContactName, false); err != nil {
			return nil, in, err
		}
		if strings.TrimSpace(rep.Contact.Email) != "" {
			if r.ContactEmail, err = validation.Email("contact.email", rep.Contact.Email); err != nil {
				return nil, in, err
			}
			// The address goes into a To header: only a plain address will do.
			if _, err := mail.CheckAddress(r.ContactEmail); err != nil {
				return nil, in, validation.Errorf("contact.email", "is not a plain email address")
			}
		}
	}
	if r.ReporterKey, err = checkPublicKey(rep.ReporterKey); err != nil {
		return nil, in, err
	}
	pref, err := creditPreference(rep.CreditPreference, r.CreditName)
	if err != nil {
		return nil, in, err
	}
	r.CreditPreference = pref
	r.AlreadyPublic, r.Exploited, r.ShareContact = rep.AlreadyPublic, rep.Exploited, rep.ShareContact
	in = cases.Input{Title: &title, Description: &desc, Component: &r.Product}
	return r, in, nil
}

// creditPreference checks a credit preference; empty means by name when
// a name is given, else anonymous.
func creditPreference(pref, name string) (string, error) {
	pref = strings.TrimSpace(pref)
	if pref == "" {
		if name != "" {
			return CreditByName, nil
		}
		return CreditAnonymous, nil
	}
	if err := validation.OneOf("credit_preference", pref, CreditPreferences...); err != nil {
		return "", err
	}
	if pref == CreditByName && name == "" {
		return "", validation.Errorf("credit_name", "is required to be credited by name")
	}
	return pref, nil
}

// checkPublicKey accepts an empty value or one armored OpenPGP public key
// block of at most MaxReporterKeyBytes.
func checkPublicKey(key string) (string, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return "", nil
	}
	if len(key) > MaxReporterKeyBytes {
		return "", validation.Errorf("reporter_public_key", "is too large (at most %d bytes)", MaxReporterKeyBytes)
	}
	if _, err := validation.Text("reporter_public_key", key, false, MaxReporterKeyBytes, true); err != nil {
		return "", err
	}
	if !strings.HasPrefix(key, "-----BEGIN PGP PUBLIC KEY BLOCK-----") ||
		!strings.HasSuffix(key, "-----END PGP PUBLIC KEY BLOCK-----") {
		return "", validation.Errorf("reporter_public_key", "must be one ASCII-armored OpenPGP public key block")
	}
	return key, nil
}

// newReference returns a report reference such as RPT-7K3QX9MZ2A: random,
// so that it reveals nothing about how many reports a project receives.
func newReference() (string, error) {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("intake: reference: %w", err)
	}
	return "RPT-" + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)[:12], nil
}

// reporterActor is how a report's sender appears in the audit log.
var reporterActor = &authz.Actor{Via: "reporter"}

// Submit receives a report for project p: it validates every field and
// file, decrypts an encrypted description, steps, impact and attachments
// (OpenPGP messages to the project's key), and writes the case (state
// "new"), the report details, the attachments, the audit event and the
// mail it causes (the team's notifications, the reporter's receipt) in one
// transaction, and acknowledges the report at once when the project asks
// for automatic acknowledgement. A *validation.Error names the bad field; an archived
// project refuses with a *validation.Conflict.
func (s *Service) Submit(ctx context.Context, p *store.Project, rep Report) (*Receipt, error) {
	if p.ArchivedAt != 0 {
		return nil, validation.Conflictf("this project is archived and no longer accepts reports")
	}
	if blocked, err := s.blocked(ctx, p, &rep); err != nil {
		return nil, err
	} else if blocked {
		return nil, ErrBlocked
	}
	attachments, filesEncrypted, err := s.decryptFiles(ctx, p, rep.Attachments)
	if err != nil {
		return nil, err
	}
	files, err := checkFiles(attachments)
	if err != nil {
		return nil, err
	}
	r, in, err := s.validate(ctx, p, &rep)
	if err != nil {
		return nil, err
	}
	r.ArrivedEncrypted = r.ArrivedEncrypted || filesEncrypted
	r.SubmitterID = rep.SubmitterID
	if r.Reference, err = newReference(); err != nil {
		return nil, err
	}
	token, err := authz.NewSecret(authz.ReporterLinkPrefix)
	if err != nil {
		return nil, err
	}
	at := s.Clock.Now()
	now := clock.Millis(at)
	set := settingsOf(p)
	r.LinkHash, r.LinkIssuedAt, r.SubmittedAt = authz.HashSecret(token), now, now
	r.AckDueAt = clock.Millis(set.AcknowledgeDue(at))
	extra := map[string]any{"reference": r.Reference, "arrived_encrypted": r.ArrivedEncrypted,
		"attachments": len(files), "contact_given": r.ContactEmail != "" || r.ContactName != "",
		"ack_due_at": r.AckDueAt}
	var acked *store.Case
	// Reports arrive in bursts from many clients at once: they share
	// commits on SQLite, each still whole or not at all, and the receipt
	// goes out only after the commit.
	c, err := s.Cases.CreateWith(store.WithGroupCommit(ctx), reporterActor, p, in, "report.create", extra, func(tx *store.Tx, c *store.Case) error {
		r.CaseID = c.ID
		if err := tx.CreateReport(ctx, r); err != nil {
			return err
		}
		if rep.ClientAddress != "" {
			if err := tx.SetReportAddress(ctx, c.ID, rep.ClientAddress); err != nil {
				return err
			}
		}
		if err := storeFiles(ctx, tx, c.ID, 0, files, now); err != nil {
			return err
		}
		if err := s.notifyNewReport(ctx, tx, p, c, r, s.BaseURL+"/r/"+token, at); err != nil {
			return err
		}
		if !set.AutoAcknowledge {
			return nil
		}
		var err error
		acked, err = s.acknowledgeIn(ctx, tx, autoActor, p, c.Key, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	if acked != nil {
		c = acked
	}
	return &Receipt{Reference: r.Reference, Token: token, Case: c, Mailed: r.ContactEmail != ""}, nil
}
