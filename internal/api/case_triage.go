// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/cases"
	"embargo/internal/router"
	"embargo/internal/triage"
)

// decisionPending is how the API names a confirmation decision not yet
// taken (the domain's "").
const decisionPending = "pending"

// triageFields is the body of PUT /cases/{key}/triage: the whole record.
// Fields left out are empty, so a client sends back everything it read.
type triageFields struct {
	Reproduction struct {
		Status      string `json:"status"`
		Environment string `json:"environment"`
		Steps       string `json:"steps"`
	} `json:"reproduction"`
	Confirmation struct {
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
	} `json:"confirmation"`
	Impact           impactJSON        `json:"impact"`
	Affected         []triage.Affected `json:"affected"`
	Notes            string            `json:"notes"`
	Exploitation     string            `json:"exploitation"`
	PriorityOverride *struct {
		Priority string `json:"priority"`
		Reason   string `json:"reason"`
	} `json:"priority_override"`
	Plan struct {
		TargetRelease string          `json:"target_release"`
		FixReferences []triage.FixRef `json:"fix_references"`
		OwnerID       *int64          `json:"owner_id"`
		DueDate       *string         `json:"due_date"`
	} `json:"plan"`
}

func (f *triageFields) input() triage.Input {
	in := triage.Input{ReproductionStatus: f.Reproduction.Status, Environment: f.Reproduction.Environment,
		Steps: f.Reproduction.Steps, Decision: f.Confirmation.Decision, DecisionReason: f.Confirmation.Reason,
		Gain: f.Impact.Gain, Preconditions: f.Impact.Preconditions, Configurations: f.Impact.Configurations,
		Affected: f.Affected, Notes: f.Notes, Exploitation: f.Exploitation,
		Plan: triage.PlanInput{TargetRelease: f.Plan.TargetRelease, FixRefs: f.Plan.FixReferences}}
	if in.Decision == decisionPending {
		in.Decision = triage.DecisionPending
	}
	if o := f.PriorityOverride; o != nil {
		in.Override = &triage.Override{Priority: o.Priority, Reason: o.Reason}
	}
	if f.Plan.OwnerID != nil {
		in.Plan.OwnerID = *f.Plan.OwnerID
	}
	if f.Plan.DueDate != nil {
		in.Plan.DueDate = *f.Plan.DueDate
	}
	return in
}

type impactJSON struct {
	Gain           string `json:"gain"`
	Preconditions  string `json:"preconditions"`
	Configurations string `json:"configurations"`
}

// triageJSON is a case's triage record as the API shows it.
type triageJSON struct {
	CaseKey      string `json:"case_key"`
	Reproduction struct {
		Status      string     `json:"status"`
		Environment string     `json:"environment"`
		Steps       string     `json:"steps"`
		By          optionalID `json:"by"`
		ByName      string     `json:"by_name"`
		At          timestamp  `json:"at"`
	} `json:"reproduction"`
	Confirmation struct {
		Decision string     `json:"decision"`
		Reason   string     `json:"reason"`
		By       optionalID `json:"by"`
		ByName   string     `json:"by_name"`
		At       timestamp  `json:"at"`
	} `json:"confirmation"`
	Impact       impactJSON        `json:"impact"`
	Affected     []triage.Affected `json:"affected"`
	Notes        string            `json:"notes"`
	Exploitation string            `json:"exploitation"`
	Priority     struct {
		Value    string        `json:"value"`
		Source   string        `json:"source"`
		Derived  string        `json:"derived"`
		Severity string        `json:"severity"`
		Override *overrideJSON `json:"override"`
	} `json:"priority"`
	Plan struct {
		TargetRelease string          `json:"target_release"`
		FixReferences []triage.FixRef `json:"fix_references"`
		OwnerID       optionalID      `json:"owner_id"`
		OwnerName     string          `json:"owner_name"`
		DueDate       *string         `json:"due_date"`        // in effect; null when none yet
		DueDateSource *string         `json:"due_date_source"` // manual or policy
	} `json:"plan"`
	UpdatedAt timestamp `json:"updated_at"`
}

type overrideJSON struct {
	Priority  string     `json:"priority"`
	Reason    string     `json:"reason"`
	SetBy     optionalID `json:"set_by"`
	SetByName string     `json:"set_by_name"`
	SetAt     timestamp  `json:"set_at"`
}

func triageOut(key string, t *cases.Triage) triageJSON {
	var out triageJSON
	r := &t.Record
	out.CaseKey = key
	out.Reproduction.Status, out.Reproduction.Environment, out.Reproduction.Steps = r.ReproStatus, r.ReproEnvironment, r.ReproSteps
	out.Reproduction.By, out.Reproduction.ByName, out.Reproduction.At = optionalID(r.ReproBy), r.ReproByName, timestamp(r.ReproAt)
	out.Confirmation.Decision, out.Confirmation.Reason = r.Decision, r.DecisionReason
	if r.Decision == triage.DecisionPending {
		out.Confirmation.Decision = decisionPending
	}
	out.Confirmation.By, out.Confirmation.ByName, out.Confirmation.At = optionalID(r.DecidedBy), r.DecidedByName, timestamp(r.DecidedAt)
	out.Impact = impactJSON{Gain: r.ImpactGain, Preconditions: r.ImpactPreconditions, Configurations: r.ImpactConfigurations}
	out.Affected, out.Notes, out.Exploitation = t.Affected, r.Notes, r.Exploitation
	out.Priority.Value, out.Priority.Source, out.Priority.Derived, out.Priority.Severity = t.Value, t.Source, t.Derived, t.Severity
	if o := t.Override; o != nil {
		out.Priority.Override = &overrideJSON{Priority: o.Priority, Reason: o.Reason, SetBy: optionalID(o.SetBy),
			SetByName: o.SetByName, SetAt: timestamp(o.SetAt)}
	}
	out.Plan.TargetRelease, out.Plan.FixReferences = t.Plan.TargetRelease, t.FixRefs
	out.Plan.OwnerID, out.Plan.OwnerName = optionalID(t.Plan.OwnerID), t.Plan.OwnerName
	out.Plan.DueDate, out.Plan.DueDateSource = optionalString(t.DueDate), optionalString(t.DueSource)
	out.UpdatedAt = timestamp(max(r.UpdatedAt, t.Plan.UpdatedAt))
	return out
}

// caseTriageShow answers GET /cases/{key}/triage.
func (a *api) caseTriageShow(w http.ResponseWriter, r *router.Request) {
	t, err := a.Cases.TriageOf(r.Context(), r.Case)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, triageOut(r.Case.Key, t))
}

// caseTriageSet answers PUT /cases/{key}/triage: the whole record,
// priority override and plan change together or not at all. A rule broken
// is a 422 naming the field path, e.g.
// affected[0].ranges[1].events[2].fixed.
func (a *api) caseTriageSet(w http.ResponseWriter, r *router.Request) {
	var req triageFields
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	t, err := a.Cases.SetTriage(r.Context(), r.Actor, r.Case.Key, req.input())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, triageOut(r.Case.Key, t))
}
