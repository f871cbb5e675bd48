// SPDX-License-Identifier: AGPL-3.0-or-later

package cases

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"embargo/internal/store"
	"embargo/internal/triage"
	"embargo/internal/validation"
)

// FilterParams are the query parameters ParseFilter reads; the API
// refuses any other but its paging parameters.
var FilterParams = []string{"state", "severity", "priority", "assignee", "component", "label", "q", "include_spam"}

// ParseFilter reads the filters of a case list or search from query
// parameters, the one reading both the pages and the API use, so that a
// link and an API call with the same parameters select the same cases.
// me is the user ID "assignee=me" stands for. Paging is left to the
// caller. A bad parameter is a *validation.Error naming it.
//
//   - state: states, repeated or comma-separated; "open" stands for
//     every open state.
//   - severity, priority: one of the known values.
//   - assignee: "me" or a user ID: cases the user coordinates or is
//     assigned to.
//   - component, label: exact match (a label as normalised).
//   - q: text to search for.
//   - include_spam: "true" or "1" to list reports rejected as spam,
//     which are left out otherwise unless the state filter asks for
//     rejected cases.
func ParseFilter(q url.Values, me int64) (store.CaseFilter, error) {
	var f store.CaseFilter
	var err error
	if f.States, err = parseStates(q["state"]); err != nil {
		return f, err
	}
	for _, name := range FilterParams {
		if len(q[name]) > 1 && name != "state" {
			return f, validation.Errorf(name, "give it once")
		}
	}
	includeSpam := false
	switch v := q.Get("include_spam"); v {
	case "", "0", "false":
	case "1", "true":
		includeSpam = true
	default:
		return f, validation.Errorf("include_spam", "must be true or false")
	}
	f.HideSpam = !includeSpam && !slices.Contains(f.States, StateRejected)
	if f.Severity = q.Get("severity"); f.Severity != "" && !slices.Contains(Severities, f.Severity) {
		return f, validation.Errorf("severity", "must be one of %s", strings.Join(Severities, ", "))
	}
	if f.Priority = q.Get("priority"); f.Priority != "" && !slices.Contains(triage.Priorities, f.Priority) {
		return f, validation.Errorf("priority", "must be one of %s", strings.Join(triage.Priorities, ", "))
	}
	if f.Component = q.Get("component"); len([]rune(f.Component)) > MaxComponent {
		return f, validation.Errorf("component", "is longer than %d characters", MaxComponent)
	}
	if f.Label = q.Get("label"); f.Label != "" {
		if f.Label, err = NormaliseLabel("label", f.Label); err != nil {
			return f, err
		}
	}
	switch v := q.Get("assignee"); v {
	case "":
	case "me":
		f.AssigneeID = me
	default:
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return f, validation.Errorf("assignee", `must be "me" or a user ID`)
		}
		f.AssigneeID = id
	}
	if f.Query = q.Get("q"); len([]rune(f.Query)) > MaxQuery {
		return f, validation.Errorf("q", "is longer than %d characters", MaxQuery)
	}
	return f, nil
}

// parseStates flattens repeated and comma-separated states, expanding
// "open", without duplicates.
func parseStates(values []string) ([]string, error) {
	var out []string
	add := func(s string) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, v := range values {
		for s := range strings.SplitSeq(v, ",") {
			s = strings.TrimSpace(s)
			switch {
			case s == "":
			case s == "open":
				for _, o := range OpenStates {
					add(o)
				}
			case ValidState(s):
				add(s)
			default:
				return nil, validation.Errorf("state", "unknown state %q; states are open, %s", s, strings.Join(States, ", "))
			}
		}
	}
	return out, nil
}
