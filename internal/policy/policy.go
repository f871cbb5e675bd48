// SPDX-License-Identifier: AGPL-3.0-or-later

// Package policy turns a project's security policy settings into what the
// public reads: the policy page's content, the instance's security.txt
// (RFC 9116) and a SECURITY.md for the project's repository. It holds no
// state and does no I/O; callers pass the projects, their keys, the base
// URL and the time.
package policy

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"embargo/internal/projects"
	"embargo/internal/store"
)

// Key is the public part of a project's OpenPGP key that the policy
// mentions.
type Key struct {
	Fingerprint string // upper-case hex, no spaces
}

// ErrNoKey is returned by a Keys lookup when the project has no OpenPGP key.
var ErrNoKey = errors.New("policy: project has no OpenPGP key")

// Keys looks up project keys. PublicKey returns ErrNoKey when the project
// has none.
type Keys interface {
	PublicKey(ctx context.Context, projectID int64) (Key, error)
}

// Signer cleartext-signs text with the instance's OpenPGP key.
type Signer interface {
	ClearSignInstance(ctx context.Context, text []byte) ([]byte, error)
}

// Project is one project as its public policy sees it.
type Project struct {
	Slug     string
	Name     string
	Archived bool
	Settings projects.Settings
	Key      *Key // nil when the project has no OpenPGP key
}

// Load builds a Project from a stored project, looking its key up in keys
// (which may be nil when keys are not available).
func Load(ctx context.Context, p *store.Project, keys Keys) (Project, error) {
	s, err := projects.ParseSettings(p.Settings)
	if err != nil {
		return Project{}, err
	}
	out := Project{Slug: p.Slug, Name: p.Name, Archived: p.ArchivedAt != 0, Settings: s}
	if keys != nil {
		k, err := keys.PublicKey(ctx, p.ID)
		switch {
		case errors.Is(err, ErrNoKey):
		case err != nil:
			return Project{}, err
		default:
			out.Key = &k
		}
	}
	return out, nil
}

// Severity is one fix target.
type Severity struct {
	Name string
	Days int
}

// Contact is one way to reach the team, most preferred first.
type Contact struct {
	Label string // "Report form", "Email", "Web"
	URI   string // https:// or mailto:
	Text  string // what to show
}

// Policy is a project's policy in the words and URLs every rendering
// shares, so the page, security.txt and SECURITY.md never disagree.
type Policy struct {
	Name               string
	Slug               string
	PolicyURL          string
	ReportURL          string // empty when the web form is not a channel
	APIURL             string // empty when the API is not a channel
	SecurityTxtURL     string
	KeyURL             string // empty without a key
	Fingerprint        string // grouped for reading; empty without a key
	Emails             []string
	ContactURLs        []string
	AcceptsEmail       bool
	AcknowledgeDays    int
	AssessmentDays     int
	FixTargets         []Severity
	DefaultEmbargoDays int
	MaxEmbargoDays     int
	Disclosure         string // one paragraph
	PrivateDetails     string
	Credit             string   // one paragraph
	Bounty             string   // the configured text, or "" for no bounty
	BountyURL          string   // set when Bounty is an https URL
	Languages          []string // BCP 47 tags, for security.txt
	LanguageNames      []string // the same languages named for people
	Intro              string   // Markdown
	AcknowledgmentsURL string
}

// severities are the fix-target keys, most urgent first.
var severities = []string{"critical", "high", "medium", "low"}

// Describe phrases p's policy for an instance at baseURL (no trailing
// slash).
func Describe(baseURL string, p Project) Policy {
	s := p.Settings
	base := strings.TrimRight(baseURL, "/")
	projectBase := base + "/p/" + url.PathEscape(p.Slug)
	out := Policy{
		Name:               p.Name,
		Slug:               p.Slug,
		PolicyURL:          projectBase + "/security",
		SecurityTxtURL:     base + "/.well-known/security.txt",
		Emails:             s.SecurityContacts,
		ContactURLs:        s.ContactURLs,
		AcceptsEmail:       s.Accepts(projects.ChannelEmail) && len(s.SecurityContacts) > 0,
		AcknowledgeDays:    s.AcknowledgeBusinessDays,
		AssessmentDays:     s.AssessmentDays,
		DefaultEmbargoDays: s.DefaultEmbargoDays,
		MaxEmbargoDays:     s.MaxEmbargoDays,
		PrivateDetails:     s.PrivateDetails,
		Languages:          s.PreferredLanguages,
		LanguageNames:      LanguageNames(s.PreferredLanguages),
		Intro:              s.PolicyIntro,
		AcknowledgmentsURL: s.AcknowledgmentsURL,
		Bounty:             s.Bounty,
	}
	if s.Accepts(projects.ChannelWeb) {
		out.ReportURL = projectBase + "/report"
	}
	if s.Accepts(projects.ChannelAPI) {
		out.APIURL = base + "/api/v1"
	}
	if p.Key != nil {
		out.KeyURL = projectBase + "/pgp-key.asc"
		out.Fingerprint = GroupFingerprint(p.Key.Fingerprint)
	}
	for _, sev := range severities {
		if d, ok := s.FixTargetDays[sev]; ok {
			out.FixTargets = append(out.FixTargets, Severity{Name: sev, Days: d})
		}
	}
	if _, err := projects.HTTPSURL("bounty", s.Bounty); err == nil {
		out.BountyURL = s.Bounty
	}
	switch s.Disclosure {
	case projects.DisclosureAfterFix:
		out.Disclosure = "We practise coordinated disclosure: we publish an advisory once a fix is available. " +
			"If a fix takes longer than the agreed embargo, we agree a later date with the reporter, " +
			"up to the maximum embargo."
	default:
		out.Disclosure = "We practise coordinated disclosure: we publish an advisory once a fix is available " +
			"or when the embargo ends, whichever comes first. We ask reporters to keep the issue private until then."
	}
	switch s.Credit {
	case projects.CreditAnonymous:
		out.Credit = "We do not name reporters in our advisories."
	default:
		out.Credit = "We credit reporters by name in the advisory, unless they ask to stay anonymous " +
			"or to be credited differently."
	}
	return out
}

// Contacts lists the ways to report in the order security.txt and
// SECURITY.md give them: the private report form, then the email
// addresses (when email is an accepted channel), then further contact
// pages.
func (p Policy) Contacts() []Contact {
	var out []Contact
	if p.ReportURL != "" {
		out = append(out, Contact{Label: "Report form", URI: p.ReportURL, Text: p.ReportURL})
	}
	if p.AcceptsEmail {
		for _, e := range p.Emails {
			out = append(out, Contact{Label: "Email", URI: "mailto:" + e, Text: e})
		}
	}
	for _, u := range p.ContactURLs {
		out = append(out, Contact{Label: "Web", URI: u, Text: u})
	}
	return out
}

// GroupFingerprint writes a hex fingerprint in groups of four, upper case,
// as key servers and gpg show them.
func GroupFingerprint(fp string) string {
	fp = strings.ToUpper(strings.ReplaceAll(fp, " ", ""))
	var b strings.Builder
	for i := 0; i < len(fp); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(fp[i:min(i+4, len(fp))])
	}
	return b.String()
}
