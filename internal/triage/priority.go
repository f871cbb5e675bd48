// SPDX-License-Identifier: AGPL-3.0-or-later

package triage

// Priorities, most urgent first.
var Priorities = []string{"P1", "P2", "P3", "P4"}

// Exploitation statuses.
const (
	ExploitNone    = "none"
	ExploitPoC     = "public-poc"
	ExploitKnown   = "known-exploited"
	SourceDerived  = "derived"
	SourceOverride = "override"
)

// Exploitations lists the exploitation statuses, least urgent first.
var Exploitations = []string{ExploitNone, ExploitPoC, ExploitKnown}

// priorityTable is the documented table (docs/triage.md): rows by
// severity, columns none, public-poc, known-exploited. A severity not yet
// known counts as medium until it is assessed.
var priorityTable = map[string][3]string{
	"critical": {"P2", "P1", "P1"},
	"high":     {"P2", "P2", "P1"},
	"medium":   {"P3", "P3", "P2"},
	"unknown":  {"P3", "P3", "P2"},
	"low":      {"P4", "P4", "P3"},
	"none":     {"P4", "P4", "P4"},
}

// DerivePriority returns the priority for a severity (the CVSS rating,
// lower-cased, or the case's severity) and an exploitation status; an
// unrecognised severity counts as "unknown", an unrecognised exploitation
// status as none.
func DerivePriority(severity, exploitation string) string {
	row, ok := priorityTable[severity]
	if !ok {
		row = priorityTable["unknown"]
	}
	switch exploitation {
	case ExploitKnown:
		return row[2]
	case ExploitPoC:
		return row[1]
	}
	return row[0]
}
