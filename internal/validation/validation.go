// SPDX-License-Identifier: AGPL-3.0-or-later

// Package validation carries the errors domain code returns for bad input,
// so that the web and API layers can show them as clear 4xx messages
// without leaking internals.
package validation

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Error is a problem with one input field.
type Error struct {
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// Errorf returns an *Error for field.
func Errorf(field, format string, args ...any) error {
	return &Error{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Conflict is a request that contradicts the current state: an illegal
// transition, a taken name. Shown as 409.
type Conflict struct {
	Message string
}

func (e *Conflict) Error() string { return e.Message }

// Conflictf returns a *Conflict.
func Conflictf(format string, args ...any) error {
	return &Conflict{Message: fmt.Sprintf(format, args...)}
}

// NotFound is a referenced thing that does not exist (or may not be seen).
type NotFound struct {
	What string
}

func (e *NotFound) Error() string { return e.What + " not found" }

// IsInput reports whether err is a validation, conflict or not-found error
// whose message is safe to show to the user.
func IsInput(err error) bool {
	var v *Error
	var c *Conflict
	var n *NotFound
	return errors.As(err, &v) || errors.As(err, &c) || errors.As(err, &n)
}

// Text checks a free-text field: required or not, at most max characters,
// valid UTF-8, no NUL or other control characters except newline and tab
// (when multiline). A one-line field is read as a name, so it also
// refuses deceptive characters (see Deceptive); multi-line text keeps them,
// as evidence, and is shown with them revealed. It returns the value
// trimmed of surrounding space.
func Text(field, value string, required bool, max int, multiline bool) (string, error) {
	if !utf8.ValidString(value) {
		return "", Errorf(field, "must be valid UTF-8")
	}
	value = strings.TrimSpace(value)
	if required && value == "" {
		return "", Errorf(field, "is required")
	}
	if n := utf8.RuneCountInString(value); n > max {
		return "", Errorf(field, "is too long (%d characters, at most %d)", n, max)
	}
	for _, r := range value {
		if r == '\n' || r == '\t' || r == '\r' {
			if !multiline && r != '\t' {
				return "", Errorf(field, "must be a single line")
			}
			continue
		}
		if r < 0x20 || r == 0x7f {
			return "", Errorf(field, "must not contain control characters")
		}
	}
	if !multiline {
		if err := RefuseDeceptive(field, value); err != nil {
			return "", err
		}
	}
	return value, nil
}

// OneOf checks that value is one of allowed.
func OneOf(field, value string, allowed ...string) error {
	for _, a := range allowed {
		if value == a {
			return nil
		}
	}
	return Errorf(field, "must be one of %s", strings.Join(allowed, ", "))
}

var emailPattern = regexp.MustCompile(`^[^@\s<>()",;:\[\]\\]+@[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?\.[A-Za-z]{2,63}$`)

// Email checks an email address (at most 254 characters, one @, a dotted
// domain) and returns it trimmed and lowercased.
func Email(field, value string) (string, error) {
	value, err := Text(field, value, true, 254, false)
	if err != nil {
		return "", err
	}
	if !emailPattern.MatchString(value) {
		return "", Errorf(field, "is not an email address")
	}
	return strings.ToLower(value), nil
}
