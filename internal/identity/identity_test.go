// SPDX-License-Identifier: AGPL-3.0-or-later

package identity_test

import (
	"strings"
	"testing"

	"embargo/internal/identity"
)

func TestEmail(t *testing.T) {
	tests := []struct {
		name, in, want, problem string
	}{
		{"plain", "alice@example.test", "alice@example.test", ""},
		{"case and space", "  Alice@Example.TEST ", "alice@example.test", ""},
		{"fullwidth", "ａｌｉｃｅ@ｅｘａｍｐｌｅ.ｔｅｓｔ", "alice@example.test", ""},
		{"case folding", "STRASSE@example.test", "strasse@example.test", ""},
		{"sharp s folds", "Straße@example.test", "strasse@example.test", ""},
		{"composed and decomposed", "jose\u0301@example.test", "jos\u00e9@example.test", ""},
		{"zero-width space", "ali\u200Bce@example.test", "", "U+200B at position 4"},
		{"zero-width joiner", "ali\u200Dce@example.test", "", "U+200D"},
		{"soft hyphen", "ali\u00ADce@example.test", "", "U+00AD"},
		{"bidi override", "\u202Eecila@example.test", "", "U+202E"},
		{"variation selector", "alice\uFE0F@example.test", "", "U+FE0F"},
		{"hangul filler", "alice\u3164@example.test", "", "U+3164"},
		{"combining grapheme joiner", "ali\u034Fce@example.test", "", "U+034F"},
		{"no-break space", "ali\u00A0ce@example.test", "", "U+00A0 at position 4"},
		{"private use", "ali\uE000ce@example.test", "", "U+E000"},
		{"not an email", "alice", "", "is not an email address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := identity.Email("email", tt.in)
			if tt.problem == "" {
				if err != nil || got != tt.want {
					t.Fatalf("Email(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.problem) {
				t.Fatalf("Email(%q) = %q, %v; want an error containing %q", tt.in, got, err, tt.problem)
			}
		})
	}
}

func TestResembling(t *testing.T) {
	existing := []string{"alice@example.test", "bob@example.test", "modern@example.test"}
	tests := []struct {
		name, email, want string
	}{
		{"cyrillic a", "\u0430lice@example.test", "alice@example.test"},
		{"greek omicron", "b\u03BFb@example.test", "bob@example.test"},
		{"r and n for m", "rnodern@example.test", "modern@example.test"},
		{"the same address is not a lookalike", "Alice@example.test", ""},
		{"a different address", "carol@example.test", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := identity.Resembling(tt.email, existing)
			if got != tt.want {
				t.Errorf("Resembling(%q) = %q, want %q", tt.email, got, tt.want)
			}
		})
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"zed@example.test":       "z**@example.test",
		"z@example.test":         "z**@example.test",
		"Zacharias@Example.Test": "z**@example.test",
	} {
		if got := identity.Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}
