// SPDX-License-Identifier: AGPL-3.0-or-later

package policy

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// RenewalPeriod is how far ahead security.txt's Expires lies. The file is
// built on every request, so it never goes stale; RFC 9116 recommends less
// than a year, and half a year keeps caches and mirrors honest.
const RenewalPeriod = 180 * 24 * time.Hour

// ErrNoContacts is returned by SecurityTxt when no project can be
// contacted: RFC 9116 requires at least one Contact, so the instance has
// no security.txt to serve.
var ErrNoContacts = errors.New("policy: no active project publishes a security contact")

// SecurityTxt returns the instance's security.txt (RFC 9116) at baseURL for
// the given projects, as of now. Archived projects are left out. Each
// project contributes its contacts (each URI once across the file), its
// policy page, its key and its acknowledgments page, under a comment
// naming it; Preferred-Languages is the union of the projects' languages
// in one field. Lines end in LF.
func SecurityTxt(baseURL string, ps []Project, now time.Time) ([]byte, error) {
	base := strings.TrimRight(baseURL, "/")
	var b strings.Builder
	seen := map[string]bool{}
	var langs []string
	contacts := 0
	fmt.Fprintf(&b, "# Security contacts of the projects hosted at %s.\n", base)
	b.WriteString("# Expires is recomputed on every request: this file renews itself.\n")
	for _, p := range ps {
		if p.Archived {
			continue
		}
		pol := Describe(base, p)
		fmt.Fprintf(&b, "\n# %s (%s)\n", commentText(p.Name), p.Slug)
		field := func(name, value string) {
			if seen[name+value] {
				return
			}
			seen[name+value] = true
			fmt.Fprintf(&b, "%s: %s\n", name, value)
		}
		for _, c := range pol.Contacts() {
			if !seen["Contact"+c.URI] {
				contacts++
			}
			field("Contact", c.URI)
		}
		if pol.KeyURL != "" {
			field("Encryption", pol.KeyURL)
		}
		field("Policy", pol.PolicyURL)
		if pol.AcknowledgmentsURL != "" {
			field("Acknowledgments", pol.AcknowledgmentsURL)
		}
		for _, l := range pol.Languages {
			if !slices.Contains(langs, l) {
				langs = append(langs, l)
			}
		}
	}
	if contacts == 0 {
		return nil, ErrNoContacts
	}
	b.WriteString("\n")
	if len(langs) > 0 {
		fmt.Fprintf(&b, "Preferred-Languages: %s\n", strings.Join(langs, ", "))
	}
	fmt.Fprintf(&b, "Canonical: %s/.well-known/security.txt\n", base)
	fmt.Fprintf(&b, "Expires: %s\n", Expires(now).Format(time.RFC3339))
	return []byte(b.String()), nil
}

// Expires returns the Expires value security.txt carries when built at now:
// RenewalPeriod ahead, in whole seconds, UTC.
func Expires(now time.Time) time.Time {
	return now.UTC().Truncate(time.Second).Add(RenewalPeriod)
}

// commentText makes a project name safe for a comment line: control
// characters (a newline would start a field) become spaces.
func commentText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
