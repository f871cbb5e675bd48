// SPDX-License-Identifier: AGPL-3.0-or-later

package triage

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Limits on the affected list, so one case cannot hold an unbounded amount.
const (
	MaxAffected = 50
	MaxRanges   = 20
	MaxEvents   = 50
	MaxVersions = 500
	maxVersion  = 256
	maxName     = 300
	maxURL      = 2048
)

// Product is the ecosystem name for software outside any OSV ecosystem; it
// is stored as such and left out of OSV exports.
const Product = "product"

// Ecosystems are the OSV ecosystem names (osv-schema
// validation/schema.json $defs/ecosystemName), plus Product. An
// affected package's ecosystem is one of them, optionally followed by
// ":suffix" (for example "Debian:12").
var Ecosystems = []string{
	"AlmaLinux", "Alpaquita", "Alpine", "Android", "Azure Linux", "BellSoft Hardened Containers",
	"Bioconductor", "Bitnami", "Chainguard", "CleanStart", "ConanCenter", "CRAN", "crates.io",
	"Debian", "Docker Hardened Images", "Echo", "FreeBSD", "GHC", "GitHub Actions", "Go", "Hackage",
	"Hex", "Julia", "Kubernetes", "Linux", "Mageia", "Maven", "MinimOS", "npm", "NuGet", "opam",
	"openEuler", "openSUSE", "OSS-Fuzz", "Packagist", "Photon OS", "Pub", "PyPI", "Red Hat",
	"Rocky Linux", "Root", "RubyGems", "SUSE", "SwiftURL", "TuxCare", "Ubuntu", "VSCode", "Wolfi",
	Product,
}

// Range types.
const (
	RangeSemver    = "SEMVER"
	RangeEcosystem = "ECOSYSTEM"
	RangeGit       = "GIT"
)

// Affected is one affected package or product in the OSV model.
type Affected struct {
	Package  Package  `json:"package"`
	Ranges   []Range  `json:"ranges,omitempty"`
	Versions []string `json:"versions,omitempty"`
}

// Package names an affected package: an OSV ecosystem (or Product), its
// name there and an optional package URL.
type Package struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	PURL      string `json:"purl,omitempty"`
}

// Range is an OSV range: events over versions of one type.
type Range struct {
	Type   string  `json:"type"`
	Repo   string  `json:"repo,omitempty"` // required for GIT
	Events []Event `json:"events"`
}

// Event is one OSV range event; exactly one field is set.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// kind returns the event's one set field's name and value, or "" when not
// exactly one is set.
func (e Event) kind() (name, value string, n int) {
	for _, f := range [...]struct{ name, value string }{
		{"introduced", e.Introduced}, {"fixed", e.Fixed}, {"last_affected", e.LastAffected}, {"limit", e.Limit},
	} {
		if f.value != "" {
			name, value, n = f.name, f.value, n+1
		}
	}
	if n != 1 {
		return "", "", n
	}
	return name, value, n
}

// Problem is one reason an input is invalid: the JSON path of the field at
// fault (for example "affected[0].ranges[1].events[2].fixed") and what is
// wrong with it.
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

type problems []Problem

func (ps *problems) add(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

var (
	purlPattern = regexp.MustCompile(`^pkg:[A-Za-z][A-Za-z0-9.+-]*/[^\s]+$`)
	gitHash     = regexp.MustCompile(`^(0|[a-f0-9]{40}|[a-f0-9]{64})$`)
)

// ValidEcosystem reports whether eco is a known ecosystem, with an optional
// non-empty ":suffix" (not for Product).
func ValidEcosystem(eco string) bool {
	base, suffix, hasSuffix := strings.Cut(eco, ":")
	if !slices.Contains(Ecosystems, base) {
		return false
	}
	if hasSuffix {
		return base != Product && suffix != "" && plain(suffix, 100)
	}
	return true
}

// plain reports whether s is non-empty, at most max bytes and free of
// control characters and surrounding spaces.
func plain(s string, max int) bool {
	if s == "" || len(s) > max || strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return false
		}
	}
	return true
}

// ValidateAffected checks a list of affected packages against the OSV
// rules and returns every problem found, in document order; nil means
// valid. The rules: a known ecosystem and a package name; a well-formed
// purl if any; at least one range or version; ranges of type SEMVER,
// ECOSYSTEM or GIT; events each with exactly one of introduced, fixed,
// last_affected or limit; at least one introduced per range; never both
// fixed and last_affected in one range; SEMVER versions bare SemVer 2.0.0
// ("0" allowed for introduced) with every fixed after, and every
// last_affected not before, the introduced preceding it; GIT ranges with
// a repo URL and full commit hashes.
func ValidateAffected(list []Affected) []Problem {
	var ps problems
	if len(list) > MaxAffected {
		ps.add("affected", "at most %d affected packages", MaxAffected)
		return ps
	}
	for i, a := range list {
		validateOne(&ps, fmt.Sprintf("affected[%d]", i), a)
	}
	return ps
}

func validateOne(ps *problems, path string, a Affected) {
	switch eco := a.Package.Ecosystem; {
	case eco == "":
		ps.add(path+".package.ecosystem", "is required (an OSV ecosystem such as Go, npm or PyPI, or %q)", Product)
	case !ValidEcosystem(eco):
		ps.add(path+".package.ecosystem", "%s is not a known OSV ecosystem (use %q for software outside the OSV ecosystems)", quote(eco), Product)
	}
	if !plain(a.Package.Name, maxName) {
		ps.add(path+".package.name", "is required: up to %d characters, no surrounding spaces", maxName)
	}
	if a.Package.PURL != "" && (len(a.Package.PURL) > maxURL || !purlPattern.MatchString(a.Package.PURL)) {
		ps.add(path+".package.purl", "%s is not a package URL (pkg:type/namespace/name@version)", quote(a.Package.PURL))
	}
	if len(a.Ranges) == 0 && len(a.Versions) == 0 {
		ps.add(path, "give at least one range or one version")
	}
	if len(a.Ranges) > MaxRanges {
		ps.add(path+".ranges", "at most %d ranges", MaxRanges)
	} else {
		for j, r := range a.Ranges {
			validateRange(ps, fmt.Sprintf("%s.ranges[%d]", path, j), r)
		}
	}
	if len(a.Versions) > MaxVersions {
		ps.add(path+".versions", "at most %d versions", MaxVersions)
		return
	}
	for j, v := range a.Versions {
		if !versionText(v) {
			ps.add(fmt.Sprintf("%s.versions[%d]", path, j), "%s is not a version", quote(v))
		}
	}
}

func validateRange(ps *problems, path string, r Range) {
	switch r.Type {
	case RangeSemver, RangeEcosystem:
		if r.Repo != "" {
			ps.add(path+".repo", "only GIT ranges take a repo")
		}
	case RangeGit:
		if r.Repo == "" {
			ps.add(path+".repo", "is required for GIT ranges")
		} else if err := checkURL(r.Repo); err != "" {
			ps.add(path+".repo", "%s %s", quote(r.Repo), err)
		}
	case "":
		ps.add(path+".type", "is required: SEMVER, ECOSYSTEM or GIT")
		return
	default:
		ps.add(path+".type", "%s is not a range type (SEMVER, ECOSYSTEM or GIT)", quote(r.Type))
		return
	}
	if len(r.Events) == 0 {
		ps.add(path+".events", "give at least one event, starting with introduced")
		return
	}
	if len(r.Events) > MaxEvents {
		ps.add(path+".events", "at most %d events", MaxEvents)
		return
	}
	var introduced, fixed, lastAffected bool
	var lastIntro *Version // the latest introduced seen, nil for "0" or none
	for k, e := range r.Events {
		epath := fmt.Sprintf("%s.events[%d]", path, k)
		name, value, n := e.kind()
		if n != 1 {
			ps.add(epath, "each event holds exactly one of introduced, fixed, last_affected or limit")
			continue
		}
		fpath := epath + "." + name
		switch name {
		case "introduced":
			introduced = true
		case "fixed":
			fixed = true
		case "last_affected":
			lastAffected = true
		}
		switch r.Type {
		case RangeSemver:
			if name == "introduced" && value == "0" {
				lastIntro = nil
				continue
			}
			if name == "limit" && value == "*" {
				continue
			}
			v, ok := ParseSemver(value)
			if !ok {
				hint := ""
				if strings.HasPrefix(value, "v") || strings.HasPrefix(value, "V") {
					hint = " (SEMVER ranges take no \"v\" prefix)"
				}
				ps.add(fpath, "%s is not a valid semantic version%s", quote(value), hint)
				continue
			}
			switch {
			case name == "introduced":
				lastIntro = &v
			case lastIntro == nil:
			case name == "fixed" && v.Compare(*lastIntro) <= 0:
				ps.add(fpath, "%s must be after the version it was introduced in (%s)", quote(value), quote(semverString(*lastIntro)))
			case name == "last_affected" && v.Compare(*lastIntro) < 0:
				ps.add(fpath, "%s must not be before the version it was introduced in (%s)", quote(value), quote(semverString(*lastIntro)))
			}
		case RangeGit:
			if !gitHash.MatchString(value) {
				ps.add(fpath, "%s is not a full commit hash (40 or 64 lower-case hex digits, or \"0\" for introduced)", quote(value))
			}
		default:
			if !versionText(value) {
				ps.add(fpath, "%s is not a version", quote(value))
			}
		}
	}
	if !introduced {
		ps.add(path+".events", "needs at least one introduced event (\"0\" for from the start)")
	}
	if fixed && lastAffected {
		ps.add(path+".events", "a range must not hold both fixed and last_affected events")
	}
}

func semverString(v Version) string {
	s := v.Major + "." + v.Minor + "." + v.Patch
	if len(v.Pre) > 0 {
		s += "-" + strings.Join(v.Pre, ".")
	}
	if v.Build != "" {
		s += "+" + v.Build
	}
	return s
}

// versionText reports whether s can be an ecosystem's version: plain text
// without spaces.
func versionText(s string) bool {
	return plain(s, maxVersion) && !strings.ContainsFunc(s, unicode.IsSpace)
}

// checkURL returns why s is not an absolute http(s) URL, or "".
func checkURL(s string) string {
	if len(s) > maxURL {
		return fmt.Sprintf("is longer than %d characters", maxURL)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(s, " \t\r\n") {
		return "is not an http or https URL"
	}
	return ""
}

// quote renders a user-supplied value inside a message, bounded in length.
func quote(s string) string {
	const max = 80
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "…"
	}
	b, _ := json.Marshal(s)
	return string(b)
}
