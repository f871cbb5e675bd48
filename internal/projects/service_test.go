// SPDX-License-Identifier: AGPL-3.0-or-later

package projects_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/projects"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
	"embargo/internal/validation"
)

func ptr[T any](v T) *T { return &v }

func newUser(t *testing.T, s *store.Store, email string) *authz.Actor {
	t.Helper()
	ctx := context.Background()
	u := &store.User{Email: email, Name: email, CreatedAt: 1, UpdatedAt: 1}
	if err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	return &authz.Actor{UserID: u.ID, Email: u.Email, Name: u.Name, Via: "test"}
}

func TestValidateSlug(t *testing.T) {
	tests := []struct {
		slug string
		ok   bool
	}{
		{"acme", true}, {"a1", true}, {"open-ssl", true},
		{"a", false}, {"Acme", false}, {"1acme", false}, {"acme-", false}, {"ac me", false},
		{"api", false}, {"abcdefghijklmnopqrstuvwxyzabcdefg", false}, {"", false}, {"acme/../x", false},
	}
	for _, tc := range tests {
		if err := projects.ValidateSlug(tc.slug); (err == nil) != tc.ok {
			t.Errorf("ValidateSlug(%q) = %v, want ok=%v", tc.slug, err, tc.ok)
		}
	}
}

func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*projects.Settings)
		field  string
	}{
		{"defaults", func(*projects.Settings) {}, ""},
		{"bad zone", func(s *projects.Settings) { s.TimeZone = "Mars/Olympus" }, "time_zone"},
		{"zero acknowledge", func(s *projects.Settings) { s.AcknowledgeBusinessDays = 0 }, "acknowledge_business_days"},
		{"default above max", func(s *projects.Settings) { s.DefaultEmbargoDays = 120 }, "default_embargo_days"},
		{"missing severity target", func(s *projects.Settings) { delete(s.FixTargetDays, "low") }, "fix_target_days"},
		{"unknown severity target", func(s *projects.Settings) { s.FixTargetDays["urgent"] = 3 }, "fix_target_days"},
		{"lower-case prefix", func(s *projects.Settings) { s.AdvisoryPrefix = "acme" }, "advisory_prefix"},
		{"good prefix", func(s *projects.Settings) { s.AdvisoryPrefix = "ACME" }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := projects.DefaultSettings()
			tc.mutate(&s)
			err := s.Validate()
			var invalid *validation.Error
			if tc.field == "" && err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if tc.field != "" && (!errors.As(err, &invalid) || invalid.Field != tc.field) {
				t.Fatalf("Validate = %v, want an error on %s", err, tc.field)
			}
		})
	}
	if s := projects.DefaultSettings(); s.MaxEmbargoDays != 90 {
		t.Errorf("default embargo ceiling %d, want 90 days", s.MaxEmbargoDays)
	}
}

func TestMembersAndInvitations(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clk := clock.NewFake(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
		svc := &projects.Service{Store: s, Clock: clk}
		lead := newUser(t, s, "lead@example.org")
		p, err := svc.Create(ctx, lead, "acme", projects.Input{Name: ptr("Acme")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Create(ctx, lead, "acme", projects.Input{Name: ptr("Again")}); !isConflict(err) {
			t.Errorf("duplicate slug: %v, want conflict", err)
		}
		// The creator is the only admin and cannot be demoted or removed.
		if _, err := svc.SetMember(ctx, lead, p, "lead@example.org", "viewer"); !isConflict(err) {
			t.Errorf("demote last admin: %v, want conflict", err)
		}
		if err := svc.RemoveMember(ctx, lead, p, lead.UserID); !isConflict(err) {
			t.Errorf("remove last admin: %v, want conflict", err)
		}
		if _, err := svc.SetMember(ctx, lead, p, "nobody@example.org", "viewer"); err == nil {
			t.Error("adding an unknown email must fail")
		}

		in, secret, err := svc.Invite(ctx, lead, p, "Mate@Example.org", "responder")
		if err != nil {
			t.Fatal(err)
		}
		if in.Email != "mate@example.org" {
			t.Errorf("invitation email %q not normalised", in.Email)
		}
		if _, _, err := svc.Invitation(ctx, "inv_wrong"); err == nil {
			t.Error("a wrong secret must not find an invitation")
		}
		uid, err := svc.Accept(ctx, authz.Anonymous, secret, &projects.NewAccount{Name: "Mate", PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		members, _ := svc.Members(ctx, p.ID)
		if len(members) != 2 {
			t.Fatalf("members = %d, want 2", len(members))
		}
		for _, m := range members {
			if m.UserID == uid && m.Role != "responder" {
				t.Errorf("invitee role %s, want responder", m.Role)
			}
		}
		if _, err := svc.Accept(ctx, authz.Anonymous, secret, &projects.NewAccount{Name: "Again", PasswordHash: "x"}); err == nil {
			t.Error("an invitation must work only once")
		}
		// Expired invitations are refused.
		_, secret2, _ := svc.Invite(ctx, lead, p, "late@example.org", "viewer")
		clk.Advance(projects.InvitationTTL + time.Minute)
		if _, err := svc.Accept(ctx, authz.Anonymous, secret2, &projects.NewAccount{Name: "Late", PasswordHash: "x"}); err == nil {
			t.Error("an expired invitation must be refused")
		}
	})
}

func isConflict(err error) bool {
	var c *validation.Conflict
	return errors.As(err, &c)
}
