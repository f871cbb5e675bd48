// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"embargo/internal/audit"
	"embargo/internal/clock"
	"embargo/internal/deadlines"
)

// historyItem is one audit event told in words.
type historyItem struct {
	At     int64
	Actor  string
	Text   string // complete sentence, starting with the actor
	Reason string // a reason given with the change, shown after it
	Kind   string // the event's action, for styling
}

// caseFields are the content fields a case.update event may carry, in
// the order a sentence names them.
var caseFields = []string{"title", "severity", "component", "description"}

// describeEvents turns a case's audit events into history items; names
// maps user IDs to display names for assignment events.
func describeEvents(events []*audit.Event, names map[int64]string) []historyItem {
	out := make([]historyItem, 0, len(events))
	for _, e := range events {
		out = append(out, describeEvent(e, names))
	}
	return out
}

// describeEvent tells one event in words.
func describeEvent(e *audit.Event, names map[int64]string) historyItem {
	var before, after map[string]any
	// Events are written by our own code; a malformed one still gets a
	// line, just a less specific one.
	_ = json.Unmarshal(e.Before, &before)
	_ = json.Unmarshal(e.After, &after)
	it := historyItem{At: e.At, Actor: e.ActorLabel, Kind: strings.ReplaceAll(e.Action, ".", "-")}
	who := e.ActorLabel
	switch e.Action {
	case "case.create":
		it.Text = who + " created the case"
	case "case.transition":
		from, to := str(before["state"]), str(after["state"])
		it.Text = fmt.Sprintf("%s moved the case from %s → %s", who, from, to)
		if res := str(after["resolution"]); res != "" {
			it.Text += " (" + res + ")"
		}
		it.Reason = str(after["reason"])
	case "case.update":
		var parts []string
		for _, f := range caseFields {
			if _, ok := after[f]; !ok {
				continue
			}
			switch f {
			case "title":
				parts = append(parts, fmt.Sprintf("the title to “%s”", str(after[f])))
			case "description":
				parts = append(parts, "the description")
			default:
				parts = append(parts, fmt.Sprintf("the %s from %s → %s", f, orNone(str(before[f])), orNone(str(after[f]))))
			}
		}
		it.Text = who + " changed " + joinWords(parts)
		if len(parts) == 0 {
			it.Text = who + " edited the case"
		}
	case "case.assign":
		it.Text = who + " " + describeAssignment(before, after, names)
	case "case.cvss":
		it.Text = describeCVSSEvent(who, before, after)
	case "case.cwe":
		it.Text = describeCWEEvent(who, after)
	case "case.label":
		it.Text = describeLabelEvent(who, before, after)
	case "case.triage", "case.priority", "case.plan":
		it.Text = describeTriageEvent(who, e.Action, before, after)
	case "note.create":
		it.Text = who + " added a note"
	case "report.block", "report.unblock":
		what := "the address the report came from"
		if kind := str(after["kind"]) + str(before["kind"]); kind == "key" {
			what = "the reporter's OpenPGP key"
		}
		if e.Action == "report.block" {
			it.Text = who + " blocked " + what
		} else {
			it.Text = who + " unblocked " + what
		}
	case "report.create":
		it.Text = who + " reported the issue"
		if ref := str(after["reference"]); ref != "" {
			it.Text += " (report " + ref + ")"
		}
		if b, _ := after["arrived_encrypted"].(bool); b {
			it.Text += ", encrypted"
		}
		if n := num(after["attachments"]); n > 0 {
			it.Text += fmt.Sprintf(", with %s", plural(n, "attachment"))
		}
	case "report.acknowledge":
		if b, _ := after["automatic"].(bool); b {
			it.Text = "The reporter was sent the automatic acknowledgement"
		} else {
			it.Text = who + " acknowledged the report to the reporter"
		}
	case "report.message":
		if str(after["from"]) == "reporter" {
			it.Text = "The reporter wrote in the reporter thread"
		} else {
			it.Text = who + " wrote to the reporter"
		}
		if n := num(after["attachments"]); n > 0 {
			it.Text += fmt.Sprintf(", with %s", plural(n, "attachment"))
		}
	case "report.request_info":
		it.Text = who + " asked the reporter for more information; the case waits on their answer"
	case "report.no_response":
		it.Text = "The case was closed because the reporter did not answer in time"
	case "report.not_security":
		it.Text = who + " closed the case as not a security issue and told the reporter"
	case "report.credit":
		it.Text = who + " changed how the reporter is credited"
	case "report.link_reissue":
		it.Text = who + " issued the reporter a new private link; the old one no longer works"
	case "report.link_revoke":
		it.Text = who + " revoked the reporter's private link"
	case "case.duplicate":
		it.Text = who + " marked the case a duplicate of " + str(after["original"])
		if b, _ := after["credit_kept"].(bool); b {
			it.Text += "; the reporter keeps their credit there"
		}
	case "case.split":
		if from := str(after["split_from"]); from != "" {
			it.Text = who + " split this case out of " + from
		} else {
			it.Text = who + " split a second issue out of this case into " + str(after["split_out"])
		}
	case "case.link":
		switch {
		case str(after["duplicate"]) != "":
			it.Text = who + " marked " + str(after["duplicate"]) + " a duplicate of this case"
		default:
			it.Text = who + " linked this case to " + str(after["case"])
		}
	case "case.unlink":
		it.Text = who + " removed the link to " + str(before["case"])
	case "case.embargo.set", "case.embargo.extend", "case.embargo.broken", "case.embargo.refused":
		describeEmbargoEvent(&it, who, e.Action, before, after)
	case "case.participant.invite":
		it.Text = fmt.Sprintf("%s invited %s (%s) to the case as %s", who, str(after["organization"]), str(after["email"]), str(after["role"]))
	case "case.participant.accept":
		it.Text = fmt.Sprintf("%s accepted the embargo terms for %s, as %s", who, str(after["organization"]), str(after["role"]))
	case "case.participant.refuse":
		it.Text = fmt.Sprintf("%s tried to accept a participant invitation sent to %s and was refused", who, str(after["invited"]))
	case "case.participant.denied":
		it.Text = fmt.Sprintf("%s, an outside participant, tried to open %s and was refused", who, str(after["path"]))
	case "case.participant.revoke":
		it.Text = fmt.Sprintf("%s revoked the access of %s (%s)", who, str(before["organization"]), str(before["email"]))
	case "case.participant.share":
		it.Text = fmt.Sprintf("%s changed what is shared with %s", who, str(after["organization"]))
	case "deadline.reminder", "deadline.alarm":
		what := deadlines.Label(str(after["deadline"]))
		if what == "" {
			what = "a deadline"
		}
		sent := plural(num(after["recipients"]), "person")
		if e.Action == "deadline.alarm" {
			it.Text = fmt.Sprintf("The deadline “%s” was missed; an alarm went to %s", what, sent)
		} else {
			it.Text = fmt.Sprintf("The deadline “%s” is near; a reminder went to %s", what, sent)
		}
	default:
		// Every kind a case records has a sentence above (a test holds
		// that); this covers events written by a newer version.
		it.Text = who + " made a change this version cannot describe"
	}
	return it
}

// describeEmbargoEvent tells a change of the case's embargo in words.
func describeEmbargoEvent(it *historyItem, who, action string, before, after map[string]any) {
	day := func(v any) string {
		if n := num(v); n != 0 {
			return clock.FromMillis(n).UTC().Format("2 Jan 2006 15:04 UTC")
		}
		return "the policy's default"
	}
	switch action {
	case "case.embargo.set":
		it.Text = fmt.Sprintf("%s set the embargo end to %s (was %s)", who, day(after["embargo_until"]), day(before["embargo_until"]))
		if r := str(after["override_reason"]); r != "" {
			it.Text += ", beyond the policy's maximum of " + day(after["max_until"])
			it.Reason = r
		}
	case "case.embargo.extend":
		asked := str(after["asked_by"])
		if asked == "team" {
			asked = "the team"
		} else if asked == "reporter" {
			asked = "the reporter"
		}
		agreed := map[string]string{"yes": "the reporter agreed", "no": "the reporter did not agree",
			"not-asked": "the reporter was not asked"}[str(after["reporter_agreed"])]
		it.Text = fmt.Sprintf("%s extended the embargo from %s to %s, asked by %s; %s", who, day(before["embargo_until"]),
			day(after["embargo_until"]), asked, orNone(agreed))
		it.Reason = str(after["reason"])
		if r := str(after["override_reason"]); r != "" {
			it.Reason += " (beyond the policy's maximum: " + r + ")"
		}
	case "case.embargo.broken":
		it.Text = fmt.Sprintf("%s recorded the embargo as broken: seen at %s", who, str(after["where"]))
		it.Reason = str(after["reaction"])
	case "case.embargo.refused":
		it.Text = fmt.Sprintf("%s tried to set the embargo end to %s and was refused", who, day(after["embargo_until"]))
		it.Reason = str(after["error"])
	}
}

// plural says "1 attachment", "2 attachments", "2 people".
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if noun == "person" {
		return fmt.Sprintf("%d people", n)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// describeAssignment says what an assignment changed.
func describeAssignment(before, after map[string]any, names map[int64]string) string {
	var parts []string
	oldC, newC := num(before["coordinator"]), num(after["coordinator"])
	if oldC != newC {
		if newC == 0 {
			parts = append(parts, "removed the coordinator")
		} else {
			parts = append(parts, "made "+nameOr(names, newC)+" coordinator")
		}
	}
	oldA, newA := nums(before["assignees"]), nums(after["assignees"])
	var added, removed []string
	for _, id := range newA {
		if !slices.Contains(oldA, id) {
			added = append(added, nameOr(names, id))
		}
	}
	for _, id := range oldA {
		if !slices.Contains(newA, id) {
			removed = append(removed, nameOr(names, id))
		}
	}
	if len(added) > 0 {
		parts = append(parts, "assigned "+joinWords(added))
	}
	if len(removed) > 0 {
		parts = append(parts, "unassigned "+joinWords(removed))
	}
	if len(parts) == 0 {
		return "saved the assignment unchanged"
	}
	return joinWords(parts)
}

// joinWords joins "a", "b", "c" as "a, b and c".
func joinWords(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// str reads a JSON string value, or "".
func str(v any) string {
	s, _ := v.(string)
	return s
}

// orNone shows an empty value as "none".
func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// num reads a JSON number as an ID (0 when absent).
func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

// nums reads a JSON array of numbers as IDs.
func nums(v any) []int64 {
	list, _ := v.([]any)
	out := make([]int64, 0, len(list))
	for _, x := range list {
		out = append(out, num(x))
	}
	return out
}
