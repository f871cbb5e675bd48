// SPDX-License-Identifier: AGPL-3.0-or-later

package cvss

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseV31SpecExamples scores the worked examples of FIRST's "CVSS
// v3.1: Examples" document, with the base scores it publishes.
func TestParseV31SpecExamples(t *testing.T) {
	tests := []struct {
		name   string
		vector string
		want   string
		rating string
	}{
		{"CVE-2013-1937 phpMyAdmin reflected XSS", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", "6.1", RatingMedium},
		{"CVE-2013-0375 MySQL stored SQL injection", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", "6.4", RatingMedium},
		{"CVE-2014-3566 SSLv3 POODLE", "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", "3.1", RatingLow},
		{"CVE-2012-1516 VMware guest to host escape", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", "9.9", RatingCritical},
		{"CVE-2009-0783 Apache Tomcat XML parser", "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", "4.2", RatingMedium},
		{"CVE-2012-0384 Cisco IOS command injection", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "8.8", RatingHigh},
		{"CVE-2015-1098 Apple iWork denial of service", "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", "7.8", RatingHigh},
		{"CVE-2014-0160 OpenSSL Heartbleed", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "7.5", RatingHigh},
		{"CVE-2014-6271 GNU Bash Shellshock", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "9.8", RatingCritical},
		{"CVE-2008-1447 DNS Kaminsky bug", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", "6.8", RatingMedium},
		{"CVE-2014-2005 Sophos Disk Encryption", "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "6.8", RatingMedium},
		{"CVE-2010-0467 Joomla directory traversal", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", "5.8", RatingMedium},
		{"CVE-2013-6014 Juniper proxy ARP", "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", "9.3", RatingCritical},
		{"CVE-2014-9253 DokuWiki stored XSS", "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", "5.4", RatingMedium},
		{"CVE-2011-1265 Microsoft Windows Bluetooth", "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "8.8", RatingHigh},
		{"CVE-2014-2019 Apple iOS passcode bypass", "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", "4.6", RatingMedium},
		{"CVE-2015-0970 SearchBlox CSRF", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", "8.8", RatingHigh},
		{"no impact", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", "0.0", RatingNone},
		{"temporal metrics leave the base score", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/E:U/RL:O/RC:R", "7.5", RatingHigh},
		{"any metric order", "CVSS:3.1/A:N/I:N/C:H/S:U/UI:N/PR:N/AC:L/AV:N", "7.5", RatingHigh},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.vector)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.vector, err)
			}
			got := []string{s.Version, s.String(), s.Rating, s.Nomenclature}
			if diff := cmp.Diff([]string{V31, tt.want, tt.rating, "CVSS-B"}, got); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tt.vector, diff)
			}
		})
	}
}

// TestParseV40Examples scores v4.0 vectors whose scores FIRST's v4.0
// calculator and examples document publish.
func TestParseV40Examples(t *testing.T) {
	tests := []struct {
		name         string
		vector       string
		want         string
		rating       string
		nomenclature string
	}{
		{"full system impact, no subsequent", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "9.3", RatingCritical, "CVSS-B"},
		{"full impact", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", "10.0", RatingCritical, "CVSS-B"},
		{"no impact", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", "0.0", RatingNone, "CVSS-B"},
		{"subsequent system only", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:H/SA:H", "7.9", RatingHigh, "CVSS-B"},
		{"CVE-2022-41741 nginx mp4 module", "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "7.3", RatingHigh, "CVSS-B"},
		{"least severe with impact", "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", "1.0", RatingLow, "CVSS-B"},
		{"local with user interaction", "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:P/VC:N/VI:H/VA:H/SC:N/SI:L/SA:L", "5.2", RatingMedium, "CVSS-B"},
		{"unreported exploit maturity", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U", "9.1", RatingCritical, "CVSS-BT"},
		{"environmental", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/MVI:L/MSA:S", "9.8", RatingCritical, "CVSS-BE"},
		{"threat, environmental and supplemental",
			"CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:P/VC:N/VI:H/VA:H/SC:N/SI:L/SA:L/E:P/CR:H/IR:M/AR:H/MAV:A/MAT:P/MPR:N/MVI:H/MVA:N/MSI:H/MSA:N/S:N/V:C/U:Amber",
			"4.7", RatingMedium, "CVSS-BTE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.vector)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.vector, err)
			}
			got := []string{s.Version, s.String(), s.Rating, s.Nomenclature}
			if diff := cmp.Diff([]string{V40, tt.want, tt.rating, tt.nomenclature}, got); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tt.vector, diff)
			}
		})
	}
}

func TestParseNormalises(t *testing.T) {
	tests := []struct {
		name, vector, want string
	}{
		{"surrounding space", "  CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N\n", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"},
		{"v3.1 order", "CVSS:3.1/A:N/I:N/C:H/S:U/UI:N/PR:N/AC:L/AV:N", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"},
		{"v3.1 not defined dropped", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/E:X/RL:O", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/RL:O"},
		{"v4.0 not defined dropped", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.vector)
			if err != nil {
				t.Fatal(err)
			}
			if s.Vector != tt.want {
				t.Errorf("Vector = %q, want %q", s.Vector, tt.want)
			}
		})
	}
}

func TestParseErrorsNameTheMetric(t *testing.T) {
	const v31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
	const v40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
	tests := []struct {
		name, vector, metric, message string
	}{
		{"invalid value", strings.Replace(v31, "AV:N", "AV:Q", 1), "AV", `metric "AV" has invalid value "Q"`},
		{"v4.0 value from v3.1", strings.Replace(v40, "UI:N", "UI:R", 1), "UI", `metric "UI" has invalid value "R"`},
		{"lower-case value", strings.Replace(v31, "C:H", "C:h", 1), "C", `metric "C" has invalid value "h"`},
		{"missing mandatory", strings.Replace(v31, "/PR:N", "", 1), "PR", `missing mandatory metric "PR"`},
		{"v4.0 missing mandatory", strings.Replace(v40, "/SA:N", "", 1), "SA", `missing mandatory metric "SA"`},
		{"unknown metric", v31 + "/XX:N", "XX", `unknown metric "XX"`},
		{"v4.0 metric in v3.1", v31 + "/AT:N", "AT", `unknown metric "AT"`},
		{"duplicated metric", v31 + "/AV:L", "AV", `metric "AV" is given more than once`},
		{"no value", strings.Replace(v31, "AC:L", "AC", 1), "AC", `metric "AC" has no value`},
		{"empty value", strings.Replace(v31, "AC:L", "AC:", 1), "AC", `metric "AC" has no value`},
		{"v4.0 out of order", "CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "AV", `metric "AV" is out of order`},
		{"trailing slash", v31 + "/", "", "empty metric"},
		{"wrong prefix", "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "", "wrong prefix"},
		{"lower-case prefix", strings.ToLower(v31), "", "wrong prefix"},
		{"unsupported version", strings.Replace(v31, "3.1", "3.0", 1), "", `unsupported CVSS version "3.0"`},
		{"no metrics", "CVSS:4.0/", "", "no metrics"},
		{"empty", "", "", "wrong prefix"},
		{"too long", v31 + strings.Repeat("/E:X", 200), "", "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.vector)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) = %v, want an *Error", tt.vector, err)
			}
			if e.Metric != tt.metric || !strings.Contains(e.Message, tt.message) {
				t.Errorf("Parse(%q) = metric %q, %q; want metric %q and a message containing %q",
					tt.vector, e.Metric, e.Message, tt.metric, tt.message)
			}
		})
	}
}

func TestRating(t *testing.T) {
	tests := []struct {
		tenths int
		want   string
	}{
		{0, RatingNone}, {1, RatingLow}, {39, RatingLow}, {40, RatingMedium}, {69, RatingMedium},
		{70, RatingHigh}, {89, RatingHigh}, {90, RatingCritical}, {100, RatingCritical},
	}
	for _, tt := range tests {
		if got := Rating(tt.tenths); got != tt.want {
			t.Errorf("Rating(%d) = %q, want %q", tt.tenths, got, tt.want)
		}
	}
}

// FuzzParse checks that Parse never panics, that what it accepts it
// scores within 0–10 and re-serialises to a vector that parses to the same
// result, and that what it refuses it refuses with an *Error.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/E:U/RL:O/RC:R/CR:H/IR:M/AR:L/MAV:A/MAC:H/MPR:L/MUI:R/MS:C/MC:N/MI:L/MA:H",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
		"CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:P/VC:N/VI:H/VA:H/SC:N/SI:L/SA:L/E:P/CR:H/IR:M/AR:H/MAV:A/MAT:P/MPR:N/MVI:H/MVA:N/MSI:H/MSA:N/S:N/V:C/U:Amber",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:P/AU:Y/R:I/V:D/RE:H/U:Red",
		"CVSS:3.1/AV:N/AV:N", "CVSS:4.0/", "CVSS:3.1//", "", ":",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, vector string) {
		s, err := Parse(vector)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) error %v is not an *Error", vector, err)
			}
			return
		}
		if s.Tenths < 0 || s.Tenths > 100 || s.Rating != Rating(s.Tenths) {
			t.Fatalf("Parse(%q) = %+v", vector, s)
		}
		again, err := Parse(s.Vector)
		if err != nil {
			t.Fatalf("Parse(%q) accepted, its normal form %q refused: %v", vector, s.Vector, err)
		}
		if diff := cmp.Diff(s, again); diff != "" {
			t.Fatalf("re-parsing %q (-first +second):\n%s", s.Vector, diff)
		}
	})
}
