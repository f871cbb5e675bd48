// SPDX-License-Identifier: AGPL-3.0-or-later

// Package identity decides when two account emails name the same person,
// or only look as if they did. Every way in (sign-up, user creation from
// the CLI, API and admin pages, invitations, sign-in) goes through Email or
// Canonical, and the lookalike check through Skeleton, so that
// "alice@…", "ａｌｉｃｅ@…" (fullwidth), "ali\u200Bce@…" (zero-width space)
// and "аlice@…" (Cyrillic а) cannot become four accounts.
package identity

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mtibben/confusables"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"embargo/internal/validation"
)

// ConfusablesVersion is the version of Unicode's confusables.txt (UTS #39)
// that Skeleton maps with: the data carried by
// github.com/mtibben/confusables. Raise it with that module.
const ConfusablesVersion = "13.0.0"

// Canonical returns the form an email is stored and compared in: trimmed,
// NFKC-normalised, the domain lowercased and the local part case-folded.
// It never fails; Email is the check for input that may be refused.
func Canonical(email string) string {
	email = norm.NFKC.String(strings.TrimSpace(email))
	fold := cases.Fold() // a Caser has state: one per call, never shared
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return norm.NFKC.String(fold.String(email))
	}
	return norm.NFKC.String(fold.String(email[:at])) + "@" + strings.ToLower(email[at+1:])
}

// Email checks an email given as input and returns its canonical form.
// Besides the shape validation.Email checks, it refuses invisible
// characters (format and control characters, default-ignorable code
// points, variation selectors, spaces of any kind) and unassigned or
// private-use code points, naming the first one found. Errors are
// *validation.Error for field.
func Email(field, value string) (string, error) {
	if !utf8.ValidString(value) {
		return "", validation.Errorf(field, "must be valid UTF-8")
	}
	value = strings.TrimSpace(value)
	nfkc := norm.NFKC.String(value)
	// The typed form first, so the message names what the user sent;
	// then the normalised one, as NFKC turns some characters into spaces.
	for _, s := range []string{value, nfkc} {
		for i, r := range []rune(s) {
			if invisible(r) {
				return "", validation.Errorf(field, "must not contain invisible or control characters (U+%04X at position %d)", r, i+1)
			}
		}
	}
	if _, err := validation.Email(field, nfkc); err != nil {
		return "", err
	}
	return Canonical(nfkc), nil
}

// invisible reports whether r shows nothing, or nothing reliable, on
// screen: the characters that make two different addresses print alike.
func invisible(r rune) bool {
	return !unicode.IsGraphic(r) || // Cc, Cf, Co, Cs, unassigned
		unicode.IsSpace(r) || unicode.Is(unicode.Zs, r) ||
		unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) ||
		unicode.Is(unicode.Variation_Selector, r)
}

// Skeleton returns the UTS #39 confusable skeleton of an email's canonical
// form: two addresses with the same skeleton look alike to a reader
// ("аlice" with a Cyrillic а, "alice"), although they are different
// addresses.
func Skeleton(email string) string {
	return confusables.Skeleton(Canonical(email))
}

// Mask shows enough of an email for its owner to recognise it without
// disclosing it to someone else: the first character of the local part,
// then two asterisks whatever its length, then the domain
// ("zed@example.test" gives "z**@example.test").
func Mask(email string) string {
	email = Canonical(email)
	at := strings.LastIndexByte(email, '@')
	if at <= 0 {
		return "**"
	}
	first, _ := utf8.DecodeRuneInString(email)
	return fmt.Sprintf("%c**%s", first, email[at:])
}

// Resembling returns the first of existing that is a different address
// from email but has the same skeleton, and whether there is one.
func Resembling(email string, existing []string) (string, bool) {
	c, sk := Canonical(email), Skeleton(email)
	for _, e := range existing {
		if Canonical(e) != c && Skeleton(e) == sk {
			return e, true
		}
	}
	return "", false
}
