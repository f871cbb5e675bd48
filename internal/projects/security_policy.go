// SPDX-License-Identifier: AGPL-3.0-or-later

package projects

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"embargo/internal/validation"
)

// Report channels a project can accept reports through.
const (
	ChannelWeb   = "web"   // the private report form at /p/{slug}/report
	ChannelAPI   = "api"   // the reporting API
	ChannelEmail = "email" // mail to the security contacts
)

// ReportChannels lists the channels in the order policies present them.
var ReportChannels = []string{ChannelWeb, ChannelAPI, ChannelEmail}

// Disclosure stances.
const (
	// DisclosureCoordinated publishes once a fix is available or when the
	// embargo ends, whichever comes first (CERT/CC, Google Project Zero).
	DisclosureCoordinated = "coordinated"
	// DisclosureAfterFix publishes only once a fix is available; the
	// embargo may be extended by agreement up to the maximum.
	DisclosureAfterFix = "after_fix"
)

// DisclosureStances lists the valid disclosure stances.
var DisclosureStances = []string{DisclosureCoordinated, DisclosureAfterFix}

// Credit policies.
const (
	// CreditByName credits reporters by name unless they ask otherwise,
	// the common practice of open source projects and PSIRTs.
	CreditByName = "by_name"
	// CreditAnonymous never names reporters in advisories.
	CreditAnonymous = "anonymous"
)

// CreditPolicies lists the valid credit policies.
var CreditPolicies = []string{CreditByName, CreditAnonymous}

// Limits on security policy fields.
const (
	MaxSecurityContacts = 10
	MaxContactURLs      = 5
	MaxLanguages        = 10
	MaxURL              = 500
	MaxPolicyIntro      = 4000
	MaxDisclosureNotes  = 2000
	MaxBounty           = 300
)

// DefaultPrivateDetails is what stays private by default, in the words of
// most published policies.
const DefaultPrivateDetails = "The reporter's identity and contact details stay private unless they agree to be named. " +
	"Proof-of-concept code, internal notes and the discussion of the report stay private; " +
	"the published advisory describes the issue, the affected and fixed versions and how to protect yourself."

// SecurityPolicy is the public part of a project's settings: how to report,
// to whom, and what the team promises. It is embedded in Settings, so its
// JSON keys sit beside the timelines. Whether encrypted reports are
// accepted is not stored: it follows from the project having an OpenPGP key.
type SecurityPolicy struct {
	// SecurityContacts are role addresses such as security@example.org,
	// most preferred first.
	SecurityContacts []string `json:"security_contacts"`
	// ContactURLs are further https contact pages (e.g. a bug bounty
	// platform's intake), most preferred first.
	ContactURLs []string `json:"contact_urls"`
	// ReportChannels are the accepted channels: "web", "api", "email".
	ReportChannels []string `json:"report_channels"`
	// PreferredLanguages are BCP 47 tags of the languages the team reads.
	PreferredLanguages []string `json:"preferred_languages"`
	// Disclosure is DisclosureCoordinated or DisclosureAfterFix.
	Disclosure string `json:"disclosure"`
	// PrivateDetails says what stays private, in plain text.
	PrivateDetails string `json:"private_details"`
	// Credit is CreditByName or CreditAnonymous.
	Credit string `json:"credit"`
	// CreditDuplicates credits the reporter of a duplicate on the
	// original case too, as projects that thank every independent finder
	// do; false credits the first report only, as most bounty programmes.
	CreditDuplicates bool `json:"credit_duplicates"`
	// Bounty describes the reward program as a short text or an https
	// URL; empty means no bounty.
	Bounty string `json:"bounty"`
	// PolicyIntro opens the policy page; limited Markdown.
	PolicyIntro string `json:"policy_intro"`
	// AcknowledgmentsURL is an https page thanking reporters; optional.
	AcknowledgmentsURL string `json:"acknowledgments_url"`
}

// DefaultSecurityPolicy returns the policy a new project starts with:
// reports through the web form and the API, English, coordinated
// disclosure, reporters credited by name, no bounty.
func DefaultSecurityPolicy() SecurityPolicy {
	return SecurityPolicy{
		SecurityContacts:   []string{},
		ContactURLs:        []string{},
		ReportChannels:     []string{ChannelWeb, ChannelAPI},
		PreferredLanguages: []string{"en"},
		Disclosure:         DisclosureCoordinated,
		PrivateDetails:     DefaultPrivateDetails,
		Credit:             CreditByName,
		CreditDuplicates:   true,
	}
}

// Accepts reports whether the policy accepts reports through channel.
func (p *SecurityPolicy) Accepts(channel string) bool {
	return slices.Contains(p.ReportChannels, channel)
}

// languagePattern is the shape of a BCP 47 tag: a primary language
// subtag of 2 to 3 letters, then subtags of 1 to 8 letters or digits.
// Private-use (x-…) and grandfathered (i-…) tags are refused: no reader
// of security.txt would understand them.
var languagePattern = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)

// validate checks and normalizes the policy: addresses lowercased, tags in
// canonical case, lists without duplicates. It returns the first problem.
func (p *SecurityPolicy) validate() error {
	var err error
	if p.SecurityContacts, err = normalizeList(p.SecurityContacts, "security_contacts", MaxSecurityContacts, func(v string) (string, error) {
		return validation.Email("security_contacts", v)
	}); err != nil {
		return err
	}
	if p.ContactURLs, err = normalizeList(p.ContactURLs, "contact_urls", MaxContactURLs, func(v string) (string, error) {
		return HTTPSURL("contact_urls", v)
	}); err != nil {
		return err
	}
	if p.ReportChannels, err = normalizeList(p.ReportChannels, "report_channels", len(ReportChannels), func(v string) (string, error) {
		return v, validation.OneOf("report_channels", v, ReportChannels...)
	}); err != nil {
		return err
	}
	// Present channels in one order whatever order they were sent in.
	slices.SortFunc(p.ReportChannels, func(a, b string) int {
		return slices.Index(ReportChannels, a) - slices.Index(ReportChannels, b)
	})
	if len(p.ReportChannels) == 0 {
		return validation.Errorf("report_channels", "needs at least one channel")
	}
	if p.Accepts(ChannelEmail) && len(p.SecurityContacts) == 0 {
		return validation.Errorf("security_contacts", "needs at least one address when reports by email are accepted")
	}
	if !p.Accepts(ChannelWeb) && len(p.SecurityContacts) == 0 && len(p.ContactURLs) == 0 {
		// security.txt must name at least one contact.
		return validation.Errorf("report_channels", "needs the web form, a security contact or a contact URL so reporters can reach the team")
	}
	if p.PreferredLanguages, err = normalizeList(p.PreferredLanguages, "preferred_languages", MaxLanguages, CanonicalLanguage); err != nil {
		return err
	}
	if len(p.PreferredLanguages) == 0 {
		return validation.Errorf("preferred_languages", "needs at least one language, such as en")
	}
	if err := validation.OneOf("disclosure", p.Disclosure, DisclosureStances...); err != nil {
		return err
	}
	if p.PrivateDetails, err = validation.Text("private_details", p.PrivateDetails, false, MaxDisclosureNotes, true); err != nil {
		return err
	}
	if err := validation.OneOf("credit", p.Credit, CreditPolicies...); err != nil {
		return err
	}
	if p.Bounty, err = validation.Text("bounty", p.Bounty, false, MaxBounty, false); err != nil {
		return err
	}
	if p.PolicyIntro, err = validation.Text("policy_intro", p.PolicyIntro, false, MaxPolicyIntro, true); err != nil {
		return err
	}
	if p.AcknowledgmentsURL != "" {
		if p.AcknowledgmentsURL, err = HTTPSURL("acknowledgments_url", p.AcknowledgmentsURL); err != nil {
			return err
		}
	}
	return nil
}

// normalizeList checks each entry of list with check, drops blanks and
// duplicates, and refuses more than max entries. A nil list becomes empty.
func normalizeList(list []string, field string, max int, check func(string) (string, error)) ([]string, error) {
	out := []string{}
	for _, v := range list {
		if strings.TrimSpace(v) == "" {
			continue
		}
		v, err := check(strings.TrimSpace(v))
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	if len(out) > max {
		return nil, validation.Errorf(field, "at most %d entries", max)
	}
	return out, nil
}

// CanonicalLanguage checks a BCP 47 tag and returns it in canonical case:
// language lowercase, script titlecase, region uppercase (de-CH, zh-Hant-TW).
func CanonicalLanguage(tag string) (string, error) {
	if len(tag) > 35 || !languagePattern.MatchString(tag) {
		return "", validation.Errorf("preferred_languages", "%q is not a language tag such as en, de or pt-BR", tag)
	}
	parts := strings.Split(tag, "-")
	parts[0] = strings.ToLower(parts[0])
	for i := 1; i < len(parts); i++ {
		switch {
		case len(parts[i]) == 4 && isLetters(parts[i]):
			parts[i] = strings.ToUpper(parts[i][:1]) + strings.ToLower(parts[i][1:])
		case len(parts[i]) == 2 && isLetters(parts[i]):
			parts[i] = strings.ToUpper(parts[i])
		default:
			parts[i] = strings.ToLower(parts[i])
		}
	}
	return strings.Join(parts, "-"), nil
}

func isLetters(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

// HTTPSURL checks an absolute https URL of at most MaxURL characters
// without credentials, as RFC 9116 requires for web URIs in security.txt,
// and returns it trimmed.
func HTTPSURL(field, v string) (string, error) {
	v, err := validation.Text(field, v, true, MaxURL, false)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || strings.ContainsAny(v, " \t") {
		return "", validation.Errorf(field, "%q is not an https URL", v)
	}
	return v, nil
}
