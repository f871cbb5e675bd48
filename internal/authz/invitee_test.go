// SPDX-License-Identifier: AGPL-3.0-or-later

package authz_test

import (
	"errors"
	"strings"
	"testing"

	"embargo/internal/authz"
	"embargo/internal/validation"
)

func TestCheckInvitee(t *testing.T) {
	tests := []struct {
		name, actor, invited string
		ok                   bool
	}{
		{"the invited address", "zed@example.test", "zed@example.test", true},
		{"another case and width", "ＺＥＤ@Example.Test", "zed@example.test", true},
		{"another account", "bob@example.test", "zed@example.test", false},
		{"a lookalike", "z\u0435d@example.test", "zed@example.test", false},
		{"same local part, other domain", "zed@example.org", "zed@example.test", false},
		{"nobody", "", "zed@example.test", false},
		{"no invited address", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := authz.CheckInvitee(tt.actor, tt.invited)
			if tt.ok {
				if err != nil {
					t.Fatalf("CheckInvitee(%q, %q) = %v, want nil", tt.actor, tt.invited, err)
				}
				return
			}
			var c *validation.Conflict
			if !errors.Is(err, authz.ErrNotInvitee) || !errors.As(err, &c) {
				t.Fatalf("CheckInvitee(%q, %q) = %v, want ErrNotInvitee as a conflict", tt.actor, tt.invited, err)
			}
			if tt.invited != "" && !strings.Contains(err.Error(), "z**@example.test") || strings.Contains(err.Error(), tt.invited+",") && tt.invited != "" {
				t.Errorf("message %q should name the invited address masked only", err)
			}
		})
	}
}
