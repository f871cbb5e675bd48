// SPDX-License-Identifier: AGPL-3.0-or-later

package projects

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/validation"
)

func TestSecurityPolicyValidate(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(p *SecurityPolicy)
		wantField string         // "" for valid
		want      SecurityPolicy // checked when valid, after normalization
	}{
		{name: "defaults", edit: func(p *SecurityPolicy) {}, want: DefaultSecurityPolicy()},
		{name: "normalized", edit: func(p *SecurityPolicy) {
			p.SecurityContacts = []string{" Security@Example.ORG ", "", "security@example.org", "psirt@example.org"}
			p.ContactURLs = []string{"https://example.org/report"}
			p.ReportChannels = []string{"email", "web", "email"}
			p.PreferredLanguages = []string{"EN", "zh-hant-tw", "de-ch", "en"}
			p.Bounty = "  Up to 500 EUR  "
			p.AcknowledgmentsURL = " https://example.org/thanks "
		}, want: SecurityPolicy{
			SecurityContacts: []string{"security@example.org", "psirt@example.org"}, ContactURLs: []string{"https://example.org/report"},
			ReportChannels: []string{"web", "email"}, PreferredLanguages: []string{"en", "zh-Hant-TW", "de-CH"},
			Disclosure: DisclosureCoordinated, PrivateDetails: DefaultPrivateDetails, Credit: CreditByName, CreditDuplicates: true,
			Bounty: "Up to 500 EUR", AcknowledgmentsURL: "https://example.org/thanks",
		}},
		{name: "nil lists become empty", edit: func(p *SecurityPolicy) { p.SecurityContacts, p.ContactURLs = nil, nil },
			want: DefaultSecurityPolicy()},
		{name: "bad email", edit: func(p *SecurityPolicy) { p.SecurityContacts = []string{"security"} }, wantField: "security_contacts"},
		{name: "too many contacts", edit: func(p *SecurityPolicy) {
			for i := range MaxSecurityContacts + 1 {
				p.SecurityContacts = append(p.SecurityContacts, strings.Repeat("a", i+1)+"@example.org")
			}
		}, wantField: "security_contacts"},
		{name: "http contact URL", edit: func(p *SecurityPolicy) { p.ContactURLs = []string{"http://example.org"} }, wantField: "contact_urls"},
		{name: "contact URL with credentials", edit: func(p *SecurityPolicy) { p.ContactURLs = []string{"https://u:p@example.org"} }, wantField: "contact_urls"},
		{name: "unknown channel", edit: func(p *SecurityPolicy) { p.ReportChannels = []string{"fax"} }, wantField: "report_channels"},
		{name: "no channel", edit: func(p *SecurityPolicy) { p.ReportChannels = nil }, wantField: "report_channels"},
		{name: "email without contacts", edit: func(p *SecurityPolicy) { p.ReportChannels = []string{"email"} }, wantField: "security_contacts"},
		{name: "api only, nobody to contact", edit: func(p *SecurityPolicy) { p.ReportChannels = []string{"api"} }, wantField: "report_channels"},
		{name: "api only with a contact URL", edit: func(p *SecurityPolicy) {
			p.ReportChannels = []string{"api"}
			p.ContactURLs = []string{"https://example.org/report"}
		}, want: SecurityPolicy{ContactURLs: []string{"https://example.org/report"}, SecurityContacts: []string{}, ReportChannels: []string{"api"},
			PreferredLanguages: []string{"en"}, Disclosure: DisclosureCoordinated, PrivateDetails: DefaultPrivateDetails, Credit: CreditByName, CreditDuplicates: true}},
		{name: "no language", edit: func(p *SecurityPolicy) { p.PreferredLanguages = nil }, wantField: "preferred_languages"},
		{name: "bad language", edit: func(p *SecurityPolicy) { p.PreferredLanguages = []string{"english"} }, wantField: "preferred_languages"},
		{name: "private-use language", edit: func(p *SecurityPolicy) { p.PreferredLanguages = []string{"x-klingon"} }, wantField: "preferred_languages"},
		{name: "unknown disclosure", edit: func(p *SecurityPolicy) { p.Disclosure = "full" }, wantField: "disclosure"},
		{name: "unknown credit", edit: func(p *SecurityPolicy) { p.Credit = "" }, wantField: "credit"},
		{name: "multi-line bounty", edit: func(p *SecurityPolicy) { p.Bounty = "a\nb" }, wantField: "bounty"},
		{name: "intro too long", edit: func(p *SecurityPolicy) { p.PolicyIntro = strings.Repeat("x", MaxPolicyIntro+1) }, wantField: "policy_intro"},
		{name: "private details too long", edit: func(p *SecurityPolicy) { p.PrivateDetails = strings.Repeat("x", MaxDisclosureNotes+1) }, wantField: "private_details"},
		{name: "http acknowledgments", edit: func(p *SecurityPolicy) { p.AcknowledgmentsURL = "http://example.org" }, wantField: "acknowledgments_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := DefaultSettings()
			tt.edit(&s.SecurityPolicy)
			err := s.Validate()
			var ve *validation.Error
			switch {
			case tt.wantField == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.wantField != "" && (!errors.As(err, &ve) || ve.Field != tt.wantField):
				t.Fatalf("Validate() = %v, want a problem with %s", err, tt.wantField)
			case tt.wantField == "":
				if diff := cmp.Diff(tt.want, s.SecurityPolicy); diff != "" {
					t.Errorf("normalized policy (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestParseSettingsOldProject checks that settings stored before the
// security policy existed read with the policy's defaults.
func TestParseSettingsOldProject(t *testing.T) {
	old := `{"time_zone":"Europe/Berlin","acknowledge_business_days":2,"assessment_days":10,` +
		`"fix_target_days":{"critical":7,"high":30,"medium":60,"low":90},"default_embargo_days":90,"max_embargo_days":90,"advisory_prefix":""}`
	s, err := ParseSettings(old)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(DefaultSecurityPolicy(), s.SecurityPolicy); diff != "" {
		t.Errorf("policy of an old project (-want +got):\n%s", diff)
	}
	if err := s.Validate(); err != nil {
		t.Errorf("old settings no longer valid: %v", err)
	}
	back, err := ParseSettings(s.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, back); diff != "" {
		t.Errorf("encode/parse round trip (-want +got):\n%s", diff)
	}
}
