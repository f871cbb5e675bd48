// SPDX-License-Identifier: AGPL-3.0-or-later

package markdown

import (
	"regexp"
	"strings"
	"testing"

	"embargo/internal/validation"
)

// Text is escaped in the output, so every "<" starts a real tag.
var dangerous = regexp.MustCompile(`(?i)<\s*(script|iframe|object|embed|style|form|img|svg)\b|<[^>]*\son[a-z]+\s*=|<[^>]*(href|src)\s*=\s*["']?\s*(javascript|data|vbscript):`)

// FuzzRender: whatever a reporter writes, the HTML we emit has no active
// content.
func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"# hi", "<script>alert(1)</script>", "[x](javascript:alert(1))", "![p](http://evil/x.png)",
		"<img src=x onerror=alert(1)>", "`code` **b** _i_", "<a href=\"#\" onclick=\"x()\">a</a>",
		"[x](JaVaScRiPt:alert(1))", "<svg onload=alert(1)>", "> quote\n\n- a\n- b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out := string(Render(src))
		if m := dangerous.FindString(out); m != "" {
			t.Fatalf("rendered %q contains %q: %s", src, m, out)
		}
		if strings.Contains(out, "<img") {
			t.Fatalf("image survived: %s", out)
		}
		if r, at := validation.FindDeceptive(out); at >= 0 {
			t.Fatalf("rendered %q holds %U raw: %s", src, r, out)
		}
	})
}
