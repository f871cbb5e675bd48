// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"embargo/internal/authz"
	"embargo/internal/pgp"
	"embargo/internal/projects"
	"embargo/internal/router"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// fixSeverities are the severities with a fix target, most urgent first.
var fixSeverities = []string{"critical", "high", "medium", "low"}

// settingsData is the settings page's content.
type settingsData struct {
	FixSeverities []string
	CanEdit       bool
	CanArchive    bool
	Policy        policyOptions
	PGPKey        *pgp.PublicKey // nil when the project has none
	// Blocks are the senders marking reports as spam blocked.
	Blocks []*store.ReportBlock
}

// settingsFields are the form's inputs, for placing error messages.
var settingsFields = []string{"name", "description", "require_mfa", "time_zone", "acknowledge_business_days",
	"auto_acknowledge", "assessment_days", "fix_target_days", "default_embargo_days", "max_embargo_days", "advisory_prefix", "reminder_days_before",
	"needs_info_days", "public_bug_url"}

// settingsPage starts the settings page for r's project, showing form f.
func (h *web) settingsPage(r *router.Request, f url.Values) *page {
	p := projectPage(r, "Settings · "+r.Project.Name, "Settings")
	p.Form = f
	p.Data = settingsData{FixSeverities: fixSeverities,
		CanEdit: can(r, authz.ActionProjectEdit), CanArchive: can(r, authz.ActionProjectArchive),
		Policy: newPolicyOptions(f), PGPKey: h.settingsPGPKey(r), Blocks: h.settingsBlocks(r)}
	return p
}

// projectSettingsForm shows the project's settings, filled in.
func (h *web) projectSettingsForm(w http.ResponseWriter, r *router.Request) {
	s, err := projects.ParseSettings(r.Project.Settings)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := url.Values{}
	f.Set("name", r.Project.Name)
	f.Set("description", r.Project.Description)
	if r.Project.RequireMFA {
		f.Set("require_mfa", "1")
	}
	f.Set("time_zone", s.TimeZone)
	f.Set("acknowledge_business_days", strconv.Itoa(s.AcknowledgeBusinessDays))
	if s.AutoAcknowledge {
		f.Set("auto_acknowledge", "1")
	}
	f.Set("assessment_days", strconv.Itoa(s.AssessmentDays))
	for _, sev := range fixSeverities {
		f.Set("fix_"+sev, strconv.Itoa(s.FixTargetDays[sev]))
	}
	f.Set("default_embargo_days", strconv.Itoa(s.DefaultEmbargoDays))
	f.Set("max_embargo_days", strconv.Itoa(s.MaxEmbargoDays))
	f.Set("advisory_prefix", s.AdvisoryPrefix)
	f.Set("reminder_days_before", strconv.Itoa(s.ReminderDaysBefore))
	f.Set("needs_info_days", strconv.Itoa(s.NeedsInfoDays))
	f.Set("public_bug_url", s.PublicBugURL)
	setPolicyForm(f, s.SecurityPolicy)
	p := h.settingsPage(r, f)
	h.render(w, r.Request, http.StatusOK, viewProjectSetting, p)
}

// formInt reads a whole-number field.
func formInt(f url.Values, field, errField string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(f.Get(field)))
	if err != nil {
		return 0, validation.Errorf(errField, "must be a whole number of days")
	}
	return n, nil
}

// readSettings decodes the policy part of the settings form.
func readSettings(f url.Values) (projects.Settings, error) {
	s := projects.Settings{TimeZone: strings.TrimSpace(f.Get("time_zone")), FixTargetDays: map[string]int{},
		AdvisoryPrefix: strings.ToUpper(strings.TrimSpace(f.Get("advisory_prefix"))), SecurityPolicy: readPolicyForm(f),
		AutoAcknowledge: f.Get("auto_acknowledge") != "", PublicBugURL: strings.TrimSpace(f.Get("public_bug_url"))}
	var err error
	for _, field := range []struct {
		name string
		dst  *int
	}{
		{"acknowledge_business_days", &s.AcknowledgeBusinessDays},
		{"assessment_days", &s.AssessmentDays},
		{"default_embargo_days", &s.DefaultEmbargoDays},
		{"max_embargo_days", &s.MaxEmbargoDays},
	} {
		if *field.dst, err = formInt(f, field.name, field.name); err != nil {
			return s, err
		}
	}
	for _, sev := range fixSeverities {
		if s.FixTargetDays[sev], err = formInt(f, "fix_"+sev, "fix_target_days"); err != nil {
			return s, err
		}
	}
	// Left blank (or from a form that predates it), the reminder lead is
	// the default.
	s.ReminderDaysBefore = projects.DefaultSettings().ReminderDaysBefore
	if strings.TrimSpace(f.Get("reminder_days_before")) != "" {
		if s.ReminderDaysBefore, err = formInt(f, "reminder_days_before", "reminder_days_before"); err != nil {
			return s, err
		}
	}
	s.NeedsInfoDays = projects.DefaultNeedsInfoDays
	if strings.TrimSpace(f.Get("needs_info_days")) != "" {
		if s.NeedsInfoDays, err = formInt(f, "needs_info_days", "needs_info_days"); err != nil {
			return s, err
		}
	}
	return s, nil
}

// projectSettingsSubmit saves name, description, the two-factor rule and
// the policy timelines in one change.
func (h *web) projectSettingsSubmit(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	fail := func(err error) {
		p := h.settingsPage(r, r.PostForm)
		h.formError(w, r, viewProjectSetting, p, err, append(settingsFields, policyFields...)...)
	}
	s, err := readSettings(r.PostForm)
	if err != nil {
		fail(err)
		return
	}
	if !hasPolicySection(r.PostForm) {
		current, err := projects.ParseSettings(r.Project.Settings)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		s.SecurityPolicy = current.SecurityPolicy
	}
	name, desc := r.PostForm.Get("name"), r.PostForm.Get("description")
	requireMFA := r.PostForm.Get("require_mfa") == "1"
	if requireMFA && !r.Project.RequireMFA && !r.Actor.MFA {
		// Requiring what the admin lacks would lock them out of the very
		// page that could undo it.
		fail(validation.Errorf("require_mfa", "needs two-factor authentication on your own account first (see Account)"))
		return
	}
	_, err = h.Projects.Update(r.Context(), r.Actor, r.Project.Slug,
		projects.Input{Name: &name, Description: &desc, RequireMFA: &requireMFA, Settings: &s})
	if err != nil {
		fail(err)
		return
	}
	redirect(w, r, "/projects/"+r.Project.Slug+"/settings", "settings-saved")
}

// projectArchive makes a project read-only.
func (h *web) projectArchive(w http.ResponseWriter, r *router.Request) {
	h.setArchived(w, r, true)
}

// projectUnarchive makes an archived project writable again.
func (h *web) projectUnarchive(w http.ResponseWriter, r *router.Request) {
	h.setArchived(w, r, false)
}

// setArchived archives or restores r's project.
func (h *web) setArchived(w http.ResponseWriter, r *router.Request, archived bool) {
	if _, err := h.Projects.SetArchived(r.Context(), r.Actor, r.Project.Slug, archived); err != nil {
		h.fail(w, r, err)
		return
	}
	notice := "unarchived"
	if archived {
		notice = "archived"
	}
	// An instance admin who is not a member cannot open the project, so
	// they go back to the dashboard they archived it from.
	to := "/"
	if r.Actor.Role(r.Project.ID) != "" {
		to = "/projects/" + r.Project.Slug
	}
	redirect(w, r, to, notice)
}
