// SPDX-License-Identifier: AGPL-3.0-or-later

package cwe

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestVersion(t *testing.T) {
	if got := Version(); got != "4.15" {
		t.Errorf("Version() = %q, want 4.15", got)
	}
}

func TestLookup(t *testing.T) {
	xss := Entry{ID: 79, Kind: KindWeakness, Status: "Stable", Abstraction: "Base",
		Name: "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')"}
	tests := []struct {
		id     string
		want   Entry
		wantOK bool
	}{
		{"CWE-79", xss, true},
		{"cwe-79", xss, true},
		{" 79 ", xss, true},
		{"CWE-1000", Entry{ID: 1000, Kind: KindView, Status: "Draft", Name: "Research Concepts"}, true},
		{"CWE-2", Entry{ID: 2, Kind: KindCategory, Status: "Draft", Name: "7PK - Environment"}, true},
		{"CWE-0", Entry{}, false},
		{"CWE-999999", Entry{}, false},
		{"CWE79", Entry{}, false},
		{"CVE-2014-0160", Entry{}, false},
		{"", Entry{}, false},
	}
	for _, tt := range tests {
		got, ok := Lookup(tt.id)
		if ok != tt.wantOK {
			t.Errorf("Lookup(%q) ok = %v, want %v", tt.id, ok, tt.wantOK)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Lookup(%q) (-want +got):\n%s", tt.id, diff)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		id, want, err string
		unknown       bool
	}{
		{id: "CWE-89", want: "CWE-89"},
		{id: "787", want: "CWE-787"},
		{id: "CWE-1003", err: "CWE-1003 is a view"},
		{id: "CWE-1", err: "CWE-1 is deprecated"},
		{id: "CWE-99999", err: "CWE-99999 is not in CWE 4.15", unknown: true},
		{id: "XSS", err: `"XSS" is not a CWE ID`, unknown: true},
	}
	for _, tt := range tests {
		e, err := Validate(tt.id)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("Validate(%q): %v", tt.id, err)
		case tt.err == "" && e.Key() != tt.want:
			t.Errorf("Validate(%q) = %s, want %s", tt.id, e.Key(), tt.want)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("Validate(%q) = %v, want an error containing %q", tt.id, err, tt.err)
		case tt.err != "" && errors.Is(err, ErrUnknown) != tt.unknown:
			t.Errorf("Validate(%q) = %v; wraps ErrUnknown: %v, want %v", tt.id, err, !tt.unknown, tt.unknown)
		}
	}
}

func TestSearch(t *testing.T) {
	keys := func(es []Entry) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.Key())
		}
		return out
	}
	tests := []struct {
		name  string
		query string
		limit int
		want  []string
	}{
		{"by ID", "CWE-79", 1, []string{"CWE-79"}},
		{"by number", "787", 1, []string{"CWE-787"}},
		{"words in any order, any case", "SCRIPTING cross-site", 2, []string{"CWE-79", "CWE-692"}},
		{"one match", "sql command", 5, []string{"CWE-89"}},
		{"limit", "buffer", 2, []string{"CWE-14", "CWE-119"}},
		{"no match", "zzzz no such weakness", 10, nil},
		{"empty", "  ", 10, nil},
		{"zero limit", "buffer", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, keys(Search(tt.query, tt.limit))); diff != "" {
				t.Errorf("Search(%q, %d) (-want +got):\n%s", tt.query, tt.limit, diff)
			}
		})
	}
}

// TestSearchWeaknessesFirst checks the ranking: a query that matches a
// category and weaknesses lists the weaknesses first.
func TestSearchWeaknessesFirst(t *testing.T) {
	got := Search("7PK", 100)
	if len(got) == 0 {
		t.Fatal("Search(7PK) found nothing")
	}
	seenOther := false
	for _, e := range got {
		if e.Kind != KindWeakness || e.Deprecated() {
			seenOther = true
		} else if seenOther {
			t.Fatalf("weakness %s listed after a category, view or deprecated entry: %v", e.Key(), got)
		}
	}
}

// TestDataFile checks the embedded table against the generator's format:
// one header, then five fields per line, IDs ascending, no blank names.
func TestDataFile(t *testing.T) {
	b, err := os.ReadFile("cwe.tsv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if !strings.HasPrefix(lines[0], "# MITRE CWE 4.15 (2024-07-16)") {
		t.Errorf("header = %q", lines[0])
	}
	es := load().entries
	if len(es) != len(lines)-1 || len(es) < 1400 {
		t.Fatalf("%d entries for %d lines", len(es), len(lines)-1)
	}
	for i, e := range es {
		if i > 0 && es[i-1].ID >= e.ID {
			t.Errorf("CWE-%d follows CWE-%d", e.ID, es[i-1].ID)
		}
		if e.Name == "" || (e.Kind != KindWeakness && e.Kind != KindCategory && e.Kind != KindView) {
			t.Errorf("bad entry %+v", e)
		}
	}
}
