// SPDX-License-Identifier: AGPL-3.0-or-later

// Package cvss parses, validates and scores CVSS v3.1 and v4.0 vector
// strings. Scoring is done by github.com/pandatix/go-cvss; this package
// first checks the vector metric by metric against the specifications'
// metric tables so that a bad vector is refused with an error naming the
// exact metric at fault, which the library's own errors do not.
package cvss

import (
	"fmt"
	"math"
	"slices"
	"strings"

	gocvss31 "github.com/pandatix/go-cvss/31"
	gocvss40 "github.com/pandatix/go-cvss/40"
)

// The supported versions, as they appear after "CVSS:" in a vector.
const (
	V31 = "3.1"
	V40 = "4.0"
)

// MaxVectorLength bounds the input: the longest valid v4.0 vector, with
// every optional metric set, is well under 300 characters.
const MaxVectorLength = 512

// The qualitative severity ratings of the specifications (CVSS v3.1 §5,
// CVSS v4.0 §6): the same bands in both versions.
const (
	RatingNone     = "None"
	RatingLow      = "Low"
	RatingMedium   = "Medium"
	RatingHigh     = "High"
	RatingCritical = "Critical"
)

// Score is a parsed and scored vector.
type Score struct {
	// Vector is the normalised vector: metrics in the specification's
	// order, optional metrics set to X ("Not Defined") left out.
	Vector string
	// Version is V31 or V40.
	Version string
	// Tenths is the score times ten (0–100), an exact integer where the
	// specifications define scores with one decimal.
	Tenths int
	// Rating is the qualitative severity rating of the score.
	Rating string
	// Nomenclature names what the score covers: "CVSS-B" (base metrics
	// only), "CVSS-BT", "CVSS-BE" or "CVSS-BTE" for v4.0 vectors that also
	// carry threat or environmental metrics. For v3.1 it is always
	// "CVSS-B": the score is the base score, whatever else the vector holds.
	Nomenclature string
}

// Value returns the score as a number with one decimal, e.g. 7.5.
func (s *Score) Value() float64 { return float64(s.Tenths) / 10 }

// String formats the score with one decimal, e.g. "7.5".
func (s *Score) String() string { return fmt.Sprintf("%d.%d", s.Tenths/10, s.Tenths%10) }

// Error is a vector that is not valid. Metric names the metric at fault
// ("" when the problem is the vector as a whole, such as its prefix).
type Error struct {
	Metric  string
	Message string
}

func (e *Error) Error() string { return e.Message }

func errorf(metric, format string, args ...any) *Error {
	return &Error{Metric: metric, Message: fmt.Sprintf(format, args...)}
}

// metric is one row of a specification's metric table.
type metric struct {
	name      string
	mandatory bool
	values    []string
}

// metrics31 is CVSS v3.1 Table 15 (base, temporal, environmental), in the
// specification's order.
var metrics31 = []metric{
	{"AV", true, []string{"N", "A", "L", "P"}},
	{"AC", true, []string{"L", "H"}},
	{"PR", true, []string{"N", "L", "H"}},
	{"UI", true, []string{"N", "R"}},
	{"S", true, []string{"U", "C"}},
	{"C", true, []string{"H", "L", "N"}},
	{"I", true, []string{"H", "L", "N"}},
	{"A", true, []string{"H", "L", "N"}},
	{"E", false, []string{"X", "H", "F", "P", "U"}},
	{"RL", false, []string{"X", "U", "W", "T", "O"}},
	{"RC", false, []string{"X", "C", "R", "U"}},
	{"CR", false, []string{"X", "H", "M", "L"}},
	{"IR", false, []string{"X", "H", "M", "L"}},
	{"AR", false, []string{"X", "H", "M", "L"}},
	{"MAV", false, []string{"X", "N", "A", "L", "P"}},
	{"MAC", false, []string{"X", "L", "H"}},
	{"MPR", false, []string{"X", "N", "L", "H"}},
	{"MUI", false, []string{"X", "N", "R"}},
	{"MS", false, []string{"X", "U", "C"}},
	{"MC", false, []string{"X", "H", "L", "N"}},
	{"MI", false, []string{"X", "H", "L", "N"}},
	{"MA", false, []string{"X", "H", "L", "N"}},
}

// metrics40 is CVSS v4.0 Table 23 (base, threat, environmental,
// supplemental), in the specification's order, which v4.0 vectors must
// follow.
var metrics40 = []metric{
	{"AV", true, []string{"N", "A", "L", "P"}},
	{"AC", true, []string{"L", "H"}},
	{"AT", true, []string{"N", "P"}},
	{"PR", true, []string{"N", "L", "H"}},
	{"UI", true, []string{"N", "P", "A"}},
	{"VC", true, []string{"H", "L", "N"}},
	{"VI", true, []string{"H", "L", "N"}},
	{"VA", true, []string{"H", "L", "N"}},
	{"SC", true, []string{"H", "L", "N"}},
	{"SI", true, []string{"H", "L", "N"}},
	{"SA", true, []string{"H", "L", "N"}},
	{"E", false, []string{"X", "A", "P", "U"}},
	{"CR", false, []string{"X", "H", "M", "L"}},
	{"IR", false, []string{"X", "H", "M", "L"}},
	{"AR", false, []string{"X", "H", "M", "L"}},
	{"MAV", false, []string{"X", "N", "A", "L", "P"}},
	{"MAC", false, []string{"X", "L", "H"}},
	{"MAT", false, []string{"X", "N", "P"}},
	{"MPR", false, []string{"X", "N", "L", "H"}},
	{"MUI", false, []string{"X", "N", "P", "A"}},
	{"MVC", false, []string{"X", "H", "L", "N"}},
	{"MVI", false, []string{"X", "H", "L", "N"}},
	{"MVA", false, []string{"X", "H", "L", "N"}},
	{"MSC", false, []string{"X", "H", "L", "N"}},
	{"MSI", false, []string{"X", "S", "H", "L", "N"}},
	{"MSA", false, []string{"X", "S", "H", "L", "N"}},
	{"S", false, []string{"X", "N", "P"}},
	{"AU", false, []string{"X", "N", "Y"}},
	{"R", false, []string{"X", "A", "U", "I"}},
	{"V", false, []string{"X", "D", "C"}},
	{"RE", false, []string{"X", "L", "M", "H"}},
	{"U", false, []string{"X", "Clear", "Green", "Amber", "Red"}},
}

// Parse validates and scores a CVSS v3.1 ("CVSS:3.1/…") or v4.0
// ("CVSS:4.0/…") vector; surrounding space is ignored. An invalid vector
// is an *Error naming the metric at fault: an unknown metric, a value the
// metric does not have, a metric given twice, a mandatory metric missing,
// or (v4.0) a metric out of the specification's order.
func Parse(vector string) (*Score, error) {
	vector = strings.TrimSpace(vector)
	if len(vector) > MaxVectorLength {
		return nil, errorf("", "vector is too long (%d characters, at most %d)", len(vector), MaxVectorLength)
	}
	version, rest, err := prefix(vector)
	if err != nil {
		return nil, err
	}
	table := metrics31
	if version == V40 {
		table = metrics40
	}
	if err := check(version, table, rest); err != nil {
		return nil, err
	}
	s := &Score{Version: version, Nomenclature: "CVSS-B"}
	var score float64
	switch version {
	case V31:
		v, err := gocvss31.ParseVector(vector)
		if err != nil {
			return nil, errorf("", "invalid CVSS v3.1 vector: %v", err)
		}
		s.Vector, score = v.Vector(), v.BaseScore()
	case V40:
		v, err := gocvss40.ParseVector(vector)
		if err != nil {
			return nil, errorf("", "invalid CVSS v4.0 vector: %v", err)
		}
		s.Vector, score, s.Nomenclature = v.Vector(), v.Score(), v.Nomenclature()
	}
	// Scores are defined with one decimal; rounding to the nearest tenth
	// only removes binary floating-point noise.
	s.Tenths = int(math.Round(score * 10))
	if s.Tenths < 0 || s.Tenths > 100 {
		return nil, errorf("", "vector scores %v, outside 0.0–10.0", score)
	}
	s.Rating = Rating(s.Tenths)
	return s, nil
}

// prefix splits "CVSS:3.1/AV:N/…" into the version and the metrics.
func prefix(vector string) (version, rest string, err error) {
	head, rest, ok := strings.Cut(vector, "/")
	v, isCVSS := strings.CutPrefix(head, "CVSS:")
	switch {
	case isCVSS && (v == V31 || v == V40):
		if !ok || rest == "" {
			return "", "", errorf("", "vector has no metrics after %q", head)
		}
		return v, rest, nil
	case isCVSS:
		return "", "", errorf("", "unsupported CVSS version %q: the vector must start with \"CVSS:3.1/\" or \"CVSS:4.0/\"", v)
	default:
		return "", "", errorf("", "wrong prefix: the vector must start with \"CVSS:3.1/\" or \"CVSS:4.0/\"")
	}
}

// check validates the metrics of a vector against a metric table.
func check(version string, table []metric, rest string) error {
	seen := make([]bool, len(table))
	last := -1
	for part := range strings.SplitSeq(rest, "/") {
		if part == "" {
			return errorf("", "empty metric: the vector has \"//\" or ends with \"/\"")
		}
		name, value, ok := strings.Cut(part, ":")
		i := slices.IndexFunc(table, func(m metric) bool { return m.name == name })
		if i < 0 {
			return errorf(name, "unknown metric %q in a CVSS v%s vector", name, version)
		}
		m := table[i]
		if !ok || value == "" {
			return errorf(name, "metric %q has no value", name)
		}
		if seen[i] {
			return errorf(name, "metric %q is given more than once", name)
		}
		if !slices.Contains(m.values, value) {
			return errorf(name, "metric %q has invalid value %q (allowed: %s)", name, value, strings.Join(m.values, ", "))
		}
		if version == V40 && i < last {
			return errorf(name, "metric %q is out of order: CVSS v4.0 metrics must follow the specification's order (%s)",
				name, names(table))
		}
		seen[i], last = true, max(last, i)
	}
	for i, m := range table {
		if m.mandatory && !seen[i] {
			return errorf(m.name, "missing mandatory metric %q", m.name)
		}
	}
	return nil
}

func names(table []metric) string {
	out := make([]string, len(table))
	for i, m := range table {
		out[i] = m.name
	}
	return strings.Join(out, ", ")
}

// Rating returns the qualitative severity rating of a score given in
// tenths: None 0.0, Low 0.1–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical
// 9.0–10.0.
func Rating(tenths int) string {
	switch {
	case tenths >= 90:
		return RatingCritical
	case tenths >= 70:
		return RatingHigh
	case tenths >= 40:
		return RatingMedium
	case tenths >= 1:
		return RatingLow
	default:
		return RatingNone
	}
}
