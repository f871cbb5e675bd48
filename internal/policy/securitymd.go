// SPDX-License-Identifier: AGPL-3.0-or-later

package policy

import (
	"fmt"
	"strings"
)

// SecurityMD returns a SECURITY.md for p's repository, for an instance at
// baseURL: how to report, encryption, the team's timelines, disclosure and
// credit, and links to the policy page and security.txt. The policy intro
// is included as written (it is Markdown already).
func SecurityMD(baseURL string, p Project) string {
	pol := Describe(baseURL, p)
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# Security policy\n\n")
	if intro := strings.TrimSpace(pol.Intro); intro != "" {
		w("%s\n\n", intro)
	}
	w("## Reporting a vulnerability\n\n")
	w("Please do not report security vulnerabilities in public issues, pull requests or discussions. ")
	w("Report them privately instead:\n\n")
	if pol.ReportURL != "" {
		w("- **Private report form:** <%s>\n", pol.ReportURL)
	}
	if pol.APIURL != "" {
		w("- **API:** the reporting API at <%s> (described at <%s/openapi.json>)\n", pol.APIURL, pol.APIURL)
	}
	if pol.AcceptsEmail {
		for _, e := range pol.Emails {
			w("- **Email:** <%s>\n", e)
		}
	}
	for _, u := range pol.ContactURLs {
		w("- **Web:** <%s>\n", u)
	}
	w("\nPlease include the affected versions, the steps to reproduce the issue and its impact as you see it. ")
	w("We read reports in %s.\n\n", languageList(pol.LanguageNames))
	w("## Encryption\n\n")
	if pol.KeyURL != "" {
		w("You can encrypt your report with our OpenPGP key:\n\n")
		w("- Key: <%s>\n", pol.KeyURL)
		w("- Fingerprint: `%s`\n\n", pol.Fingerprint)
	} else {
		w("We do not publish an OpenPGP key at the moment, so reports cannot be encrypted to us.")
		if pol.ReportURL != "" {
			w(" Please send sensitive details through the private report form rather than by email.")
		}
		w("\n\n")
	}
	w("## What to expect\n\n")
	w("- We acknowledge your report within %s.\n", plural(pol.AcknowledgeDays, "business day"))
	w("- We send a first assessment within %s.\n", plural(pol.AssessmentDays, "day"))
	if len(pol.FixTargets) > 0 {
		parts := make([]string, len(pol.FixTargets))
		for i, t := range pol.FixTargets {
			parts[i] = fmt.Sprintf("%s %s", t.Name, plural(t.Days, "day"))
		}
		w("- We aim to fix confirmed issues within: %s.\n", strings.Join(parts, ", "))
	}
	w("- Embargoes last %s by default and at most %s.\n\n", plural(pol.DefaultEmbargoDays, "day"), plural(pol.MaxEmbargoDays, "day"))
	w("## Disclosure\n\n%s\n\n", pol.Disclosure)
	if pol.PrivateDetails != "" {
		w("%s\n\n", pol.PrivateDetails)
	}
	w("## Credit\n\n%s", pol.Credit)
	if pol.AcknowledgmentsURL != "" {
		w(" Past reporters are thanked at <%s>.", pol.AcknowledgmentsURL)
	}
	w("\n\n## Bounty\n\n")
	switch {
	case pol.BountyURL != "":
		w("See <%s>.\n\n", pol.BountyURL)
	case pol.Bounty != "":
		w("%s\n\n", pol.Bounty)
	default:
		w("We do not offer a bug bounty.\n\n")
	}
	w("## More\n\n")
	w("- Full policy: <%s>\n", pol.PolicyURL)
	w("- security.txt: <%s>\n", pol.SecurityTxtURL)
	return b.String()
}

// plural writes n with unit, adding an s unless n is 1.
func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// languageList joins language tags for a sentence: "en", "en and de",
// "en, de and fr".
func languageList(tags []string) string {
	switch len(tags) {
	case 0:
		return "English"
	case 1:
		return tags[0]
	}
	return strings.Join(tags[:len(tags)-1], ", ") + " and " + tags[len(tags)-1]
}
