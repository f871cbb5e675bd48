// SPDX-License-Identifier: AGPL-3.0-or-later

package cases

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"embargo/internal/audit"
	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/identity"
	"embargo/internal/projects"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// Participant roles: who a third party is to the case.
const (
	ParticipantVendor      = "vendor"
	ParticipantDownstream  = "downstream"
	ParticipantUpstream    = "upstream"
	ParticipantCoordinator = "coordinator" // e.g. a national CERT
)

// ParticipantRoles lists the valid participant roles.
var ParticipantRoles = []string{ParticipantVendor, ParticipantDownstream, ParticipantUpstream, ParticipantCoordinator}

// Participant field limits.
const (
	MaxOrganization = 200
	MaxInviteNote   = 4000
	MaxShared       = 32 * 1024
)

// ParticipantLinkPrefix starts every participant link secret, so that a
// leaked link is recognisable.
const ParticipantLinkPrefix = "par_"

// Participant statuses, as both faces show them.
const (
	StatusInvited  = "invited"
	StatusAccepted = "accepted"
	StatusRevoked  = "revoked"
)

// ParticipantStatus says where participant p stands.
func ParticipantStatus(p *store.Participant) string {
	switch {
	case p.RevokedAt != 0:
		return StatusRevoked
	case p.AcceptedAt != 0:
		return StatusAccepted
	}
	return StatusInvited
}

// Invitee is whom the team invites to a case and what it shares.
type Invitee struct {
	Email        string
	Organization string
	Role         string
	Message      string
	// Summary is what the team shares with the participant (summary,
	// affected versions, patch), in plain text; it may be set later.
	Summary string
}

// InviteParticipant invites in to case key and returns the participant
// with the one-time secret of its link (only the hash is stored). Invalid
// input is a *validation.Error naming the field and changes nothing.
func (s *Service) InviteParticipant(ctx context.Context, actor *authz.Actor, key string, in Invitee) (*store.Participant, string, error) {
	email, err := identity.Email("email", in.Email)
	if err != nil {
		return nil, "", err
	}
	org, err := validation.Text("organization", in.Organization, true, MaxOrganization, false)
	if err != nil {
		return nil, "", err
	}
	if err := validation.OneOf("role", in.Role, ParticipantRoles...); err != nil {
		return nil, "", err
	}
	msg, err := validation.Text("message", in.Message, false, MaxInviteNote, true)
	if err != nil {
		return nil, "", err
	}
	summary, err := validation.Text("summary", in.Summary, false, MaxShared, true)
	if err != nil {
		return nil, "", err
	}
	secret, err := authz.NewSecret(ParticipantLinkPrefix)
	if err != nil {
		return nil, "", err
	}
	var p *store.Participant
	err = s.Store.Write(ctx, func(tx *store.Tx) error {
		c, err := load(ctx, tx, key)
		if err != nil {
			return err
		}
		p = &store.Participant{CaseID: c.ID, Email: email, Organization: org, Role: in.Role, Message: msg,
			InvitedBy: actor.UserID, InvitedAt: clock.Millis(s.Clock.Now()), TokenHash: authz.HashSecret(secret),
			Summary: summary}
		if err := tx.CreateParticipant(ctx, p); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "case.participant.invite", c, "participant", strconv.FormatInt(p.ID, 10), nil,
			map[string]any{"email": p.Email, "organization": org, "role": p.Role})
	})
	if err != nil {
		return nil, "", err
	}
	return p, secret, nil
}

// Participants lists case c's participants, revoked ones too.
func (s *Service) Participants(ctx context.Context, c *store.Case) ([]*store.Participant, error) {
	var out []*store.Participant
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListParticipants(ctx, c.ID)
		return err
	})
	return out, err
}

// RevokeParticipant ends participant id's access to case key at once,
// accepted or not. Returns a *validation.NotFound if the case has no such
// unrevoked participant.
func (s *Service) RevokeParticipant(ctx context.Context, actor *authz.Actor, key string, id int64) error {
	return s.Store.Write(ctx, func(tx *store.Tx) error {
		c, err := load(ctx, tx, key)
		if err != nil {
			return err
		}
		p, err := tx.Participant(ctx, c.ID, id)
		if err == nil {
			err = tx.RevokeParticipant(ctx, c.ID, id, clock.Millis(s.Clock.Now()))
		}
		if errors.Is(err, store.ErrNotFound) {
			return &validation.NotFound{What: "participant"}
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "case.participant.revoke", c, "participant", strconv.FormatInt(id, 10),
			map[string]any{"email": p.Email, "organization": p.Organization}, nil)
	})
}

// ShareWithParticipant replaces what participant id of case key sees.
func (s *Service) ShareWithParticipant(ctx context.Context, actor *authz.Actor, key string, id int64, summary string) error {
	summary, err := validation.Text("summary", summary, false, MaxShared, true)
	if err != nil {
		return err
	}
	return s.Store.Write(ctx, func(tx *store.Tx) error {
		c, err := load(ctx, tx, key)
		if err != nil {
			return err
		}
		p, err := tx.Participant(ctx, c.ID, id)
		if err == nil {
			err = tx.SetParticipantSummary(ctx, c.ID, id, summary)
		}
		if errors.Is(err, store.ErrNotFound) {
			return &validation.NotFound{What: "participant"}
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "case.participant.share", c, "participant", strconv.FormatInt(id, 10),
			map[string]any{"summary": p.Summary}, map[string]any{"summary": summary, "organization": p.Organization})
	})
}

// Terms are the embargo terms an invitee accepts before seeing anything
// of the case: the rule, the end date and the project's own words. They
// never name the case's title or content.
type Terms struct {
	Participant *store.Participant
	Project     *store.Project
	CaseKey     string
	Embargo     *Embargo
	// Rule is the obligation the participant takes on.
	Rule string
	// Private is the project policy's statement of what stays private.
	Private string
}

func termsFor(ctx context.Context, tx *store.Tx, p *store.Participant) (*Terms, error) {
	c, err := tx.CaseByID(ctx, p.CaseID, false)
	if err != nil {
		return nil, err
	}
	proj, err := tx.ProjectByID(ctx, c.ProjectID)
	if err != nil {
		return nil, err
	}
	set, err := projects.ParseSettings(proj.Settings)
	if err != nil {
		return nil, err
	}
	e, err := loadEmbargo(ctx, tx, c)
	if err != nil {
		return nil, err
	}
	rule := fmt.Sprintf("Nothing you learn about this case may be published, or shared beyond %s, before the embargo ends. "+
		"If you need to share it with anyone else, or believe the issue is public, tell the %s security team first.",
		p.Organization, proj.Name)
	return &Terms{Participant: p, Project: proj, CaseKey: c.Key, Embargo: e, Rule: rule,
		Private: set.PrivateDetails}, nil
}

// ParticipantTerms returns the terms behind an unrevoked participant link,
// or a *validation.NotFound for an unknown or revoked one.
func (s *Service) ParticipantTerms(ctx context.Context, secret string) (*Terms, error) {
	var t *Terms
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		p, err := tx.ParticipantByHash(ctx, authz.HashSecret(secret))
		if errors.Is(err, store.ErrNotFound) {
			return &validation.NotFound{What: "participant link (it may have been revoked)"}
		}
		if err != nil {
			return err
		}
		t, err = termsFor(ctx, tx, p)
		return err
	})
	return t, err
}

// AcceptParticipation accepts the embargo terms behind the participant
// link secret and returns the case's key. A signed-in actor accepts as
// themselves, and only if the link was sent to their email
// (authz.CheckInvitee): anyone else is refused, the refusal is recorded as
// a "case.participant.refuse" event and the link stays open for its
// invitee. A visitor creates account, under the invited email. The
// acceptance records the time and the account.
func (s *Service) AcceptParticipation(ctx context.Context, actor *authz.Actor, secret string, account *projects.NewAccount) (string, error) {
	var key string
	var refused error
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		refused = nil
		now := clock.Millis(s.Clock.Now())
		p, err := tx.ParticipantByHash(ctx, authz.HashSecret(secret))
		if errors.Is(err, store.ErrNotFound) {
			return &validation.NotFound{What: "participant link (it may have been revoked)"}
		}
		if err != nil {
			return err
		}
		c, err := tx.CaseByID(ctx, p.CaseID, false)
		if err != nil {
			return err
		}
		key = c.Key
		if p.AcceptedAt != 0 {
			return validation.Conflictf("this invitation was already accepted; sign in as %s to open the case", identity.Mask(p.Email))
		}
		who := actor
		var created *store.User
		if actor.Authenticated() {
			if err := authz.CheckInvitee(actor.Email, p.Email); err != nil {
				refused = err
				return s.record(ctx, tx, actor, "case.participant.refuse", c, "participant", strconv.FormatInt(p.ID, 10), nil,
					map[string]any{"account": actor.Email, "invited": p.Email})
			}
		} else {
			if account == nil {
				return validation.Errorf("", "sign in or create an account to accept")
			}
			name, err := validation.Text("name", account.Name, true, projects.MaxName, false)
			if err != nil {
				return err
			}
			if like, err := authz.Resembled(ctx, tx, p.Email); err != nil {
				return err
			} else if like != "" {
				return validation.Conflictf("an account with an address that looks like this one exists; ask the team that invited you")
			}
			u := &store.User{Email: p.Email, Name: name, PasswordHash: account.PasswordHash, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateUser(ctx, u); err != nil {
				if errors.Is(err, store.ErrConflict) {
					return validation.Conflictf("an account with this email exists; sign in first, then open the link again")
				}
				return err
			}
			who = &authz.Actor{UserID: u.ID, Email: u.Email, Name: u.Name, Via: "participant link"}
			created = u
		}
		if err := tx.AcceptParticipant(ctx, p.ID, who.UserID, now); err != nil {
			return err
		}
		if created != nil {
			e, err := audit.NewEvent(now, who.UserID, who.Label(), "user.create", nil,
				map[string]any{"email": created.Email, "name": created.Name})
			if err != nil {
				return err
			}
			e.ProjectID, e.SubjectType, e.SubjectID = c.ProjectID, "user", created.Email
			if err := tx.AppendEvent(ctx, e); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, who, "case.participant.accept", c, "participant", strconv.FormatInt(p.ID, 10), nil,
			map[string]any{"organization": p.Organization, "role": p.Role, "account": who.Email, "accepted_at": now})
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return key, fmt.Errorf("cases: accept participation: %w", err)
	}
	return key, nil
}

// ParticipantView is what an accepted participant sees of a case: never
// its title, description, notes, reporter or threads, only what was shared.
type ParticipantView struct {
	*Terms
	Countdown string
}

// ParticipantViewOf returns what actor, an accepted participant of case c,
// sees, or a *validation.NotFound when they are none (any more).
func (s *Service) ParticipantViewOf(ctx context.Context, actor *authz.Actor, c *store.Case, now time.Time) (*ParticipantView, error) {
	var v *ParticipantView
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		p, err := tx.ParticipantOf(ctx, c.ID, actor.UserID)
		if errors.Is(err, store.ErrNotFound) {
			return &validation.NotFound{What: "case " + c.Key}
		}
		if err != nil {
			return err
		}
		t, err := termsFor(ctx, tx, p)
		if err != nil {
			return err
		}
		v = &ParticipantView{Terms: t, Countdown: t.Embargo.Countdown(now)}
		return nil
	})
	return v, err
}

// maxRecordedPath bounds the path a refusal records.
const maxRecordedPath = 200

// refusalsRecorded bounds the refusals recorded per participant (and
// store, so that tests on separate databases do not share counts).
var refusalsRecorded = authz.NewLimiter(maxRecordedRefusals, time.Hour, nil)

// maxRecordedRefusals is how many refusals of one participant an hour go
// on record.
const maxRecordedRefusals = 30

// RecordParticipantRefusal records, as a "case.participant.denied" event,
// that actor, a participant of some case and no member of c's project,
// was refused a route of case c (nil: a key that names no case). Refusals
// of anyone else are not recorded here.
func (s *Service) RecordParticipantRefusal(ctx context.Context, actor *authz.Actor, c *store.Case, action authz.Action, path string) error {
	if !actor.Authenticated() || c != nil && actor.Role(c.ProjectID) != "" {
		return nil
	}
	if len(path) > maxRecordedPath {
		path = path[:maxRecordedPath]
	}
	// Most refused actors are no participant: find that out without
	// taking the writer.
	participates := false
	if err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		participates, err = tx.ParticipatesAnywhere(ctx, actor.UserID)
		return err
	}); err != nil || !participates {
		return err
	}
	// A participant who keeps asking for what they may not see would
	// otherwise grow the audit log without bound: the first refusals in
	// an hour are on record, which is what a coordinator needs to act.
	if !refusalsRecorded.Allow(fmt.Sprintf("%p:%d", s.Store, actor.UserID)) {
		return nil
	}
	return s.Store.Write(ctx, func(tx *store.Tx) error {
		e, err := audit.NewEvent(clock.Millis(s.Clock.Now()), actor.UserID, actor.Label(), "case.participant.denied", nil,
			map[string]any{"path": path, "action": string(action)})
		if err != nil {
			return err
		}
		e.SubjectType, e.SubjectID = "user", actor.Email
		if c != nil {
			e.ProjectID, e.CaseID = c.ProjectID, c.ID
		}
		return tx.AppendEvent(ctx, e)
	})
}
