// SPDX-License-Identifier: AGPL-3.0-or-later

package policy

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"embargo/internal/projects"
)

// Problem is one way a security.txt breaks RFC 9116. Line is 1-based in
// the signed body (the file itself when unsigned); 0 means the file as a
// whole.
type Problem struct {
	Line    int
	Message string
}

func (p Problem) String() string {
	if p.Line == 0 {
		return p.Message
	}
	return fmt.Sprintf("line %d: %s", p.Line, p.Message)
}

// knownFields are the fields of RFC 9116 section 2.5 and the IANA registry,
// by lower-case name, with whether they may appear more than once.
var knownFields = map[string]bool{
	"acknowledgments":     true,
	"canonical":           false,
	"contact":             true,
	"encryption":          true,
	"expires":             false,
	"hiring":              true,
	"policy":              true,
	"preferred-languages": false,
	"csaf":                true,
}

// fieldName is RFC 5322's field-name: printable ASCII except colon. RFC
// 9116 allows extension fields under any such name.
var fieldName = regexp.MustCompile(`^[!-9;-~]+$`)

// CheckSecurityTxt checks text against RFC 9116 as read at now and returns
// every problem found (none for a valid file): valid UTF-8; one line-ending
// style; each line empty, a comment or "Name: value"; at least one
// Contact; Expires exactly once, an RFC 3339 time in the future and at
// most a year ahead; Canonical and Preferred-Languages at most once; web
// URIs only over https. An OpenPGP cleartext-signed file is checked on its
// signed body; the signature itself is not verified here.
func CheckSecurityTxt(text []byte, now time.Time) []Problem {
	var out []Problem
	add := func(line int, format string, args ...any) {
		out = append(out, Problem{Line: line, Message: fmt.Sprintf(format, args...)})
	}
	if !utf8.Valid(text) {
		return []Problem{{Message: "not valid UTF-8"}}
	}
	s := string(text)
	if crlf := strings.Count(s, "\r\n"); crlf > 0 && crlf != strings.Count(s, "\n") {
		add(0, "mixes CRLF and LF line endings")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if strings.HasPrefix(s, "-----BEGIN PGP SIGNED MESSAGE-----\n") {
		body, ok := signedBody(s)
		if !ok {
			return append(out, Problem{Message: "malformed OpenPGP cleartext signature framework"})
		}
		s = body
	}
	counts := map[string]int{}
	for i, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		n := i + 1
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || !fieldName.MatchString(name) {
			add(n, "not a comment and not a field of the form \"Name: value\"")
			continue
		}
		value = strings.Trim(value, " \t")
		if value == "" {
			add(n, "%s has no value", name)
			continue
		}
		key := strings.ToLower(name)
		counts[key]++
		if multiple, known := knownFields[key]; known && !multiple && counts[key] == 2 {
			add(n, "%s must not appear more than once", name)
		}
		switch key {
		case "contact":
			checkURI(add, n, name, value, "https", "mailto", "tel")
		case "encryption":
			checkURI(add, n, name, value, "https", "dns", "openpgp4fpr")
		case "acknowledgments", "canonical", "hiring", "policy", "csaf":
			checkURI(add, n, name, value, "https")
		case "expires":
			t, err := time.Parse(time.RFC3339, value)
			switch {
			case err != nil:
				add(n, "Expires %q is not an RFC 3339 date-time", value)
			case !t.After(now):
				add(n, "Expires %s is in the past", value)
			case t.After(now.AddDate(1, 0, 0)):
				add(n, "Expires %s is more than a year ahead", value)
			}
		case "preferred-languages":
			for _, tag := range strings.Split(value, ",") {
				if _, err := projects.CanonicalLanguage(strings.TrimSpace(tag)); err != nil {
					add(n, "Preferred-Languages: %q is not a language tag", strings.TrimSpace(tag))
				}
			}
		}
	}
	if counts["contact"] == 0 {
		add(0, "Contact is required")
	}
	if counts["expires"] == 0 {
		add(0, "Expires is required")
	}
	return out
}

// checkURI reports a value that is not an absolute URI with one of schemes.
func checkURI(add func(int, string, ...any), line int, name, value string, schemes ...string) {
	u, err := url.Parse(value)
	if err != nil || u.Scheme == "" {
		add(line, "%s %q is not an absolute URI", name, value)
		return
	}
	for _, s := range schemes {
		if strings.EqualFold(u.Scheme, s) {
			if s == "https" && u.Host == "" {
				add(line, "%s %q has no host", name, value)
			}
			return
		}
	}
	add(line, "%s %q must use one of the schemes %s", name, value, strings.Join(schemes, ", "))
}

// signedBody extracts the signed text of an OpenPGP cleartext-signed
// message (RFC 9580 section 7): after the armor headers and a blank line,
// up to the signature, with dash-escaping undone.
func signedBody(s string) (string, bool) {
	_, rest, ok := strings.Cut(s, "\n\n")
	if !ok {
		return "", false
	}
	body, _, ok := strings.Cut(rest, "\n-----BEGIN PGP SIGNATURE-----\n")
	if !ok {
		return "", false
	}
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "- ")
	}
	return strings.Join(lines, "\n") + "\n", true
}
