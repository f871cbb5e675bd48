// SPDX-License-Identifier: AGPL-3.0-or-later

package validation

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Deceptive characters change how the text around them is shown without
// showing themselves: the bidirectional controls behind "Trojan Source"
// (CVE-2021-42574), which make "auth\u202Egpj.exe" read "authexe.jpg", and
// invisible format characters (Unicode category Cf), which make two
// different names look the same. Reports come from strangers, so
// one-line names refuse them (Text) and everything else shows them as
// ⟨U+202E⟩ (the code point in hex) (Reveal).
//
// Some format characters are part of how a script is written and are
// kept: the zero-width joiner and non-joiner between two non-ASCII
// characters (emoji sequences, Persian, Indic scripts), tag characters
// inside an emoji flag sequence (🏴 + tags + cancel tag), and the format
// characters that show as a visible sign (Arabic number signs, Egyptian
// hieroglyph controls).

const (
	zwnj      = '\u200C'
	zwj       = '\u200D'
	blackFlag = '\U0001F3F4'
	cancelTag = '\U000E007F'
)

// Deceptive reports whether r is deceptive wherever it stands: a
// bidirectional control or mark, an invisible format character, or a
// control character other than tab, line feed and carriage return. The
// joiners and tag characters, which are deceptive only out of place, are
// judged with their neighbours by FindDeceptive and RevealDeceptive.
func Deceptive(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case r < 0x20 || r >= 0x7f && r <= 0x9f:
		return true
	case r < 0xa0:
		return false
	case r == zwnj || r == zwj:
		return false
	case r >= 0xE0020 && r <= cancelTag:
		return false
	case r >= 0x0600 && r <= 0x0605, r == 0x06DD, r == 0x070F, r == 0x0890, r == 0x0891, r == 0x08E2,
		r == 0x110BD, r == 0x110CD, r >= 0x13430 && r <= 0x1343F:
		// Prepended concatenation marks and hieroglyph controls: shown
		// as a sign or as the arrangement of visible signs.
		return false
	}
	return unicode.Is(unicode.Cf, r)
}

// FindDeceptive returns the first deceptive character of s and its byte
// offset, or -1 when s has none.
func FindDeceptive(s string) (rune, int) {
	var found rune
	at := -1
	scanDeceptive(s, func(i int, r rune) bool {
		found, at = r, i
		return false
	})
	return found, at
}

// RevealDeceptive returns s with every deceptive character replaced by
// its code point in angle brackets ("⟨U+202E⟩"), and whether there was
// any. The replacement holds no character that is special in HTML, mail
// or Markdown, so it may be applied to any of them, escaped or not.
func RevealDeceptive(s string) (string, bool) {
	return RevealDeceptiveFunc(s, CodePoint)
}

// RevealDeceptiveFunc is RevealDeceptive with the replacement of each
// deceptive character chosen by repl.
func RevealDeceptiveFunc(s string, repl func(rune) string) (string, bool) {
	var b strings.Builder
	last := 0
	scanDeceptive(s, func(i int, r rune) bool {
		if last == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[last:i])
		b.WriteString(repl(r))
		last = i + utf8.RuneLen(r)
		return true
	})
	if last == 0 {
		return s, false
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// CodePoint shows r as "⟨U+202E⟩ (the code point in hex)".
func CodePoint(r rune) string {
	return fmt.Sprintf("⟨U+%04X⟩", r)
}

// scanDeceptive calls fn with the offset of each deceptive character of
// s, in order, until fn returns false. Invalid UTF-8 is left alone: it
// is refused or replaced elsewhere and cannot reorder text.
func scanDeceptive(s string, fn func(i int, r rune) bool) {
	prev := rune(-1) // the previous character, -1 at the start
	for i := 0; i < len(s); {
		if c := s[i]; c >= 0x20 && c < 0x7f || c == '\t' || c == '\n' || c == '\r' {
			prev = rune(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == blackFlag {
			if n := flagTags(s[i+size:]); n > 0 {
				i += size + n
				prev = cancelTag
				continue
			}
		}
		bad := Deceptive(r)
		switch {
		case r == zwnj || r == zwj:
			next, _ := utf8.DecodeRuneInString(s[i+size:])
			bad = !joinable(prev) || !joinable(next)
		case r >= 0xE0000 && r <= cancelTag:
			bad = true // a tag outside an emoji flag sequence
		}
		if bad && !fn(i, r) {
			return
		}
		prev = r
		i += size
	}
}

// joinable reports whether a joiner next to r can be part of how a script
// is written: r is a visible character beyond ASCII.
func joinable(r rune) bool {
	return r >= 0xa0 && r != utf8.RuneError && !Deceptive(r) && r != zwnj && r != zwj
}

// flagTags returns the length of the tag sequence s starts with (tags
// U+E0020 to U+E007E ended by the cancel tag, as after 🏴 in the flag of
// Scotland), or 0 when s does not start with one.
func flagTags(s string) int {
	n := 0
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		switch {
		case r == cancelTag && n > 0:
			return n + size
		case r >= 0xE0020 && r < cancelTag:
			n += size
		default:
			return 0
		}
	}
	return 0
}

// deceptiveNames names the characters a message is most likely to meet.
var deceptiveNames = map[rune]string{
	0x00AD: "SOFT HYPHEN",
	0x061C: "ARABIC LETTER MARK",
	0x180E: "MONGOLIAN VOWEL SEPARATOR",
	0x200B: "ZERO WIDTH SPACE",
	0x200C: "ZERO WIDTH NON-JOINER",
	0x200D: "ZERO WIDTH JOINER",
	0x200E: "LEFT-TO-RIGHT MARK",
	0x200F: "RIGHT-TO-LEFT MARK",
	0x202A: "LEFT-TO-RIGHT EMBEDDING",
	0x202B: "RIGHT-TO-LEFT EMBEDDING",
	0x202C: "POP DIRECTIONAL FORMATTING",
	0x202D: "LEFT-TO-RIGHT OVERRIDE",
	0x202E: "RIGHT-TO-LEFT OVERRIDE",
	0x2060: "WORD JOINER",
	0x2061: "FUNCTION APPLICATION",
	0x2062: "INVISIBLE TIMES",
	0x2063: "INVISIBLE SEPARATOR",
	0x2064: "INVISIBLE PLUS",
	0x2066: "LEFT-TO-RIGHT ISOLATE",
	0x2067: "RIGHT-TO-LEFT ISOLATE",
	0x2068: "FIRST STRONG ISOLATE",
	0x2069: "POP DIRECTIONAL ISOLATE",
	0xFEFF: "ZERO WIDTH NO-BREAK SPACE",
}

// bidi reports whether r changes the direction of text.
func bidi(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 || r == 0x200E || r == 0x200F || r == 0x061C
}

// DescribeDeceptive names r for a message: its code point, its name when
// known, and why it is refused, e.g. "U+202E RIGHT-TO-LEFT OVERRIDE (a
// character that reorders the text around it, …)". It never
// holds r itself, which would hide in the message too.
func DescribeDeceptive(r rune) string {
	what := fmt.Sprintf("U+%04X", r)
	if name, ok := deceptiveNames[r]; ok {
		what += " " + name
	}
	why := "an invisible character, which makes text look like what it is not"
	switch {
	case bidi(r):
		why = "a character that reorders the text around it, so that it reads as something else"
	case unicode.IsControl(r):
		why = "a control character"
	}
	return what + " (" + why + ")"
}

// RefuseDeceptive returns an *Error for field naming the first deceptive
// character of value, or nil when it has none. Text does this for
// one-line fields; checks of stricter formats (slugs, labels) call it
// first so that their message names the character a reader cannot see.
func RefuseDeceptive(field, value string) error {
	if r, at := FindDeceptive(value); at >= 0 {
		return deceptiveError(field, r)
	}
	return nil
}

// deceptiveError is the refusal of field for holding r.
func deceptiveError(field string, r rune) error {
	return Errorf(field, "must not contain %s", DescribeDeceptive(r))
}
