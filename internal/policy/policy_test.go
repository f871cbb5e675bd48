// SPDX-License-Identifier: AGPL-3.0-or-later

package policy

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/projects"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var now = time.Date(2026, 11, 23, 12, 30, 15, 500, time.UTC)

// project returns a project with default settings changed by edit.
func project(slug, name string, edit func(s *projects.Settings)) Project {
	s := projects.DefaultSettings()
	if edit != nil {
		edit(&s)
	}
	if err := s.Validate(); err != nil {
		panic(err)
	}
	return Project{Slug: slug, Name: name, Settings: s}
}

func full(s *projects.Settings) {
	s.SecurityContacts = []string{"security@acme.example", "psirt@acme.example"}
	s.ContactURLs = []string{"https://hackerone.example/acme"}
	s.ReportChannels = []string{"web", "api", "email"}
	s.PreferredLanguages = []string{"en", "de"}
	s.Disclosure = projects.DisclosureAfterFix
	s.Credit = projects.CreditAnonymous
	s.Bounty = "https://acme.example/bounty"
	s.PolicyIntro = "Acme makes **rockets**."
	s.AcknowledgmentsURL = "https://acme.example/thanks"
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", name, diff)
	}
}

func TestSecurityTxt(t *testing.T) {
	keyed := project("acme", "Acme", full)
	keyed.Key = &Key{Fingerprint: "0123456789ABCDEF0123456789ABCDEF01234567"}
	archived := project("old", "Old", nil)
	archived.Archived = true
	shared := project("beta", "Beta\nContact: mailto:evil@example.org", func(s *projects.Settings) {
		s.SecurityContacts = []string{"security@acme.example"}
		s.ReportChannels = []string{"email"}
		s.PreferredLanguages = []string{"fr", "de"}
	})
	tests := []struct {
		name     string
		projects []Project
		golden   string
		err      error
	}{
		{name: "one default project", projects: []Project{project("acme", "Acme", nil)}, golden: "security-default.txt"},
		{name: "several projects, shared contacts deduplicated, archived left out",
			projects: []Project{keyed, archived, shared}, golden: "security-several.txt"},
		{name: "no projects", err: ErrNoContacts},
		{name: "only archived projects", projects: []Project{archived}, err: ErrNoContacts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SecurityTxt("https://desk.example/", tt.projects, now)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if tt.err != nil {
				return
			}
			if problems := CheckSecurityTxt(got, now); len(problems) > 0 {
				t.Errorf("output breaks RFC 9116: %v\n%s", problems, got)
			}
			golden(t, tt.golden, string(got))
		})
	}
}

func TestSecurityTxtExpiresRenews(t *testing.T) {
	p := []Project{project("acme", "Acme", nil)}
	for _, at := range []time.Time{now, now.AddDate(0, 5, 0), now.AddDate(3, 0, 0)} {
		got, err := SecurityTxt("https://desk.example", p, at)
		if err != nil {
			t.Fatal(err)
		}
		want := "Expires: " + at.UTC().Truncate(time.Second).Add(RenewalPeriod).Format(time.RFC3339) + "\n"
		if !strings.Contains(string(got), want) {
			t.Errorf("at %s: lacks %q", at, want)
		}
		if problems := CheckSecurityTxt(got, at); len(problems) > 0 {
			t.Errorf("at %s: %v", at, problems)
		}
	}
}

func TestSecurityMD(t *testing.T) {
	keyed := project("acme", "Acme", full)
	keyed.Key = &Key{Fingerprint: "0123456789abcdef0123456789abcdef01234567"}
	tests := []struct {
		name    string
		project Project
		golden  string
	}{
		{"defaults, no key", project("acme", "Acme", nil), "SECURITY-default.md"},
		{"everything set, with key", keyed, "SECURITY-full.md"},
		{"text bounty, one language", project("acme", "Acme", func(s *projects.Settings) {
			s.Bounty = "Up to 500 EUR for critical issues."
			s.AcknowledgeBusinessDays = 1
		}), "SECURITY-bounty.md"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			golden(t, tt.golden, SecurityMD("https://desk.example", tt.project))
		})
	}
}

func TestDescribe(t *testing.T) {
	keyed := project("acme", "Acme", full)
	keyed.Key = &Key{Fingerprint: "0123456789abcdef0123456789abcdef01234567"}
	tests := []struct {
		name         string
		project      Project
		wantContacts []Contact
		wantKeyURL   string
		wantFP       string
		wantAPI      string
	}{
		{"defaults", project("acme", "Acme", nil),
			[]Contact{{"Report form", "https://desk.example/p/acme/report", "https://desk.example/p/acme/report"}},
			"", "", "https://desk.example/api/v1"},
		{"full", keyed, []Contact{
			{"Report form", "https://desk.example/p/acme/report", "https://desk.example/p/acme/report"},
			{"Email", "mailto:security@acme.example", "security@acme.example"},
			{"Email", "mailto:psirt@acme.example", "psirt@acme.example"},
			{"Web", "https://hackerone.example/acme", "https://hackerone.example/acme"},
		}, "https://desk.example/p/acme/pgp-key.asc", "0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567", "https://desk.example/api/v1"},
		{"contacts kept but email not a channel", project("acme", "Acme", func(s *projects.Settings) {
			s.SecurityContacts = []string{"security@acme.example"}
			s.ReportChannels = []string{"web"}
		}), []Contact{{"Report form", "https://desk.example/p/acme/report", "https://desk.example/p/acme/report"}}, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Describe("https://desk.example", tt.project)
			if diff := cmp.Diff(tt.wantContacts, d.Contacts()); diff != "" {
				t.Errorf("contacts (-want +got):\n%s", diff)
			}
			if d.KeyURL != tt.wantKeyURL || d.Fingerprint != tt.wantFP || d.APIURL != tt.wantAPI {
				t.Errorf("key %q %q, api %q; want %q %q, %q", d.KeyURL, d.Fingerprint, d.APIURL, tt.wantKeyURL, tt.wantFP, tt.wantAPI)
			}
		})
	}
}
