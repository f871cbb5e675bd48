// SPDX-License-Identifier: AGPL-3.0-or-later

package triage_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/triage"
)

func TestParseSemver(t *testing.T) {
	good := []string{"0.0.0", "1.2.3", "10.20.30", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7",
		"1.0.0-x.7.z.92", "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85", "1.0.0-rc.1+build.1-x",
		"99999999999999999999999.1.1"}
	bad := []string{"", "1", "1.2", "v1.2.3", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "1.2.3-", "1.2.3-01",
		"1.2.3+", "1.2.3-a..b", "1.2.3-a_b", " 1.2.3", "1.2.3 ", "a.b.c", "-1.2.3", "1.2.3+a+b"}
	for _, s := range good {
		if _, ok := triage.ParseSemver(s); !ok {
			t.Errorf("ParseSemver(%q) refused a valid version", s)
		}
	}
	for _, s := range bad {
		if _, ok := triage.ParseSemver(s); ok {
			t.Errorf("ParseSemver(%q) accepted an invalid version", s)
		}
	}
}

func TestSemverPrecedence(t *testing.T) {
	// The ordering example of SemVer 2.0.0 §11, plus numbers beyond 64 bits.
	order := []string{"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
		"1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1", "18446744073709551616.0.0"}
	for i := range order {
		for j := range order {
			a, _ := triage.ParseSemver(order[i])
			b, _ := triage.ParseSemver(order[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := a.Compare(b); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", order[i], order[j], got, want)
			}
		}
	}
	a, _ := triage.ParseSemver("1.0.0+a")
	b, _ := triage.ParseSemver("1.0.0+b")
	if a.Compare(b) != 0 {
		t.Error("build metadata changed precedence")
	}
}

const hash1 = "0123456789abcdef0123456789abcdef01234567"

func semver(events ...triage.Event) []triage.Affected {
	return []triage.Affected{{Package: triage.Package{Ecosystem: "Go", Name: "example.com/m"},
		Ranges: []triage.Range{{Type: "SEMVER", Events: events}}}}
}

func TestValidateAffected(t *testing.T) {
	in := func(v string) triage.Event { return triage.Event{Introduced: v} }
	fx := func(v string) triage.Event { return triage.Event{Fixed: v} }
	la := func(v string) triage.Event { return triage.Event{LastAffected: v} }
	tests := []struct {
		name string
		list []triage.Affected
		want []string // "path: message" of every problem
	}{
		{"none", nil, nil},
		{"semver from the start", semver(in("0"), fx("1.2.3")), nil},
		{"semver two windows", semver(in("1.0.0"), fx("1.0.5"), in("1.1.0"), fx("1.1.2")), nil},
		{"last affected equal to introduced", semver(in("1.0.0"), la("1.0.0")), nil},
		{"limit star", semver(in("0"), triage.Event{Limit: "*"}), nil},
		{"prerelease fixed", semver(in("1.0.0-rc.1"), fx("1.0.0")), nil},
		{"short version", semver(in("0"), fx("1.2")),
			[]string{`affected[0].ranges[0].events[1].fixed: "1.2" is not a valid semantic version`}},
		{"v prefix", semver(in("v1.0.0")),
			[]string{`affected[0].ranges[0].events[0].introduced: "v1.0.0" is not a valid semantic version (SEMVER ranges take no "v" prefix)`}},
		{"reversed", semver(in("2.0.0"), fx("1.9.9")),
			[]string{`affected[0].ranges[0].events[1].fixed: "1.9.9" must be after the version it was introduced in ("2.0.0")`}},
		{"fixed equal to introduced", semver(in("2.0.0"), fx("2.0.0")),
			[]string{`affected[0].ranges[0].events[1].fixed: "2.0.0" must be after the version it was introduced in ("2.0.0")`}},
		{"last affected before introduced", semver(in("2.0.0"), la("1.0.0")),
			[]string{`affected[0].ranges[0].events[1].last_affected: "1.0.0" must not be before the version it was introduced in ("2.0.0")`}},
		{"fixed and last affected", semver(in("0"), fx("1.0.0"), la("1.1.0")),
			[]string{`affected[0].ranges[0].events: a range must not hold both fixed and last_affected events`}},
		{"missing introduced", semver(fx("1.0.0")),
			[]string{`affected[0].ranges[0].events: needs at least one introduced event ("0" for from the start)`}},
		{"two fields in one event", semver(triage.Event{Introduced: "0", Fixed: "1.0.0"}),
			[]string{`affected[0].ranges[0].events[0]: each event holds exactly one of introduced, fixed, last_affected or limit`,
				`affected[0].ranges[0].events: needs at least one introduced event ("0" for from the start)`}},
		{"empty event", semver(in("0"), triage.Event{}),
			[]string{`affected[0].ranges[0].events[1]: each event holds exactly one of introduced, fixed, last_affected or limit`}},
		{"no events", semver(),
			[]string{`affected[0].ranges[0].events: give at least one event, starting with introduced`}},
		{"unknown ecosystem", []triage.Affected{{Package: triage.Package{Ecosystem: "golang", Name: "x"}, Versions: []string{"1"}}},
			[]string{`affected[0].package.ecosystem: "golang" is not a known OSV ecosystem (use "product" for software outside the OSV ecosystems)`}},
		{"missing ecosystem", []triage.Affected{{Package: triage.Package{Name: "x"}, Versions: []string{"1"}}},
			[]string{`affected[0].package.ecosystem: is required (an OSV ecosystem such as Go, npm or PyPI, or "product")`}},
		{"ecosystem with suffix", []triage.Affected{{Package: triage.Package{Ecosystem: "Debian:12", Name: "openssl"}, Versions: []string{"3.0.11-1"}}}, nil},
		{"product with suffix", []triage.Affected{{Package: triage.Package{Ecosystem: "product:x", Name: "x"}, Versions: []string{"1"}}},
			[]string{`affected[0].package.ecosystem: "product:x" is not a known OSV ecosystem (use "product" for software outside the OSV ecosystems)`}},
		{"product with ecosystem range", []triage.Affected{{Package: triage.Package{Ecosystem: "product", Name: "Router OS"},
			Ranges: []triage.Range{{Type: "ECOSYSTEM", Events: []triage.Event{in("7.1"), fx("7.1 SP2")}}}}},
			[]string{`affected[0].ranges[0].events[1].fixed: "7.1 SP2" is not a version`}},
		{"missing name", []triage.Affected{{Package: triage.Package{Ecosystem: "npm"}, Versions: []string{"1.0.0"}}},
			[]string{`affected[0].package.name: is required: up to 300 characters, no surrounding spaces`}},
		{"bad purl", []triage.Affected{{Package: triage.Package{Ecosystem: "npm", Name: "lodash", PURL: "npm/lodash"}, Versions: []string{"1.0.0"}}},
			[]string{`affected[0].package.purl: "npm/lodash" is not a package URL (pkg:type/namespace/name@version)`}},
		{"good purl", []triage.Affected{{Package: triage.Package{Ecosystem: "npm", Name: "lodash", PURL: "pkg:npm/lodash"}, Versions: []string{"1.0.0"}}}, nil},
		{"no ranges or versions", []triage.Affected{{Package: triage.Package{Ecosystem: "npm", Name: "lodash"}}},
			[]string{`affected[0]: give at least one range or one version`}},
		{"bad version", []triage.Affected{{Package: triage.Package{Ecosystem: "npm", Name: "lodash"}, Versions: []string{"1.0", " 2"}}},
			[]string{`affected[0].versions[1]: " 2" is not a version`}},
		{"unknown range type", []triage.Affected{{Package: triage.Package{Ecosystem: "npm", Name: "x"},
			Ranges: []triage.Range{{Type: "semver", Events: []triage.Event{in("0")}}}}},
			[]string{`affected[0].ranges[0].type: "semver" is not a range type (SEMVER, ECOSYSTEM or GIT)`}},
		{"git without repo", []triage.Affected{{Package: triage.Package{Ecosystem: "product", Name: "x"},
			Ranges: []triage.Range{{Type: "GIT", Events: []triage.Event{in("0"), fx(hash1)}}}}},
			[]string{`affected[0].ranges[0].repo: is required for GIT ranges`}},
		{"git short hash", []triage.Affected{{Package: triage.Package{Ecosystem: "product", Name: "x"},
			Ranges: []triage.Range{{Type: "GIT", Repo: "https://git.example/x.git", Events: []triage.Event{in("0"), fx("abc123")}}}}},
			[]string{`affected[0].ranges[0].events[1].fixed: "abc123" is not a full commit hash (40 or 64 lower-case hex digits, or "0" for introduced)`}},
		{"git good", []triage.Affected{{Package: triage.Package{Ecosystem: "product", Name: "x"},
			Ranges: []triage.Range{{Type: "GIT", Repo: "https://git.example/x.git", Events: []triage.Event{in("0"), fx(hash1)}}}}}, nil},
		{"repo on semver", []triage.Affected{{Package: triage.Package{Ecosystem: "Go", Name: "x"},
			Ranges: []triage.Range{{Type: "SEMVER", Repo: "https://x", Events: []triage.Event{in("0")}}}}},
			[]string{`affected[0].ranges[0].repo: only GIT ranges take a repo`}},
		{"second range path", []triage.Affected{{Package: triage.Package{Ecosystem: "Go", Name: "x"},
			Ranges: []triage.Range{{Type: "SEMVER", Events: []triage.Event{in("0")}}, {Type: "SEMVER", Events: []triage.Event{in("0"), la("1.0"), fx("2.0.0")}}}}},
			[]string{`affected[0].ranges[1].events[1].last_affected: "1.0" is not a valid semantic version`,
				`affected[0].ranges[1].events: a range must not hold both fixed and last_affected events`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range triage.ValidateAffected(tc.list) {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateInput(t *testing.T) {
	today := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		mutate func(*triage.Input)
		want   string // the first problem's path, "" for none
	}{
		{"empty record", func(*triage.Input) {}, ""},
		{"bad reproduction status", func(in *triage.Input) { in.ReproductionStatus = "works" }, "reproduction.status"},
		{"environment on two lines", func(in *triage.Input) { in.Environment = "a\nb" }, "reproduction.environment"},
		{"confirmed", func(in *triage.Input) { in.Decision = "confirmed" }, ""},
		{"rejected without reason", func(in *triage.Input) { in.Decision = "rejected" }, "confirmation.reason"},
		{"rejected with reason", func(in *triage.Input) { in.Decision, in.DecisionReason = "rejected", "works as designed" }, ""},
		{"reason without decision", func(in *triage.Input) { in.DecisionReason = "x" }, "confirmation.reason"},
		{"unknown decision", func(in *triage.Input) { in.Decision = "maybe" }, "confirmation.decision"},
		{"long notes", func(in *triage.Input) { in.Notes = strings.Repeat("x", triage.MaxText+1) }, "notes"},
		{"bad exploitation", func(in *triage.Input) { in.Exploitation = "wild" }, "exploitation"},
		{"override", func(in *triage.Input) { in.Override = &triage.Override{Priority: "P1", Reason: "board asked"} }, ""},
		{"override without reason", func(in *triage.Input) { in.Override = &triage.Override{Priority: "P1"} }, "priority_override.reason"},
		{"override bad priority", func(in *triage.Input) { in.Override = &triage.Override{Priority: "P0", Reason: "x"} }, "priority_override.priority"},
		{"fix reference", func(in *triage.Input) {
			in.Plan.FixRefs = []triage.FixRef{{Type: "pull_request", URL: "https://git.example/pr/1"}}
		}, ""},
		{"fix reference type", func(in *triage.Input) {
			in.Plan.FixRefs = []triage.FixRef{{Type: "pr", URL: "https://git.example/pr/1"}}
		}, "plan.fix_references[0].type"},
		{"fix reference url", func(in *triage.Input) {
			in.Plan.FixRefs = []triage.FixRef{{Type: "commit", URL: "javascript:alert(1)"}}
		}, "plan.fix_references[0].url"},
		{"due today", func(in *triage.Input) { in.Plan.DueDate = "2026-11-23" }, ""},
		{"due in the past", func(in *triage.Input) { in.Plan.DueDate = "2026-11-22" }, "plan.due_date"},
		{"due in the past but unchanged", func(in *triage.Input) { in.Plan.DueDate = "2026-11-01" }, ""},
		{"due not a date", func(in *triage.Input) { in.Plan.DueDate = "23/11/2026" }, "plan.due_date"},
		{"affected", func(in *triage.Input) { in.Affected = semver(triage.Event{Fixed: "1.0.0"}) }, "affected[0].ranges[0].events"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var in triage.Input
			tc.mutate(&in)
			ps := in.Validate(today, "2026-11-01")
			got := ""
			if len(ps) > 0 {
				got = ps[0].Path
			}
			if got != tc.want {
				t.Errorf("first problem at %q, want %q (all: %v)", got, tc.want, ps)
			}
		})
	}
}

func TestDerivePriority(t *testing.T) {
	tests := []struct{ severity, exploitation, want string }{
		{"critical", "known-exploited", "P1"}, {"critical", "public-poc", "P1"}, {"critical", "none", "P2"},
		{"high", "known-exploited", "P1"}, {"high", "public-poc", "P2"}, {"high", "none", "P2"},
		{"medium", "known-exploited", "P2"}, {"medium", "public-poc", "P3"}, {"medium", "none", "P3"},
		{"unknown", "known-exploited", "P2"}, {"unknown", "public-poc", "P3"}, {"unknown", "none", "P3"},
		{"low", "known-exploited", "P3"}, {"low", "public-poc", "P4"}, {"low", "none", "P4"},
		{"none", "known-exploited", "P4"}, {"none", "public-poc", "P4"}, {"none", "none", "P4"},
		{"bogus", "", "P3"},
	}
	for _, tc := range tests {
		if got := triage.DerivePriority(tc.severity, tc.exploitation); got != tc.want {
			t.Errorf("DerivePriority(%q, %q) = %s, want %s", tc.severity, tc.exploitation, got, tc.want)
		}
	}
}

func TestDueDate(t *testing.T) {
	targets := map[string]int{"critical": 7, "high": 30, "medium": 60, "low": 90}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	confirmed := time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC) // already the 24th in Berlin
	tests := []struct {
		severity string
		loc      *time.Location
		at       time.Time
		want     string
	}{
		{"critical", time.UTC, confirmed, "2026-11-30"},
		{"high", time.UTC, confirmed, "2026-12-23"},
		{"critical", berlin, confirmed, "2026-12-01"},
		{"unknown", time.UTC, confirmed, ""},
		{"high", time.UTC, time.Time{}, ""},
	}
	for _, tc := range tests {
		if got := triage.DueDate(targets, tc.severity, tc.at, tc.loc); got != tc.want {
			t.Errorf("DueDate(%s, %v) = %q, want %q", tc.severity, tc.loc, got, tc.want)
		}
	}
}

// FuzzValidateAffected feeds arbitrary affected lists to the validator: it
// must never panic, every problem must name a path under affected, and a
// list it accepts must keep its SEMVER bounds in order.
func FuzzValidateAffected(f *testing.F) {
	f.Add(`[{"package":{"ecosystem":"Go","name":"m"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.3"}]}]}]`)
	f.Add(`[{"package":{"ecosystem":"npm","name":"x"},"ranges":[{"type":"SEMVER","events":[{"introduced":"2.0.0"},{"fixed":"1.0.0-rc.1"}]}]}]`)
	f.Add(`[{"package":{"ecosystem":"product","name":"x"},"ranges":[{"type":"GIT","repo":"https://g/x","events":[{"introduced":"0"}]}],"versions":["1"]}]`)
	f.Fuzz(func(t *testing.T, data string) {
		var list []triage.Affected
		if json.Unmarshal([]byte(data), &list) != nil {
			return
		}
		ps := triage.ValidateAffected(list)
		for _, p := range ps {
			if !strings.HasPrefix(p.Path, "affected") || p.Message == "" {
				t.Fatalf("problem without a path or message: %+v", p)
			}
		}
		if len(ps) > 0 {
			return
		}
		for _, a := range list {
			for _, r := range a.Ranges {
				if r.Type != triage.RangeSemver {
					continue
				}
				var intro *triage.Version
				for _, e := range r.Events {
					if e.Introduced != "" {
						intro = nil
						if v, ok := triage.ParseSemver(e.Introduced); ok {
							intro = &v
						}
					}
					if e.Fixed != "" && intro != nil {
						v, _ := triage.ParseSemver(e.Fixed)
						if v.Compare(*intro) <= 0 {
							t.Fatalf("accepted fixed %s not after introduced", e.Fixed)
						}
					}
				}
			}
		}
	})
}

// FuzzParseSemver checks the parser against its own precedence: a version
// it accepts compares equal to itself and is never a "v"-prefixed string.
func FuzzParseSemver(f *testing.F) {
	for _, s := range []string{"1.2.3", "1.0.0-alpha.1+b", "v1.0.0", "1.2", "01.1.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := triage.ParseSemver(s)
		if !ok {
			return
		}
		if strings.HasPrefix(s, "v") || v.Compare(v) != 0 {
			t.Fatalf("ParseSemver(%q) accepted a bad version or misorders it", s)
		}
	})
}
