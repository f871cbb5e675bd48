// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/url"
	"slices"
	"strings"

	"embargo/internal/projects"
)

// policyFields are the security policy inputs of the settings form, for
// placing error messages.
var policyFields = []string{"security_contacts", "contact_urls", "report_channels", "preferred_languages",
	"disclosure", "private_details", "credit", "bounty", "policy_intro", "acknowledgments_url"}

// option is one choice of a select or checkbox group.
type option struct {
	Value, Label string
	Selected     bool
}

// channelLabels, disclosureLabels and creditLabels name the choices of the
// security policy section.
var (
	channelLabels = map[string]string{
		projects.ChannelWeb:   "Private web form",
		projects.ChannelAPI:   "API",
		projects.ChannelEmail: "Email to the security contacts",
	}
	disclosureLabels = map[string]string{
		projects.DisclosureCoordinated: "Coordinated: publish at the fix or the embargo end, whichever is first",
		projects.DisclosureAfterFix:    "After the fix: publish once fixed, extending the embargo by agreement",
	}
	creditLabels = map[string]string{
		projects.CreditByName:    "Credit reporters by name unless they ask otherwise",
		projects.CreditAnonymous: "Do not name reporters",
	}
)

// policyOptions are the choices of the security policy section, marked as
// f selects them.
type policyOptions struct {
	Channels    []option
	Disclosures []option
	Credits     []option
}

// newPolicyOptions lists the choices with f's selection.
func newPolicyOptions(f url.Values) policyOptions {
	list := func(values []string, labels map[string]string, selected func(string) bool) []option {
		out := make([]option, len(values))
		for i, v := range values {
			out[i] = option{Value: v, Label: labels[v], Selected: selected(v)}
		}
		return out
	}
	return policyOptions{
		Channels: list(projects.ReportChannels, channelLabels, func(v string) bool {
			return slices.Contains(f["report_channels"], v)
		}),
		Disclosures: list(projects.DisclosureStances, disclosureLabels, func(v string) bool { return f.Get("disclosure") == v }),
		Credits:     list(projects.CreditPolicies, creditLabels, func(v string) bool { return f.Get("credit") == v }),
	}
}

// setPolicyForm fills f with s's security policy.
func setPolicyForm(f url.Values, s projects.SecurityPolicy) {
	f.Set("security_contacts", strings.Join(s.SecurityContacts, "\n"))
	f.Set("contact_urls", strings.Join(s.ContactURLs, "\n"))
	f["report_channels"] = slices.Clone(s.ReportChannels)
	f.Set("preferred_languages", strings.Join(s.PreferredLanguages, ", "))
	f.Set("disclosure", s.Disclosure)
	f.Set("private_details", s.PrivateDetails)
	f.Set("credit", s.Credit)
	if s.CreditDuplicates {
		f.Set("credit_duplicates", "1")
	}
	f.Set("bounty", s.Bounty)
	f.Set("policy_intro", s.PolicyIntro)
	f.Set("acknowledgments_url", s.AcknowledgmentsURL)
}

// readPolicyForm decodes the security policy section; the settings'
// Validate checks it.
func readPolicyForm(f url.Values) projects.SecurityPolicy {
	return projects.SecurityPolicy{
		SecurityContacts:   splitList(f.Get("security_contacts")),
		ContactURLs:        splitList(f.Get("contact_urls")),
		ReportChannels:     slices.Clone(f["report_channels"]),
		PreferredLanguages: splitList(f.Get("preferred_languages")),
		Disclosure:         f.Get("disclosure"),
		PrivateDetails:     f.Get("private_details"),
		Credit:             f.Get("credit"),
		CreditDuplicates:   f.Get("credit_duplicates") != "",
		Bounty:             f.Get("bounty"),
		PolicyIntro:        f.Get("policy_intro"),
		AcknowledgmentsURL: strings.TrimSpace(f.Get("acknowledgments_url")),
	}
}

// hasPolicySection reports whether form f carries the security policy
// section; a post without it (an older page, a script that sets only the
// timelines) leaves the policy as it is.
func hasPolicySection(f url.Values) bool {
	_, ok := f["disclosure"]
	return ok
}

// splitList splits a list typed one entry a line or separated by commas.
func splitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ' ' || r == '\t' })
}
