// SPDX-License-Identifier: AGPL-3.0-or-later

package markdown

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string // substrings the output must contain
		wantNot []string // substrings it must not contain
	}{
		{
			name: "formatting survives",
			in:   "# Title\n\nSome **bold** and `code`.\n\n```\nx := 1\n```\n\n- one\n- two\n",
			want: []string{"<h1>Title</h1>", "<strong>bold</strong>", "<code>code</code>", "<pre><code>x := 1", "<li>one</li>"},
		},
		{
			name:    "script tag is dropped",
			in:      "hello <script>alert(1)</script> world",
			want:    []string{"hello", "world"},
			wantNot: []string{"<script", "</script"},
		},
		{
			name:    "block of raw HTML is dropped",
			in:      "<div onclick=\"steal()\">boo</div>\n\n<iframe src=\"https://evil.example\"></iframe>",
			wantNot: []string{"<div", "onclick", "<iframe", "evil.example"},
		},
		{
			name:    "inline event handler is dropped",
			in:      `<img src=x onerror=alert(1)>`,
			wantNot: []string{"<img", "onerror"},
		},
		{
			name:    "javascript link is neutralised",
			in:      "[click](javascript:alert(1))",
			want:    []string{"click"},
			wantNot: []string{"javascript:"},
		},
		{
			name: "links get rel",
			in:   "[site](https://example.org/a) and <https://example.org/b> and https://example.org/c",
			want: []string{
				`<a href="https://example.org/a" rel="nofollow noopener noreferrer">site</a>`,
				`<a href="https://example.org/b" rel="nofollow noopener noreferrer">`,
				`<a href="https://example.org/c" rel="nofollow noopener noreferrer">`,
			},
		},
		{
			name:    "images become links",
			in:      "![proof](https://tracker.example/pixel.png)",
			want:    []string{`<a href="https://tracker.example/pixel.png" rel="nofollow noopener noreferrer">proof</a>`},
			wantNot: []string{"<img"},
		},
		{
			name:    "no heading ids",
			in:      "# notes",
			want:    []string{"<h1>notes</h1>"},
			wantNot: []string{"id="},
		},
		{
			name:    "table alignment without style",
			in:      "| a | b |\n|:--|--:|\n| 1 | 2 |\n",
			want:    []string{"<table>", `align="left"`, `align="right"`},
			wantNot: []string{"style="},
		},
		{
			name:    "deceptive characters are revealed in text, code and links",
			in:      "Fix in auth\u202Egpj.exe\n\n`a\u2066b`\n\n```\nif x \u2067{\n```\n\n[see\u200Bthis](https://example.org/\u202Ex)",
			want:    []string{"auth⟨U+202E⟩gpj.exe", "<code>a⟨U+2066⟩b</code>", "if x ⟨U+2067⟩{", "see⟨U+200B⟩this"},
			wantNot: []string{"\u202E", "\u2066", "\u2067", "\u200B"},
		},
		{
			name:    "character references are revealed too",
			in:      "auth&#x202E;gpj.exe and &#8203;",
			want:    []string{"auth⟨U+202E⟩gpj.exe", "⟨U+200B⟩"},
			wantNot: []string{"\u202E", "\u200B"},
		},
		{
			name: "emoji sequences are kept",
			in:   "👩\u200D👩\u200D👧",
			want: []string{"👩\u200D👩\u200D👧"},
		},
		{
			name: "text is escaped",
			in:   `5 < 6 & "quotes"`,
			want: []string{"5 &lt; 6 &amp;"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(Render(tt.in))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Render(%q) = %q, missing %q", tt.in, got, w)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(got, w) {
					t.Errorf("Render(%q) = %q, must not contain %q", tt.in, got, w)
				}
			}
		})
	}
}

func TestRenderLimitsInput(t *testing.T) {
	got := Render(strings.Repeat("a", MaxInput+100))
	if n := strings.Count(string(got), "a"); n > MaxInput {
		t.Errorf("rendered %d characters of input, want at most %d", n, MaxInput)
	}
}
