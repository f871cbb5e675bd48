// SPDX-License-Identifier: AGPL-3.0-or-later

package cases_test

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"embargo/internal/cases"
)

// FuzzNormaliseLabel checks that whatever a user types, a label is either
// refused or comes out in the stored form, and normalising it again
// changes nothing.
func FuzzNormaliseLabel(f *testing.F) {
	for _, s := range []string{"tls", " TLS ", "needs-backport", "a/b:c.d_e", "-x", "", "ü", "x y", strings.Repeat("a", 41), "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := cases.NormaliseLabel("label", in)
		if err != nil {
			return
		}
		if got == "" || len(got) > cases.MaxLabel || got != strings.ToLower(got) || !utf8.ValidString(got) {
			t.Fatalf("NormaliseLabel(%q) = %q", in, got)
		}
		for _, r := range got {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("._-:/", r)) {
				t.Fatalf("NormaliseLabel(%q) = %q holds %q", in, got, r)
			}
		}
		if again, err := cases.NormaliseLabel("label", got); err != nil || again != got {
			t.Fatalf("NormaliseLabel(%q) = %q, %v; want it unchanged", got, again, err)
		}
	})
}

// FuzzNormaliseViewQuery checks that a saved view keeps only filter
// parameters, in a form that parses and normalises to itself.
func FuzzNormaliseViewQuery(f *testing.F) {
	for _, s := range []string{"state=open&priority=P1", "?label=tls&page=3", "q=%zz", "mine=1&mine=1", "a=b;c=d", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := cases.NormaliseViewQuery(in)
		if err != nil {
			return
		}
		v, perr := url.ParseQuery(got)
		if perr != nil {
			t.Fatalf("NormaliseViewQuery(%q) = %q, which does not parse: %v", in, got, perr)
		}
		for k := range v {
			found := false
			for _, p := range cases.ViewParams {
				found = found || p == k
			}
			if !found {
				t.Fatalf("NormaliseViewQuery(%q) kept %q", in, k)
			}
		}
		if again, err := cases.NormaliseViewQuery(got); err != nil || again != got {
			t.Fatalf("NormaliseViewQuery(%q) = %q, %v; want it unchanged", got, again, err)
		}
	})
}
