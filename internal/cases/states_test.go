// SPDX-License-Identifier: AGPL-3.0-or-later

package cases

import "testing"

func TestTransitions(t *testing.T) {
	t.Parallel()
	legal := map[[2]string]bool{
		{StateNew, StateAcknowledged}: true, {StateNew, StateTriage}: true, {StateNew, StateRejected}: true,
		{StateNew, StateNeedsInfo}: true, {StateAcknowledged, StateNeedsInfo}: true, {StateTriage, StateNeedsInfo}: true,
		{StateNeedsInfo, StateTriage}: true, {StateNeedsInfo, StateRejected}: true,
		{StateAcknowledged, StateTriage}: true, {StateAcknowledged, StateRejected}: true,
		{StateTriage, StateAccepted}: true, {StateTriage, StateRejected}: true,
		{StateAccepted, StateFixing}: true, {StateAccepted, StateRejected}: true,
		{StateFixing, StateFixReady}: true, {StateFixing, StateRejected}: true,
		{StateFixReady, StateDisclosed}: true, {StateFixReady, StateFixing}: true,
		{StateDisclosed, StateClosed}: true,
		{StateRejected, StateTriage}:  true, {StateClosed, StateTriage}: true,
	}
	for _, from := range States {
		for _, to := range States {
			want := legal[[2]string{from, to}]
			if got := CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
	}
	for from, tos := range transitions {
		if !ValidState(from) {
			t.Errorf("transition table has unknown state %q", from)
		}
		for _, to := range tos {
			if !ValidState(to) {
				t.Errorf("transition %s → %q goes to an unknown state", from, to)
			}
		}
	}
}

func TestIsReopen(t *testing.T) {
	t.Parallel()
	if !IsReopen(StateRejected, StateTriage) || !IsReopen(StateClosed, StateTriage) {
		t.Error("moving a finished case back to triage is a reopen")
	}
	if IsReopen(StateNew, StateTriage) {
		t.Error("new → triage is not a reopen")
	}
}
