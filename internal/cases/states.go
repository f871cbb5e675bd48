// SPDX-License-Identifier: AGPL-3.0-or-later

// Package cases holds the rules of a vulnerability case: its fields and
// their limits, the state machine, assignment and internal notes. Every
// change is written with its audit event in one transaction.
package cases

import "slices"

// The states a case moves through.
const (
	StateNew          = "new"
	StateAcknowledged = "acknowledged"
	StateTriage       = "triage"
	StateNeedsInfo    = "needs-info" // waiting on the reporter's answer to a question
	StateAccepted     = "accepted"
	StateRejected     = "rejected"
	StateFixing       = "fixing"
	StateFixReady     = "fix-ready"
	StateDisclosed    = "disclosed"
	StateClosed       = "closed"
)

// States lists every state in workflow order.
var States = []string{StateNew, StateAcknowledged, StateTriage, StateNeedsInfo, StateAccepted, StateRejected,
	StateFixing, StateFixReady, StateDisclosed, StateClosed}

// OpenStates are the states in which a case still needs work.
var OpenStates = []string{StateNew, StateAcknowledged, StateTriage, StateNeedsInfo, StateAccepted, StateFixing, StateFixReady}

// Resolutions say why a case was rejected.
var Resolutions = []string{ResolutionDuplicate, "not-applicable", ResolutionNotSecurity, "informative",
	ResolutionNoResponse, ResolutionSpam, "wont-fix"}

// ManualResolutions are those a responder picks when rejecting a case by
// hand; the others come with an outcome of internal/intake.
var ManualResolutions = []string{"not-applicable", "informative", "wont-fix"}

// The resolutions that internal/intake's outcomes set, each with the
// message to the reporter that goes with it.
const (
	ResolutionDuplicate   = "duplicate"    // the same issue as another case
	ResolutionNotSecurity = "not-security" // a bug, but not a vulnerability: it belongs in the public tracker
	ResolutionNoResponse  = "no-response"  // the reporter did not answer the team's question in time
	ResolutionSpam        = "spam"
)

// Severities a case can carry before a CVSS score refines it.
var Severities = []string{"unknown", "none", "low", "medium", "high", "critical"}

// transitions is the state machine: from → the states it may move to.
var transitions = map[string][]string{
	StateNew:          {StateAcknowledged, StateTriage, StateNeedsInfo, StateRejected},
	StateAcknowledged: {StateTriage, StateNeedsInfo, StateRejected},
	StateTriage:       {StateAccepted, StateNeedsInfo, StateRejected},
	StateNeedsInfo:    {StateTriage, StateRejected},
	StateAccepted:     {StateFixing, StateRejected},
	StateFixing:       {StateFixReady, StateRejected},
	StateFixReady:     {StateDisclosed, StateFixing},
	StateDisclosed:    {StateClosed},
	StateRejected:     {StateTriage},
	StateClosed:       {StateTriage},
}

// NextStates returns the states a case in state from may move to by a
// plain transition: waiting on the reporter is left out, as only asking
// them a question (internal/intake's RequestInfo) moves a case there.
func NextStates(from string) []string {
	out := slices.Clone(transitions[from])
	return slices.DeleteFunc(out, func(s string) bool { return s == StateNeedsInfo })
}

// CanTransition reports whether from → to is a legal move.
func CanTransition(from, to string) bool {
	return slices.Contains(transitions[from], to)
}

// IsReopen reports whether from → to reopens a finished case, which needs
// a reason on record.
func IsReopen(from, to string) bool {
	return (from == StateRejected || from == StateClosed) && to == StateTriage
}

// ValidState reports whether s is a state.
func ValidState(s string) bool { return slices.Contains(States, s) }
