// SPDX-License-Identifier: AGPL-3.0-or-later

// Package cwe looks up entries of MITRE's Common Weakness Enumeration: the
// weaknesses, categories and views of CWE version 4.15, embedded as a
// compact table (cwe.tsv) derived from the catalogue XML by ./gen.
//
// To regenerate after a new CWE release, fetch the catalogue XML (from
// https://cwe.mitre.org/data/downloads.html, or raw/cwe-archive.xml inside
// the npm package cwe-sdk: `npm pack cwe-sdk` in a temporary directory) and
// run:
//
//	CWE_XML=/path/to/cwec.xml go generate ./internal/cwe
package cwe

//go:generate go run ./gen -in $CWE_XML -out cwe.tsv

import (
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed cwe.tsv
var data string

// The kinds of entry.
const (
	KindWeakness = "weakness"
	KindCategory = "category"
	KindView     = "view"
)

// Entry is one CWE entry.
type Entry struct {
	ID          int    // 79 for CWE-79
	Kind        string // KindWeakness, KindCategory or KindView
	Status      string // Stable, Incomplete, Draft, Obsolete or Deprecated
	Abstraction string // Pillar, Class, Base, Variant or Compound (weaknesses only)
	Name        string
}

// Key is the entry's usual name, e.g. "CWE-79".
func (e Entry) Key() string { return "CWE-" + strconv.Itoa(e.ID) }

// Deprecated reports whether MITRE withdrew the entry.
func (e Entry) Deprecated() bool { return e.Status == "Deprecated" }

type catalogue struct {
	version string
	entries []Entry // by ID ascending
}

var header = regexp.MustCompile(`^# MITRE CWE ([0-9.]+) `)

var load = sync.OnceValue(func() *catalogue {
	lines := strings.Split(strings.TrimSuffix(data, "\n"), "\n")
	m := header.FindStringSubmatch(lines[0])
	if m == nil {
		panic("cwe: embedded cwe.tsv has no version header")
	}
	c := &catalogue{version: m[1], entries: make([]Entry, 0, len(lines)-1)}
	for _, line := range lines[1:] {
		f := strings.Split(line, "\t")
		id, err := strconv.Atoi(f[0])
		if len(f) != 5 || err != nil {
			panic(fmt.Sprintf("cwe: embedded cwe.tsv has a bad line %q", line))
		}
		c.entries = append(c.entries, Entry{ID: id, Kind: f[1], Status: f[2], Abstraction: f[3], Name: f[4]})
	}
	return c
})

// Version returns the CWE version of the embedded catalogue, e.g. "4.15".
func Version() string { return load().version }

// ErrUnknown is wrapped by the errors of Validate for an ID the catalogue
// does not hold.
var ErrUnknown = errors.New("unknown CWE")

var idPattern = regexp.MustCompile(`^(?i:cwe-)?([0-9]{1,7})$`)

// ParseID reads "CWE-79", "cwe-79" or "79" (surrounding space ignored) as
// 79. It reports false for anything else.
func ParseID(s string) (int, bool) {
	m := idPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	id, err := strconv.Atoi(m[1])
	return id, err == nil && id > 0
}

// Lookup returns the entry with that ID, in any form ParseID reads.
func Lookup(id string) (Entry, bool) {
	n, ok := ParseID(id)
	if !ok {
		return Entry{}, false
	}
	return byID(n)
}

func byID(n int) (Entry, bool) {
	es := load().entries
	i, ok := slices.BinarySearchFunc(es, n, func(e Entry, n int) int { return e.ID - n })
	if !ok {
		return Entry{}, false
	}
	return es[i], true
}

// Validate checks that id names a weakness or category a case can be
// classified under, and returns its entry. Malformed and unknown IDs wrap
// ErrUnknown; views and deprecated entries are refused with a message
// saying so.
func Validate(id string) (Entry, error) {
	n, ok := ParseID(id)
	if !ok {
		return Entry{}, fmt.Errorf("%w: %q is not a CWE ID such as CWE-79", ErrUnknown, id)
	}
	e, ok := byID(n)
	if !ok {
		return Entry{}, fmt.Errorf("%w: CWE-%d is not in CWE %s", ErrUnknown, n, Version())
	}
	if e.Kind == KindView {
		return Entry{}, fmt.Errorf("%s is a view (%s), not a weakness or category", e.Key(), e.Name)
	}
	if e.Deprecated() {
		return Entry{}, fmt.Errorf("%s is deprecated (%s)", e.Key(), e.Name)
	}
	return e, nil
}

// Search returns at most limit entries matching query: the entry with that
// ID when query is an ID ("CWE-79", "79"), then the entries whose name
// contains every word of query (case-insensitive), weaknesses before
// categories and views, deprecated entries last, by ID within each group.
// An empty query matches nothing.
func Search(query string, limit int) []Entry {
	query = strings.TrimSpace(query)
	if query == "" || limit <= 0 {
		return nil
	}
	var out []Entry
	exact := 0
	if e, ok := Lookup(query); ok {
		out, exact = append(out, e), e.ID
	}
	words := strings.Fields(strings.ToLower(query))
	var named []Entry
	for _, e := range load().entries {
		if e.ID == exact {
			continue
		}
		name := strings.ToLower(e.Name)
		if !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(name, w) }) {
			named = append(named, e)
		}
	}
	slices.SortStableFunc(named, func(a, b Entry) int { return rank(a) - rank(b) })
	out = append(out, named...)
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// rank orders search results: live weaknesses, categories, views, then
// deprecated and obsolete entries.
func rank(e Entry) int {
	r := 0
	switch e.Kind {
	case KindCategory:
		r = 1
	case KindView:
		r = 2
	}
	if e.Deprecated() || e.Status == "Obsolete" {
		r += 3
	}
	return r
}
