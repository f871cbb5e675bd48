// SPDX-License-Identifier: AGPL-3.0-or-later

package validation_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"embargo/internal/validation"
)

// deceptivePayloads are characters that must never reach a reader raw.
var deceptivePayloads = map[string]rune{
	"left-to-right embedding":    0x202A,
	"right-to-left embedding":    0x202B,
	"pop directional formatting": 0x202C,
	"left-to-right override":     0x202D,
	"right-to-left override":     0x202E,
	"left-to-right isolate":      0x2066,
	"right-to-left isolate":      0x2067,
	"first strong isolate":       0x2068,
	"pop directional isolate":    0x2069,
	"left-to-right mark":         0x200E,
	"right-to-left mark":         0x200F,
	"arabic letter mark":         0x061C,
	"zero width space":           0x200B,
	"word joiner":                0x2060,
	"invisible separator":        0x2063,
	"byte order mark":            0xFEFF,
	"soft hyphen":                0x00AD,
	"mongolian vowel separator":  0x180E,
	"interlinear annotation":     0xFFF9,
	"language tag":               0xE0001,
	"next line (C1 control)":     0x0085,
}

func TestTextRefusesDeceptiveInOneLine(t *testing.T) {
	for name, r := range deceptivePayloads {
		t.Run(name, func(t *testing.T) {
			in := "Fix in auth" + string(r) + "gpj.exe"
			_, err := validation.Text("title", in, true, 200, false)
			var ve *validation.Error
			if !errors.As(err, &ve) || ve.Field != "title" {
				t.Fatalf("Text(%q) = %v, want a title error", in, err)
			}
			if code := fmt.Sprintf("U+%04X", r); !strings.Contains(ve.Message, code) {
				t.Errorf("message %q does not name %s", ve.Message, code)
			}
			if strings.ContainsRune(ve.Message, r) {
				t.Errorf("message %q holds the character raw", ve.Message)
			}
			// Multi-line text keeps it byte for byte: it is evidence.
			got, err := validation.Text("description", in, true, 200, true)
			if err != nil || got != in {
				t.Errorf("multi-line Text(%q) = %q, %v; want it unchanged", in, got, err)
			}
		})
	}
}

func TestTextKeepsWhatScriptsNeed(t *testing.T) {
	for name, s := range map[string]string{
		"family emoji (ZWJ)":            "👩\u200D👩\u200D👧",
		"rainbow flag (ZWJ after VS)":   "🏳\uFE0F\u200D🌈",
		"Persian (ZWNJ)":                "می\u200Cخواهم",
		"Devanagari (ZWJ after virama)": "क्\u200Dष",
		"flag of Scotland (tags)":       "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F",
		"Arabic number sign":            "\u0600١٢٣",
		"plain":                         "Heap overflow in parser",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := validation.Text("name", s, true, 200, false); err != nil {
				t.Errorf("Text(%q) = %v, want it accepted", s, err)
			}
			if got, found := validation.RevealDeceptive(s); found || got != s {
				t.Errorf("RevealDeceptive(%q) = %q, %v; want it unchanged", s, got, found)
			}
		})
	}
}

func TestRevealDeceptive(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"trojan source", "Fix in auth\u202Egpj.exe", "Fix in auth⟨U+202E⟩gpj.exe"},
		{"two", "\u2066a\u2069", "⟨U+2066⟩a⟨U+2069⟩"},
		{"ZWJ between ASCII letters", "ad\u200Dmin", "ad⟨U+200D⟩min"},
		{"ZWNJ at the end", "é\u200C", "é⟨U+200C⟩"},
		{"tag smuggling", "ok\U000E0041\U000E0042", "ok⟨U+E0041⟩⟨U+E0042⟩"},
		{"flag without cancel tag", "🏴\U000E0067", "🏴⟨U+E0067⟩"},
		{"newline and tab kept", "a\n\tb\r\n", "a\n\tb\r\n"},
		{"escape", "a\x1b[31mb", "a⟨U+001B⟩[31mb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, found := validation.RevealDeceptive(tc.in)
			if got != tc.want || found != (tc.in != tc.want) {
				t.Errorf("RevealDeceptive(%q) = %q, %v; want %q", tc.in, got, found, tc.want)
			}
		})
	}
	for name, r := range deceptivePayloads {
		if !validation.Deceptive(r) {
			t.Errorf("Deceptive(%U) = false for %s", r, name)
		}
	}
}

func FuzzRevealDeceptive(f *testing.F) {
	f.Add("Fix in auth\u202Egpj.exe")
	f.Add("👩\u200D👩")
	f.Fuzz(func(t *testing.T, s string) {
		got, _ := validation.RevealDeceptive(s)
		if _, at := validation.FindDeceptive(got); at >= 0 {
			t.Errorf("RevealDeceptive(%q) = %q still holds a deceptive character at %d", s, got, at)
		}
	})
}
