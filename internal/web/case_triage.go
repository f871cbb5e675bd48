// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"embargo/internal/cases"
	"embargo/internal/router"
	"embargo/internal/triage"
	"embargo/internal/validation"
)

// affectedRows is how many blank rows the affected-products form offers
// beyond the simple entries already recorded.
const affectedRows = 3

// triageView is the case page's Triage card.
type triageView struct {
	T *cases.Triage
	// Affected lists the affected products as lines of text.
	Affected []string
	FixRefs  []triage.FixRef
	// Form is what the form shows: the record's values, or a refused
	// post's. Rows are the simple affected-product rows; AffectedJSON
	// holds the entries the rows cannot express.
	Form         url.Values
	Rows         []affectedRow
	AffectedJSON string
	// Choices offered by the form's selects.
	Statuses, Decisions, Exploitations, Priorities, Ecosystems []string
}

// affectedRow is one row of the simple affected-products form: one
// package with one range, introduced and then fixed or last affected.
type affectedRow struct {
	Ecosystem, Name, Type, Introduced, BoundKind, Bound string
}

// newTriageView prepares the card for t.
func newTriageView(t *cases.Triage) *triageView {
	v := &triageView{T: t, FixRefs: t.FixRefs, Statuses: triage.ReproductionStatuses,
		Decisions:     []string{"pending", triage.DecisionConfirm, triage.DecisionRejected},
		Exploitations: triage.Exploitations, Priorities: triage.Priorities, Ecosystems: triage.Ecosystems}
	for _, a := range t.Affected {
		v.Affected = append(v.Affected, describeAffected(a))
	}
	r := &t.Record
	decision := r.Decision
	if decision == "" {
		decision = "pending"
	}
	v.Form = url.Values{"repro_status": {r.ReproStatus}, "repro_environment": {r.ReproEnvironment},
		"repro_steps": {r.ReproSteps}, "decision": {decision}, "decision_reason": {r.DecisionReason},
		"impact_gain": {r.ImpactGain}, "impact_preconditions": {r.ImpactPreconditions},
		"impact_configurations": {r.ImpactConfigurations}, "notes": {r.Notes}, "exploitation": {r.Exploitation},
		"target_release": {t.Plan.TargetRelease}, "due_date": {t.Plan.DueDate},
		"fix_refs": {formatFixRefs(t.FixRefs)}}
	if t.Plan.OwnerID != 0 {
		v.Form.Set("owner_id", strconv.FormatInt(t.Plan.OwnerID, 10))
	}
	if o := t.Override; o != nil {
		v.Form.Set("override_priority", o.Priority)
		v.Form.Set("override_reason", o.Reason)
	}
	var complex []triage.Affected
	for _, a := range t.Affected {
		if row, ok := simpleRow(a); ok {
			v.Rows = append(v.Rows, row)
		} else {
			complex = append(complex, a)
		}
	}
	if len(complex) > 0 {
		b, _ := json.MarshalIndent(complex, "", "  ")
		v.AffectedJSON = string(b)
	}
	v.Rows = append(v.Rows, make([]affectedRow, affectedRows)...)
	return v
}

// refill shows a refused post's values in the form again.
func (v *triageView) refill(form url.Values) {
	v.Form = form
	v.AffectedJSON = form.Get("affected_json")
	v.Rows = nil
	for i := range form["aff_name"] {
		v.Rows = append(v.Rows, affectedRow{Ecosystem: at(form["aff_ecosystem"], i), Name: at(form["aff_name"], i),
			Type: at(form["aff_type"], i), Introduced: at(form["aff_introduced"], i),
			BoundKind: at(form["aff_bound_kind"], i), Bound: at(form["aff_bound"], i)})
	}
}

func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return ""
}

// simpleRow expresses a as a form row if it is one range of introduced
// then fixed or last_affected (or introduced alone), without purl or
// explicit versions.
func simpleRow(a triage.Affected) (affectedRow, bool) {
	if a.Package.PURL != "" || len(a.Versions) > 0 || len(a.Ranges) != 1 {
		return affectedRow{}, false
	}
	rg := a.Ranges[0]
	if rg.Type == triage.RangeGit || len(rg.Events) < 1 || len(rg.Events) > 2 || rg.Events[0].Introduced == "" {
		return affectedRow{}, false
	}
	row := affectedRow{Ecosystem: a.Package.Ecosystem, Name: a.Package.Name, Type: rg.Type, Introduced: rg.Events[0].Introduced}
	if len(rg.Events) == 2 {
		switch e := rg.Events[1]; {
		case e.Fixed != "" && e.LastAffected == "" && e.Limit == "" && e.Introduced == "":
			row.BoundKind, row.Bound = "fixed", e.Fixed
		case e.LastAffected != "" && e.Fixed == "" && e.Limit == "" && e.Introduced == "":
			row.BoundKind, row.Bound = "last_affected", e.LastAffected
		default:
			return affectedRow{}, false
		}
	}
	return row, true
}

// describeAffected tells an affected package in one line, e.g.
// "Go example.com/m: SEMVER introduced 0, fixed 1.2.3".
func describeAffected(a triage.Affected) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", a.Package.Ecosystem, a.Package.Name)
	if a.Package.PURL != "" {
		fmt.Fprintf(&b, " (%s)", a.Package.PURL)
	}
	var parts []string
	for _, rg := range a.Ranges {
		var ev []string
		for _, e := range rg.Events {
			switch {
			case e.Introduced != "":
				ev = append(ev, "introduced "+e.Introduced)
			case e.Fixed != "":
				ev = append(ev, "fixed "+e.Fixed)
			case e.LastAffected != "":
				ev = append(ev, "last affected "+e.LastAffected)
			case e.Limit != "":
				ev = append(ev, "limit "+e.Limit)
			}
		}
		s := rg.Type + " " + strings.Join(ev, ", ")
		if rg.Repo != "" {
			s += " in " + rg.Repo
		}
		parts = append(parts, s)
	}
	if len(a.Versions) > 0 {
		parts = append(parts, "versions "+strings.Join(a.Versions, ", "))
	}
	if len(parts) > 0 {
		b.WriteString(": " + strings.Join(parts, "; "))
	}
	return b.String()
}

// formatFixRefs writes fix references one a line, "type URL".
func formatFixRefs(refs []triage.FixRef) string {
	lines := make([]string, len(refs))
	for i, r := range refs {
		lines[i] = r.Type + " " + r.URL
	}
	return strings.Join(lines, "\n")
}

// triageInput reads the Triage card's form. Affected products come from
// the JSON field (an OSV affected list) followed by the non-blank rows;
// fix references one a line as "type URL".
func triageInput(f url.Values) (triage.Input, error) {
	in := triage.Input{ReproductionStatus: f.Get("repro_status"), Environment: strings.TrimSpace(f.Get("repro_environment")),
		Steps: strings.TrimSpace(f.Get("repro_steps")), Decision: f.Get("decision"),
		DecisionReason: strings.TrimSpace(f.Get("decision_reason")), Gain: strings.TrimSpace(f.Get("impact_gain")),
		Preconditions: strings.TrimSpace(f.Get("impact_preconditions")), Configurations: strings.TrimSpace(f.Get("impact_configurations")),
		Notes: strings.TrimSpace(f.Get("notes")), Exploitation: f.Get("exploitation"),
		Plan: triage.PlanInput{TargetRelease: strings.TrimSpace(f.Get("target_release")), DueDate: strings.TrimSpace(f.Get("due_date"))}}
	if in.Decision == "pending" {
		in.Decision = triage.DecisionPending
	}
	if p := f.Get("override_priority"); p != "" {
		in.Override = &triage.Override{Priority: p, Reason: strings.TrimSpace(f.Get("override_reason"))}
	}
	if s := f.Get("owner_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return in, validation.Errorf("plan.owner_id", "is not a member")
		}
		in.Plan.OwnerID = id
	}
	for i, line := range strings.Split(f.Get("fix_refs"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		typ, u, ok := strings.Cut(line, " ")
		if !ok {
			return in, validation.Errorf(fmt.Sprintf("plan.fix_references[%d]", len(in.Plan.FixRefs)),
				"line %d: write the type, a space and the URL (e.g. \"commit https://…\")", i+1)
		}
		in.Plan.FixRefs = append(in.Plan.FixRefs, triage.FixRef{Type: typ, URL: strings.TrimSpace(u)})
	}
	if js := strings.TrimSpace(f.Get("affected_json")); js != "" {
		dec := json.NewDecoder(bytes.NewReader([]byte(js)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in.Affected); err != nil || dec.More() {
			return in, validation.Errorf("affected", "the JSON field is not a list of OSV affected packages (package, ranges, versions)")
		}
	}
	for i := range f["aff_name"] {
		row := affectedRow{Ecosystem: at(f["aff_ecosystem"], i), Name: strings.TrimSpace(at(f["aff_name"], i)),
			Type: at(f["aff_type"], i), Introduced: strings.TrimSpace(at(f["aff_introduced"], i)),
			BoundKind: at(f["aff_bound_kind"], i), Bound: strings.TrimSpace(at(f["aff_bound"], i))}
		if row.Name == "" && row.Introduced == "" && row.Bound == "" {
			continue
		}
		rg := triage.Range{Type: row.Type, Events: []triage.Event{{Introduced: row.Introduced}}}
		switch {
		case row.Bound == "":
		case row.BoundKind == "last_affected":
			rg.Events = append(rg.Events, triage.Event{LastAffected: row.Bound})
		default:
			rg.Events = append(rg.Events, triage.Event{Fixed: row.Bound})
		}
		in.Affected = append(in.Affected, triage.Affected{Package: triage.Package{Ecosystem: row.Ecosystem, Name: row.Name},
			Ranges: []triage.Range{rg}})
	}
	return in, nil
}

// caseTriage saves the Triage card: the whole record, priority override
// and plan. A broken rule shows beside the card naming the field path.
func (h *web) caseTriage(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	in, err := triageInput(r.PostForm)
	if err == nil {
		_, err = h.Cases.SetTriage(r.Context(), r.Actor, r.Case.Key, in)
	}
	if err != nil {
		var ve *validation.Error
		if errors.As(err, &ve) && ve.Field != "" {
			// The path (affected[0].ranges[0].events[1].fixed) says which
			// row and value to fix; keep it in the message.
			err = validation.Errorf("", "%s: %s", ve.Field, ve.Message)
		}
		h.caseFormError(w, r, "triage", err)
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key+"#triage", "case-saved")
}

// describeTriageEvent tells a case.triage, case.priority or case.plan event
// in words.
func describeTriageEvent(who, action string, before, after map[string]any) string {
	switch action {
	case "case.priority":
		if p := str(after["priority_override"]); p != "" {
			return fmt.Sprintf("%s set the priority to %s: %s", who, p, str(after["reason"]))
		}
		return who + " removed the priority override"
	case "case.plan":
		return who + " changed the remediation plan"
	}
	var parts []string
	for _, f := range []struct{ key, label string }{
		{"reproduction_status", "reproduction"}, {"decision", "decision"}, {"exploitation", "exploitation"},
	} {
		if str(before[f.key]) != str(after[f.key]) {
			parts = append(parts, fmt.Sprintf("the %s from %s → %s", f.label, orNone(str(before[f.key])), orNone(str(after[f.key]))))
		}
	}
	if str(before["affected"]) != str(after["affected"]) {
		parts = append(parts, "the affected products")
	}
	if len(parts) == 0 {
		return who + " edited the triage record"
	}
	return who + " changed " + joinWords(parts)
}
