// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"fmt"
	"strings"

	"embargo/internal/validation"
)

// revealPage returns a rendered page with every deceptive character
// (validation.Deceptive) shown as ⟨U+202E⟩ (the code point in hex), and whether there was any.
//
// It runs on the finished page rather than in each template, so that no
// value escapes it: titles, names, <title>, attribute values, Markdown
// and code blocks alike, and rows stored before one-line fields refused
// these characters. That is safe on HTML because neither the characters
// nor their replacement are special to it: no tag, attribute or
// reference can be made or broken by the swap.
//
// Inside a <textarea> the character is written as a character reference
// instead: the form then sends it back as it was, so saving a case's
// description with another change cannot alter the reporter's text, which
// is evidence. The page's warning banner says the text holds such
// characters.
func revealPage(page []byte) ([]byte, bool) {
	s := string(page)
	if _, at := validation.FindDeceptive(s); at < 0 {
		return page, false
	}
	var out strings.Builder
	out.Grow(len(s) + 64)
	var found bool
	add := func(part string, repl func(rune) string) {
		part, f := validation.RevealDeceptiveFunc(part, repl)
		out.WriteString(part)
		found = found || f
	}
	for {
		// The templates write these tags; user text is escaped or
		// sanitized and cannot hold one.
		open := strings.Index(s, "<textarea")
		if open < 0 {
			break
		}
		body := strings.IndexByte(s[open:], '>')
		if body < 0 {
			break
		}
		body += open + 1
		end := strings.Index(s[body:], "</textarea")
		if end < 0 {
			break
		}
		end += body
		add(s[:body], validation.CodePoint)
		add(s[body:end], charRef)
		s = s[end:]
	}
	add(s, validation.CodePoint)
	return []byte(out.String()), found
}

// charRef writes r as an HTML character reference.
func charRef(r rune) string {
	return fmt.Sprintf("&#x%X;", r)
}
