// SPDX-License-Identifier: AGPL-3.0-or-later

package projects

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"embargo/internal/audit"
	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/identity"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// Limits on project fields.
const (
	MaxName        = 100
	MaxDescription = 4000
	// InvitationTTL is how long an invitation link stays valid unless
	// Service.InvitationTTL says otherwise.
	InvitationTTL = 7 * 24 * time.Hour
)

var slugPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}[a-z0-9]$`)

// reservedSlugs would collide with routes or confuse readers of case keys.
var reservedSlugs = map[string]bool{"api": true, "new": true, "admin": true, "static": true, "setup": true, "login": true}

// ValidateSlug checks a project slug: 2 to 32 lowercase letters, digits and
// dashes, starting with a letter. It becomes the case-key prefix.
func ValidateSlug(slug string) error {
	if err := validation.RefuseDeceptive("slug", slug); err != nil {
		return err
	}
	if !slugPattern.MatchString(slug) {
		return validation.Errorf("slug", "must be 2 to 32 lowercase letters, digits or dashes, start with a letter and not end with a dash")
	}
	if reservedSlugs[slug] {
		return validation.Errorf("slug", "%q is reserved", slug)
	}
	return nil
}

// Service changes and reads projects.
type Service struct {
	Store *store.Store
	Clock clock.Clock
	// InvitationTTL is how long a new invitation stays valid; 0 means the
	// default, InvitationTTL (the invitation-ttl setting).
	InvitationTTL time.Duration
}

func (s *Service) record(ctx context.Context, tx *store.Tx, actor *authz.Actor, action string, projectID int64, subjectType, subjectID string, before, after any) error {
	e, err := audit.NewEvent(clock.Millis(s.Clock.Now()), actor.UserID, actor.Label(), action, before, after)
	if err != nil {
		return err
	}
	e.ProjectID, e.SubjectType, e.SubjectID = projectID, subjectType, subjectID
	return tx.AppendEvent(ctx, e)
}

// Input is the editable content of a project; nil fields stay unchanged
// on update.
type Input struct {
	Name        *string
	Description *string
	RequireMFA  *bool
	Settings    *Settings
}

func (in *Input) apply(p *store.Project) error {
	var err error
	if in.Name != nil {
		if p.Name, err = validation.Text("name", *in.Name, true, MaxName, false); err != nil {
			return err
		}
	}
	if in.Description != nil {
		if p.Description, err = validation.Text("description", *in.Description, false, MaxDescription, true); err != nil {
			return err
		}
	}
	if in.RequireMFA != nil {
		p.RequireMFA = *in.RequireMFA
	}
	if in.Settings != nil {
		if err := in.Settings.Validate(); err != nil {
			return err
		}
		p.Settings = in.Settings.Encode()
	}
	return nil
}

func snapshot(p *store.Project) map[string]any {
	return map[string]any{"slug": p.Slug, "name": p.Name, "description": p.Description,
		"require_mfa": p.RequireMFA, "settings": p.Settings, "archived": p.ArchivedAt != 0}
}

// Create makes a project; its creator becomes its first admin.
func (s *Service) Create(ctx context.Context, actor *authz.Actor, slug string, in Input) (*store.Project, error) {
	if err := ValidateSlug(slug); err != nil {
		return nil, err
	}
	now := clock.Millis(s.Clock.Now())
	p := &store.Project{Slug: slug, Settings: DefaultSettings().Encode(), CreatedAt: now, UpdatedAt: now}
	if in.Name == nil {
		in.Name = new(string)
	}
	if err := in.apply(p); err != nil {
		return nil, err
	}
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateProject(ctx, p); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return validation.Conflictf("a project with slug %q already exists", slug)
			}
			return err
		}
		if err := s.record(ctx, tx, actor, "project.create", p.ID, "project", p.Slug, nil, snapshot(p)); err != nil {
			return err
		}
		if actor.UserID == 0 {
			return nil
		}
		m := &store.Member{ProjectID: p.ID, UserID: actor.UserID, Role: string(authz.RoleAdmin), CreatedAt: now}
		if err := tx.SetMember(ctx, m); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "member.add", p.ID, "user", actor.Email, nil, map[string]any{"role": m.Role})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func loadProject(ctx context.Context, tx *store.Tx, slug string) (*store.Project, error) {
	p, err := tx.ProjectBySlug(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		return nil, &validation.NotFound{What: "project " + slug}
	}
	return p, err
}

// Get returns a project by slug.
func (s *Service) Get(ctx context.Context, slug string) (*store.Project, error) {
	var p *store.Project
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		p, err = loadProject(ctx, tx, slug)
		return err
	})
	return p, err
}

// ListFor returns the projects actor may see: all for an instance admin,
// else those they are a member of.
func (s *Service) ListFor(ctx context.Context, actor *authz.Actor) ([]*store.Project, error) {
	var out []*store.Project
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		if actor.InstanceAdmin {
			out, err = tx.ListProjects(ctx)
		} else {
			out, err = tx.ListProjectsOfUser(ctx, actor.UserID)
		}
		return err
	})
	return out, err
}

// Update changes a project's content and settings.
func (s *Service) Update(ctx context.Context, actor *authz.Actor, slug string, in Input) (*store.Project, error) {
	var p *store.Project
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		var err error
		if p, err = loadProject(ctx, tx, slug); err != nil {
			return err
		}
		before := snapshot(p)
		if err := in.apply(p); err != nil {
			return err
		}
		p.UpdatedAt = clock.Millis(s.Clock.Now())
		if err := tx.UpdateProject(ctx, p); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "project.update", p.ID, "project", p.Slug, before, snapshot(p))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// SetArchived archives (read-only) or restores a project.
func (s *Service) SetArchived(ctx context.Context, actor *authz.Actor, slug string, archived bool) (*store.Project, error) {
	var p *store.Project
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		var err error
		if p, err = loadProject(ctx, tx, slug); err != nil {
			return err
		}
		if (p.ArchivedAt != 0) == archived {
			return nil
		}
		now := clock.Millis(s.Clock.Now())
		p.ArchivedAt, p.UpdatedAt = 0, now
		action := "project.unarchive"
		if archived {
			p.ArchivedAt, action = now, "project.archive"
		}
		if err := tx.UpdateProject(ctx, p); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, action, p.ID, "project", p.Slug, map[string]any{"archived": !archived}, map[string]any{"archived": archived})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Members returns a project's members.
func (s *Service) Members(ctx context.Context, projectID int64) ([]*store.Member, error) {
	var out []*store.Member
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListMembers(ctx, projectID)
		return err
	})
	return out, err
}

// SetMember adds an existing user (by email) to the project or changes
// their role.
func (s *Service) SetMember(ctx context.Context, actor *authz.Actor, p *store.Project, email, role string) (*store.Member, error) {
	if !authz.ValidRole(role) {
		return nil, validation.Errorf("role", "must be one of admin, responder, viewer")
	}
	var m *store.Member
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByEmail(ctx, email)
		if errors.Is(err, store.ErrNotFound) {
			return validation.Errorf("email", "no account has this email; send an invitation instead")
		}
		if err != nil {
			return err
		}
		old, err := tx.Membership(ctx, p.ID, u.ID)
		var before any
		if err == nil {
			before = map[string]any{"role": old.Role}
			if old.Role == string(authz.RoleAdmin) && role != string(authz.RoleAdmin) {
				if err := lastAdminGuard(ctx, tx, p.ID); err != nil {
					return err
				}
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		m = &store.Member{ProjectID: p.ID, UserID: u.ID, Role: role, CreatedAt: clock.Millis(s.Clock.Now()), Email: u.Email, Name: u.Name}
		if err := tx.SetMember(ctx, m); err != nil {
			return err
		}
		action := "member.add"
		if before != nil {
			action = "member.role"
		}
		return s.record(ctx, tx, actor, action, p.ID, "user", u.Email, before, map[string]any{"role": role})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// lastAdminGuard refuses a change that would leave a project without an admin.
func lastAdminGuard(ctx context.Context, tx *store.Tx, projectID int64) error {
	members, err := tx.ListMembers(ctx, projectID)
	if err != nil {
		return err
	}
	admins := 0
	for _, m := range members {
		if m.Role == string(authz.RoleAdmin) {
			admins++
		}
	}
	if admins <= 1 {
		return validation.Conflictf("a project needs at least one admin; make someone else admin first")
	}
	return nil
}

// RemoveMember takes a user out of a project.
func (s *Service) RemoveMember(ctx context.Context, actor *authz.Actor, p *store.Project, userID int64) error {
	return s.Store.Write(ctx, func(tx *store.Tx) error {
		m, err := tx.Membership(ctx, p.ID, userID)
		if errors.Is(err, store.ErrNotFound) {
			return &validation.NotFound{What: "member"}
		}
		if err != nil {
			return err
		}
		if m.Role == string(authz.RoleAdmin) {
			if err := lastAdminGuard(ctx, tx, p.ID); err != nil {
				return err
			}
		}
		if err := tx.RemoveMember(ctx, p.ID, userID); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "member.remove", p.ID, "user", m.Email, map[string]any{"role": m.Role}, nil)
	})
}

// Invite creates an invitation and returns it with the one-time secret for
// the link (only its hash is stored).
func (s *Service) Invite(ctx context.Context, actor *authz.Actor, p *store.Project, email, role string) (*store.Invitation, string, error) {
	email, err := identity.Email("email", email)
	if err != nil {
		return nil, "", err
	}
	if !authz.ValidRole(role) {
		return nil, "", validation.Errorf("role", "must be one of admin, responder, viewer")
	}
	secret, err := authz.NewSecret("inv_")
	if err != nil {
		return nil, "", err
	}
	now := s.Clock.Now()
	ttl := cmp.Or(s.InvitationTTL, InvitationTTL)
	in := &store.Invitation{ProjectID: p.ID, Email: email, Role: role, TokenHash: authz.HashSecret(secret),
		InvitedBy: actor.UserID, CreatedAt: clock.Millis(now), ExpiresAt: clock.Millis(now.Add(ttl))}
	err = s.Store.Write(ctx, func(tx *store.Tx) error {
		// Masked: the inviting admin needs to see a typo, not learn who
		// else has an account here.
		if like, err := authz.Resembled(ctx, tx, email); err != nil {
			return err
		} else if like != "" {
			return validation.Errorf("email", "looks like the address of an existing account, %s, but is a different one; check the spelling", identity.Mask(like))
		}
		if err := tx.CreateInvitation(ctx, in); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "invitation.create", p.ID, "invitation", strconv.FormatInt(in.ID, 10), nil,
			map[string]any{"email": in.Email, "role": role, "expires_at": in.ExpiresAt})
	})
	if err != nil {
		return nil, "", err
	}
	return in, secret, nil
}

// OpenInvitations lists a project's pending invitations.
func (s *Service) OpenInvitations(ctx context.Context, projectID int64) ([]*store.Invitation, error) {
	var out []*store.Invitation
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListOpenInvitations(ctx, projectID, clock.Millis(s.Clock.Now()))
		return err
	})
	return out, err
}

// RevokeInvitation cancels a pending invitation.
func (s *Service) RevokeInvitation(ctx context.Context, actor *authz.Actor, p *store.Project, id int64) error {
	return s.Store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.RevokeInvitation(ctx, p.ID, id, clock.Millis(s.Clock.Now())); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return &validation.NotFound{What: "invitation"}
			}
			return err
		}
		return s.record(ctx, tx, actor, "invitation.revoke", p.ID, "invitation", strconv.FormatInt(id, 10), nil, nil)
	})
}

// Invitation looks up an open invitation by its secret, with its project.
func (s *Service) Invitation(ctx context.Context, secret string) (*store.Invitation, *store.Project, error) {
	var in *store.Invitation
	var p *store.Project
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		in, err = tx.InvitationByHash(ctx, authz.HashSecret(secret), clock.Millis(s.Clock.Now()))
		if errors.Is(err, store.ErrNotFound) {
			return &validation.NotFound{What: "invitation (it may have expired or been used)"}
		}
		if err != nil {
			return err
		}
		p, err = tx.ProjectByID(ctx, in.ProjectID)
		return err
	})
	return in, p, err
}

// NewAccount is the account an invitee creates when accepting.
type NewAccount struct {
	Name         string
	PasswordHash string
}

// Accept joins the project named by the invitation secret. A signed-in
// actor joins as themselves, and only if the invitation was sent to their
// email (authz.CheckInvitee): anyone else is refused, the refusal is
// recorded as an "invitation.refuse" event and the invitation stays open
// for its invitee. Otherwise account creates a user with the invited
// email. It returns the member's user ID.
func (s *Service) Accept(ctx context.Context, actor *authz.Actor, secret string, account *NewAccount) (int64, error) {
	var userID int64
	var created *store.User
	var refused error
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		created, refused = nil, nil
		now := clock.Millis(s.Clock.Now())
		in, err := tx.InvitationByHash(ctx, authz.HashSecret(secret), now)
		if errors.Is(err, store.ErrNotFound) {
			return &validation.NotFound{What: "invitation (it may have expired or been used)"}
		}
		if err != nil {
			return err
		}
		who := actor
		if actor.Authenticated() {
			if err := authz.CheckInvitee(actor.Email, in.Email); err != nil {
				// Commit the refusal's event, and nothing else.
				refused = err
				return s.record(ctx, tx, actor, "invitation.refuse", in.ProjectID, "invitation", strconv.FormatInt(in.ID, 10), nil,
					map[string]any{"account": actor.Email, "invited": in.Email})
			}
			userID = actor.UserID
		} else {
			if account == nil {
				return validation.Errorf("", "sign in or create an account to accept")
			}
			name, err := validation.Text("name", account.Name, true, MaxName, false)
			if err != nil {
				return err
			}
			if like, err := authz.Resembled(ctx, tx, in.Email); err != nil {
				return err
			} else if like != "" {
				return validation.Conflictf("an account with an address that looks like this one was created since you were invited; ask the project's admins")
			}
			u := &store.User{Email: in.Email, Name: name, PasswordHash: account.PasswordHash, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateUser(ctx, u); err != nil {
				if errors.Is(err, store.ErrConflict) {
					return validation.Conflictf("an account with this email exists; sign in first, then open the link again")
				}
				return err
			}
			userID = u.ID
			who = &authz.Actor{UserID: u.ID, Email: u.Email, Name: u.Name, Via: "invitation"}
			created = u
		}
		if err := tx.AcceptInvitation(ctx, in.ID, userID, now); err != nil {
			return err
		}
		role := in.Role
		if old, err := tx.Membership(ctx, in.ProjectID, userID); err == nil && old.Role == string(authz.RoleAdmin) {
			role = old.Role // never demote an admin by accepting a lesser invitation
		}
		if err := tx.SetMember(ctx, &store.Member{ProjectID: in.ProjectID, UserID: userID, Role: role, CreatedAt: now}); err != nil {
			return err
		}
		// Events last: on PostgreSQL appending locks the log head, and taking
		// it after the row locks keeps every transaction's lock order alike.
		if created != nil {
			if err := s.record(ctx, tx, who, "user.create", in.ProjectID, "user", created.Email, nil,
				map[string]any{"email": created.Email, "name": created.Name}); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, who, "invitation.accept", in.ProjectID, "invitation", strconv.FormatInt(in.ID, 10), nil,
			map[string]any{"role": role})
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return 0, fmt.Errorf("projects: accept invitation: %w", err)
	}
	return userID, nil
}

// ExpireInvitations records an "invitation.expire" event for each
// invitation whose time ran out unused, once; a periodic task. It returns
// how many expired.
func (s *Service) ExpireInvitations(ctx context.Context) (int, error) {
	n := 0
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		expired, err := tx.ExpireInvitations(ctx, clock.Millis(s.Clock.Now()))
		if err != nil {
			return err
		}
		n = len(expired)
		system := &authz.Actor{Via: "system"}
		for _, in := range expired {
			if err := s.record(ctx, tx, system, "invitation.expire", in.ProjectID, "invitation", strconv.FormatInt(in.ID, 10), nil,
				map[string]any{"email": in.Email, "expires_at": in.ExpiresAt}); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// MemberProjects returns the projects userID is a member of, by name.
// Unlike ListFor it never widens to every project for an instance admin,
// so it answers "where do I have a role".
func (s *Service) MemberProjects(ctx context.Context, userID int64) ([]*store.Project, error) {
	var out []*store.Project
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListProjectsOfUser(ctx, userID)
		return err
	})
	return out, err
}
