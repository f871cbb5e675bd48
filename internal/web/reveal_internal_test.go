// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"testing"

	"embargo/internal/validation"
)

func TestRevealPage(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		found          bool
	}{
		{"clean page", "<p>Heap overflow 👩\u200D👩</p>", "<p>Heap overflow 👩\u200D👩</p>", false},
		{"title and text", "<title>auth\u202Egpj.exe</title><h1>auth\u202Egpj.exe</h1>",
			"<title>auth⟨U+202E⟩gpj.exe</title><h1>auth⟨U+202E⟩gpj.exe</h1>", true},
		{"attribute", `<input value="a` + "\u2066" + `b" title="` + "\u200B" + `">`, `<input value="a⟨U+2066⟩b" title="⟨U+200B⟩">`, true},
		{"textarea keeps a reference", "<p>a\u202Eb</p><textarea id=\"d\" placeholder=\"x\u200By\">a\u202Eb\nc</textarea><p>\u2067</p>",
			"<p>a⟨U+202E⟩b</p><textarea id=\"d\" placeholder=\"x⟨U+200B⟩y\">a&#x202E;b\nc</textarea><p>⟨U+2067⟩</p>", true},
		{"two textareas", "<textarea>\u2066</textarea>\u2066<textarea>\u2069</textarea>",
			"<textarea>&#x2066;</textarea>⟨U+2066⟩<textarea>&#x2069;</textarea>", true},
		{"only in a textarea", "<textarea>\uFEFF</textarea>", "<textarea>&#xFEFF;</textarea>", true},
		{"unclosed textarea", "<textarea>\u202E", "<textarea>⟨U+202E⟩", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, found := revealPage([]byte(tc.in))
			if string(got) != tc.want || found != tc.found {
				t.Errorf("revealPage(%q) = %q, %v; want %q, %v", tc.in, got, found, tc.want, tc.found)
			}
		})
	}
}

func FuzzRevealPage(f *testing.F) {
	f.Add("<title>auth\u202Egpj.exe</title><textarea>\u2066x</textarea>")
	f.Fuzz(func(t *testing.T, page string) {
		got, _ := revealPage([]byte(page))
		if r, at := validation.FindDeceptive(string(got)); at >= 0 {
			t.Errorf("revealPage(%q) = %q holds %U raw", page, got, r)
		}
	})
}
