// SPDX-License-Identifier: AGPL-3.0-or-later

package validation

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		required  bool
		multiline bool
		want      string
		wantErr   string
	}{
		{"trimmed", "  hi  ", true, false, "hi", ""},
		{"required blank", "   ", true, false, "", "is required"},
		{"optional blank", "", false, false, "", ""},
		{"too long counts characters", strings.Repeat("é", 11), false, false, "", "too long"},
		{"ten accented fit", strings.Repeat("é", 10), false, false, strings.Repeat("é", 10), ""},
		{"newline in single line", "a\nb", false, false, "", "single line"},
		{"newline in multi line", "a\nb", false, true, "a\nb", ""},
		{"NUL", "a\x00", false, true, "", "control"},
		{"escape", "a\x1b[31m", false, true, "", "control"},
		{"invalid UTF-8", "\xff", false, false, "", "UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Text("f", tc.in, tc.required, 10, tc.multiline)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Text = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestEmail(t *testing.T) {
	for in, ok := range map[string]bool{
		"a@example.org": true, "A.B+tag@Sub.Example.ORG": true,
		"no-at": false, "a@b": false, "a@@b.org": false, "a b@c.org": false, "<a@b.org>": false,
		"a@b.org\r\nBcc: x@y.org": false, "": false,
	} {
		got, err := Email("email", in)
		if (err == nil) != ok {
			t.Errorf("Email(%q) = %v, want ok=%v", in, err, ok)
		}
		if ok && got != strings.ToLower(strings.TrimSpace(in)) {
			t.Errorf("Email(%q) = %q, not lowercased", in, got)
		}
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"", "hello", "a\nb", "\x00", "\xff\xfe", "é", strings.Repeat("x", 300)} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, in string, multiline bool) {
		got, err := Text("f", in, false, 100, multiline)
		if err != nil {
			return
		}
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > 100 {
			t.Fatalf("accepted %q", got)
		}
		for _, r := range got {
			if (r < 0x20 && r != '\n' && r != '\t' && r != '\r') || r == 0x7f {
				t.Fatalf("accepted control character %U", r)
			}
			if !multiline && (r == '\n' || r == '\r') {
				t.Fatalf("accepted a line break in a single-line field")
			}
		}
	})
}

func FuzzEmail(f *testing.F) {
	for _, s := range []string{"a@example.org", "x", "a@b.c\n", "\"a\"@b.org"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := Email("email", in)
		if err != nil {
			return
		}
		if strings.ContainsAny(got, "\r\n <>\",;") || strings.Count(got, "@") != 1 || len(got) > 254 {
			t.Fatalf("accepted %q", got)
		}
	})
}
