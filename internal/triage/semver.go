// SPDX-License-Identifier: AGPL-3.0-or-later

package triage

import (
	"strings"
)

// Version is a parsed Semantic Versioning 2.0.0 version. Build metadata is
// kept but, as the specification says, plays no part in precedence.
type Version struct {
	Major, Minor, Patch string // digits without leading zeros
	Pre                 []string
	Build               string
}

// ParseSemver parses s as a bare SemVer 2.0.0 version ("1.2.3",
// "1.0.0-rc.1+build.5"); OSV SEMVER ranges take no "v" prefix and no
// shorthand such as "1.2". ok is false when s is not one.
func ParseSemver(s string) (v Version, ok bool) {
	if len(s) > maxVersion {
		return v, false
	}
	core, build, hasBuild := strings.Cut(s, "+")
	if hasBuild {
		if !identifiers(build, false) {
			return v, false
		}
		v.Build = build
	}
	core, pre, hasPre := strings.Cut(core, "-")
	if hasPre {
		if !identifiers(pre, true) {
			return v, false
		}
		v.Pre = strings.Split(pre, ".")
	}
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return v, false
	}
	for _, p := range parts {
		if !numeric(p) {
			return v, false
		}
	}
	v.Major, v.Minor, v.Patch = parts[0], parts[1], parts[2]
	return v, true
}

// numeric reports whether p is a non-negative integer without leading
// zeros.
func numeric(p string) bool {
	if p == "" || (len(p) > 1 && p[0] == '0') {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	return true
}

// identifiers checks a dot-separated list of pre-release (strict: numeric
// ones without leading zeros) or build identifiers.
func identifiers(s string, pre bool) bool {
	for _, id := range strings.Split(s, ".") {
		if id == "" {
			return false
		}
		digits := true
		for i := 0; i < len(id); i++ {
			c := id[i]
			switch {
			case c >= '0' && c <= '9':
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-':
				digits = false
			default:
				return false
			}
		}
		if pre && digits && !numeric(id) {
			return false
		}
	}
	return true
}

// Compare returns -1, 0 or +1 as v orders before, with or after w by
// SemVer precedence.
func (v Version) Compare(w Version) int {
	for _, p := range [][2]string{{v.Major, w.Major}, {v.Minor, w.Minor}, {v.Patch, w.Patch}} {
		if c := compareNumeric(p[0], p[1]); c != 0 {
			return c
		}
	}
	switch {
	case len(v.Pre) == 0 && len(w.Pre) == 0:
		return 0
	case len(v.Pre) == 0:
		return 1
	case len(w.Pre) == 0:
		return -1
	}
	for i := 0; i < len(v.Pre) && i < len(w.Pre); i++ {
		a, b := v.Pre[i], w.Pre[i]
		an, bn := numeric(a), numeric(b)
		var c int
		switch {
		case an && bn:
			c = compareNumeric(a, b)
		case an:
			c = -1
		case bn:
			c = 1
		default:
			c = strings.Compare(a, b)
		}
		if c != 0 {
			return c
		}
	}
	switch {
	case len(v.Pre) < len(w.Pre):
		return -1
	case len(v.Pre) > len(w.Pre):
		return 1
	}
	return 0
}

// compareNumeric compares two digit strings without leading zeros of any
// length, so versions beyond 64 bits still order correctly.
func compareNumeric(a, b string) int {
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}
