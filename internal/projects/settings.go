// SPDX-License-Identifier: AGPL-3.0-or-later

// Package projects holds the rules of a project: its slug, settings and
// policy timelines, archiving, members and invitations.
package projects

import (
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"embargo/internal/clock"
	"embargo/internal/validation"
)

// Settings are a project's policy values that later features read. The
// defaults follow public practice: acknowledge within 3 business days
// (CERT/CC, most PSIRTs), a 90-day embargo ceiling (Google Project Zero,
// CERT/CC's 45 days extended by agreement), fix targets by severity in the
// range most published policies use.
type Settings struct {
	TimeZone                string         `json:"time_zone"`
	AcknowledgeBusinessDays int            `json:"acknowledge_business_days"`
	AssessmentDays          int            `json:"assessment_days"`
	FixTargetDays           map[string]int `json:"fix_target_days"`
	DefaultEmbargoDays      int            `json:"default_embargo_days"`
	MaxEmbargoDays          int            `json:"max_embargo_days"`
	AdvisoryPrefix          string         `json:"advisory_prefix"`
	// ReminderDaysBefore is how many days before a deadline the case's
	// people are reminded (halfway through a shorter period); 0 reminds
	// only when it is missed.
	ReminderDaysBefore int `json:"reminder_days_before"`
	// AutoAcknowledge acknowledges every new report on receipt with the
	// acknowledgement template, in the report's own transaction.
	AutoAcknowledge bool `json:"auto_acknowledge"`
	// NeedsInfoDays is how long a case waits on the reporter's answer to
	// the team's question before it closes itself.
	NeedsInfoDays int `json:"needs_info_days"`
	// PublicBugURL is where the project takes ordinary, public bug
	// reports (e.g. https://github.com/acme/widget/issues); a report that
	// is not a security issue is sent there. Empty: the project has none.
	PublicBugURL string `json:"public_bug_url"`
	SecurityPolicy
}

// DefaultNeedsInfoDays is how long a case waits on its reporter unless
// the project says otherwise: a month, as most programmes give.
const DefaultNeedsInfoDays = 30

// DefaultSettings returns the settings a new project starts with.
func DefaultSettings() Settings {
	return Settings{
		TimeZone:                "UTC",
		AcknowledgeBusinessDays: 3,
		AssessmentDays:          10,
		FixTargetDays:           map[string]int{"critical": 7, "high": 30, "medium": 60, "low": 90},
		DefaultEmbargoDays:      90,
		MaxEmbargoDays:          90,
		ReminderDaysBefore:      2,
		NeedsInfoDays:           DefaultNeedsInfoDays,
		SecurityPolicy:          DefaultSecurityPolicy(),
	}
}

var prefixPattern = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,15}$`)

// Validate checks every setting and returns the first problem.
func (s *Settings) Validate() error {
	if _, err := time.LoadLocation(s.TimeZone); err != nil || s.TimeZone == "" || s.TimeZone == "Local" {
		return validation.Errorf("time_zone", "unknown time zone %q (use an IANA name such as Europe/Berlin)", s.TimeZone)
	}
	if s.AcknowledgeBusinessDays < 1 || s.AcknowledgeBusinessDays > 30 {
		return validation.Errorf("acknowledge_business_days", "must be between 1 and 30")
	}
	if s.AssessmentDays < 1 || s.AssessmentDays > 90 {
		return validation.Errorf("assessment_days", "must be between 1 and 90")
	}
	for _, sev := range []string{"critical", "high", "medium", "low"} {
		d, ok := s.FixTargetDays[sev]
		if !ok || d < 1 || d > 365 {
			return validation.Errorf("fix_target_days", "%s must be between 1 and 365 days", sev)
		}
	}
	for k := range s.FixTargetDays {
		switch k {
		case "critical", "high", "medium", "low":
		default:
			return validation.Errorf("fix_target_days", "unknown severity %q", k)
		}
	}
	if s.MaxEmbargoDays < 1 || s.MaxEmbargoDays > 365 {
		return validation.Errorf("max_embargo_days", "must be between 1 and 365")
	}
	if s.DefaultEmbargoDays < 1 || s.DefaultEmbargoDays > s.MaxEmbargoDays {
		return validation.Errorf("default_embargo_days", "must be between 1 and the maximum embargo (%d)", s.MaxEmbargoDays)
	}
	if s.ReminderDaysBefore < 0 || s.ReminderDaysBefore > 30 {
		return validation.Errorf("reminder_days_before", "must be between 0 and 30")
	}
	if s.NeedsInfoDays < 1 || s.NeedsInfoDays > 180 {
		return validation.Errorf("needs_info_days", "must be between 1 and 180")
	}
	if s.PublicBugURL != "" {
		v, err := HTTPSURL("public_bug_url", s.PublicBugURL)
		if err != nil {
			return err
		}
		s.PublicBugURL = v
	}
	if s.AdvisoryPrefix != "" && !prefixPattern.MatchString(s.AdvisoryPrefix) {
		return validation.Errorf("advisory_prefix", "must be 2 to 16 capital letters or digits, starting with a letter")
	}
	return s.SecurityPolicy.validate()
}

// ParseSettings decodes stored settings over the defaults, so settings
// added by later versions get their default on old projects.
func ParseSettings(raw string) (Settings, error) {
	s := DefaultSettings()
	if raw == "" {
		return s, nil
	}
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return s, fmt.Errorf("projects: bad stored settings: %w", err)
	}
	return s, nil
}

// Location returns the project's time zone, UTC when the stored name is
// unknown to this machine.
func (s *Settings) Location() *time.Location {
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil || s.TimeZone == "" || s.TimeZone == "Local" {
		return time.UTC
	}
	return loc
}

// AcknowledgeDue returns when a report received at t must be acknowledged:
// AcknowledgeBusinessDays business days later in the project's time zone.
func (s *Settings) AcknowledgeDue(t time.Time) time.Time {
	return clock.AddBusinessDays(t, s.AcknowledgeBusinessDays, s.Location())
}

// AssessmentDue returns when the first assessment of a report
// acknowledged at t is promised: AssessmentDays calendar days later.
func (s *Settings) AssessmentDue(t time.Time) time.Time {
	return t.In(s.Location()).AddDate(0, 0, s.AssessmentDays)
}

// Encode returns the stored form of s.
func (s Settings) Encode() string {
	b, _ := json.Marshal(s)
	return string(b)
}
