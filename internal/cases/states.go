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
	StateAccepted     = "accepted"
	StateRejected     = "rejected"
	StateFixing       = "fixing"
	StateFixReady     = "fix-ready"
	StateDisclosed    = "disclosed"
	StateClosed       = "closed"
)

// States lists every state in workflow order.
var States = []string{StateNew, StateAcknowledged, StateTriage, StateAccepted, StateRejected,
	StateFixing, StateFixReady, StateDisclosed, StateClosed}

// OpenStates are the states in which a case still needs work.
var OpenStates = []string{StateNew, StateAcknowledged, StateTriage, StateAccepted, StateFixing, StateFixReady}

// Resolutions say why a case was rejected.
var Resolutions = []string{"duplicate", "not-applicable", "informative", "spam", "wont-fix"}

// Severities a case can carry before a CVSS score refines it.
var Severities = []string{"unknown", "none", "low", "medium", "high", "critical"}

// transitions is the state machine: from → the states it may move to.
var transitions = map[string][]string{
	StateNew:          {StateAcknowledged, StateTriage, StateRejected},
	StateAcknowledged: {StateTriage, StateRejected},
	StateTriage:       {StateAccepted, StateRejected},
	StateAccepted:     {StateFixing, StateRejected},
	StateFixing:       {StateFixReady, StateRejected},
	StateFixReady:     {StateDisclosed, StateFixing},
	StateDisclosed:    {StateClosed},
	StateRejected:     {StateTriage},
	StateClosed:       {StateTriage},
}

// NextStates returns the states a case in state from may move to.
func NextStates(from string) []string {
	return slices.Clone(transitions[from])
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
