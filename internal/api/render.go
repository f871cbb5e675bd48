// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"encoding/json"
	"time"

	"embargo/internal/audit"
	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/projects"
	"embargo/internal/store"
)

// The response shapes. Keys are snake_case; every key is always present,
// with null for "none" (no coordinator, never used, not archived), so
// clients need no special case for a missing key. openapi.json describes
// each of them; keep the two in step.

// timeLayout is RFC 3339 in UTC with fixed millisecond precision, the
// precision the store keeps; fixed width makes the strings sort in time
// order.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// timestamp renders stored UTC Unix milliseconds as RFC 3339, and 0 (never)
// as null.
type timestamp int64

// MarshalJSON implements json.Marshaler.
func (t timestamp) MarshalJSON() ([]byte, error) {
	if t == 0 {
		return []byte("null"), nil
	}
	return []byte(`"` + time.UnixMilli(int64(t)).UTC().Format(timeLayout) + `"`), nil
}

// optionalID renders a user or row ID, and 0 (none) as null.
type optionalID int64

// MarshalJSON implements json.Marshaler.
func (id optionalID) MarshalJSON() ([]byte, error) {
	if id == 0 {
		return []byte("null"), nil
	}
	return json.Marshal(int64(id))
}

// optionalString renders "" as null.
func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// projectSummaryJSON is what anyone who can list a project sees of it.
type projectSummaryJSON struct {
	ID          int64     `json:"id"`
	Slug        string    `json:"slug"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	RequireMFA  bool      `json:"require_mfa"`
	Archived    bool      `json:"archived"`
	ArchivedAt  timestamp `json:"archived_at"`
	Role        *string   `json:"role"` // the caller's; null when not a member
	CreatedAt   timestamp `json:"created_at"`
	UpdatedAt   timestamp `json:"updated_at"`
}

// projectJSON is a project with its policy settings, for its members.
type projectJSON struct {
	projectSummaryJSON
	Settings projects.Settings `json:"settings"`
}

func projectSummary(p *store.Project, actor *authz.Actor) projectSummaryJSON {
	return projectSummaryJSON{ID: p.ID, Slug: p.Slug, Name: p.Name, Description: p.Description,
		RequireMFA: p.RequireMFA, Archived: p.ArchivedAt != 0, ArchivedAt: timestamp(p.ArchivedAt),
		Role: optionalString(string(actor.Role(p.ID))), CreatedAt: timestamp(p.CreatedAt), UpdatedAt: timestamp(p.UpdatedAt)}
}

func projectFull(p *store.Project, actor *authz.Actor) (projectJSON, error) {
	s, err := projects.ParseSettings(p.Settings)
	if err != nil {
		return projectJSON{}, err
	}
	return projectJSON{projectSummaryJSON: projectSummary(p, actor), Settings: s}, nil
}

type caseJSON struct {
	ID             int64      `json:"id"`
	Key            string     `json:"key"`
	Number         int64      `json:"number"`
	Project        string     `json:"project"`
	Title          string     `json:"title"`
	Description    string     `json:"description"`
	Severity       string     `json:"severity"`
	Component      string     `json:"component"`
	State          string     `json:"state"`
	Resolution     *string    `json:"resolution"`
	NextStates     []string   `json:"next_states"`
	CoordinatorID  optionalID `json:"coordinator_id"`
	AssigneeIDs    []int64    `json:"assignee_ids"`
	CreatedBy      optionalID `json:"created_by"`
	CreatedAt      timestamp  `json:"created_at"`
	UpdatedAt      timestamp  `json:"updated_at"`
	CVSS           *cvssJSON  `json:"cvss"`            // null when the case has no score
	CWEIDs         []string   `json:"cwe_ids"`         // "CWE-79", ascending
	Priority       string     `json:"priority"`        // P1..P4
	PrioritySource string     `json:"priority_source"` // derived or override
	Labels         []string   `json:"labels"`          // by name
	// MatchedIn is set in search results only: which parts of the case
	// hold a word searched for.
	MatchedIn []string `json:"matched_in,omitempty"`
	// Embargo is set when one case is shown, left out of lists.
	Embargo *embargoJSON `json:"embargo,omitempty"`
}

func caseOut(c *store.Case, assignees []int64) caseJSON {
	if assignees == nil {
		assignees = []int64{}
	}
	next := cases.NextStates(c.State)
	if next == nil {
		next = []string{}
	}
	return caseJSON{ID: c.ID, Key: c.Key, Number: c.Number, Project: c.ProjectSlug, Title: c.Title,
		Description: c.Description, Severity: c.Severity, Component: c.Component, State: c.State,
		Resolution: optionalString(c.Resolution), NextStates: next, CoordinatorID: optionalID(c.CoordinatorID),
		AssigneeIDs: assignees, CreatedBy: optionalID(c.CreatedBy), CreatedAt: timestamp(c.CreatedAt), UpdatedAt: timestamp(c.UpdatedAt),
		CWEIDs: []string{}, Labels: []string{}}
}

type noteJSON struct {
	ID         int64      `json:"id"`
	CaseKey    string     `json:"case_key"`
	AuthorID   optionalID `json:"author_id"`
	AuthorName string     `json:"author_name"`
	Body       string     `json:"body"`
	CreatedAt  timestamp  `json:"created_at"`
}

func noteOut(n *store.Note, caseKey string) noteJSON {
	return noteJSON{ID: n.ID, CaseKey: caseKey, AuthorID: optionalID(n.AuthorID), AuthorName: n.AuthorName,
		Body: n.Body, CreatedAt: timestamp(n.CreatedAt)}
}

type eventJSON struct {
	Seq         int64           `json:"seq"`
	At          timestamp       `json:"at"`
	Actor       string          `json:"actor"`
	ActorID     optionalID      `json:"actor_id"`
	Action      string          `json:"action"`
	SubjectType string          `json:"subject_type"`
	SubjectID   string          `json:"subject_id"`
	Before      json.RawMessage `json:"before"`
	After       json.RawMessage `json:"after"`
	Hash        string          `json:"hash"`
}

func eventOut(e *audit.Event) eventJSON {
	null := json.RawMessage("null")
	out := eventJSON{Seq: e.Seq, At: timestamp(e.At), Actor: e.ActorLabel, ActorID: optionalID(e.ActorID),
		Action: e.Action, SubjectType: e.SubjectType, SubjectID: e.SubjectID, Before: e.Before, After: e.After, Hash: e.Hash}
	if len(out.Before) == 0 {
		out.Before = null
	}
	if len(out.After) == 0 {
		out.After = null
	}
	return out
}

type memberJSON struct {
	UserID   int64     `json:"user_id"`
	Email    string    `json:"email"`
	Name     string    `json:"name"`
	Role     string    `json:"role"`
	JoinedAt timestamp `json:"joined_at"`
}

func memberOut(m *store.Member) memberJSON {
	return memberJSON{UserID: m.UserID, Email: m.Email, Name: m.Name, Role: m.Role, JoinedAt: timestamp(m.CreatedAt)}
}

type invitationJSON struct {
	ID        int64      `json:"id"`
	Email     string     `json:"email"`
	Role      string     `json:"role"`
	InvitedBy optionalID `json:"invited_by"`
	CreatedAt timestamp  `json:"created_at"`
	ExpiresAt timestamp  `json:"expires_at"`
}

func invitationOut(in *store.Invitation) invitationJSON {
	return invitationJSON{ID: in.ID, Email: in.Email, Role: in.Role, InvitedBy: optionalID(in.InvitedBy),
		CreatedAt: timestamp(in.CreatedAt), ExpiresAt: timestamp(in.ExpiresAt)}
}

type userJSON struct {
	ID            int64     `json:"id"`
	Email         string    `json:"email"`
	Name          string    `json:"name"`
	InstanceAdmin bool      `json:"instance_admin"`
	Disabled      bool      `json:"disabled"`
	MFAEnabled    bool      `json:"mfa_enabled"`
	CreatedAt     timestamp `json:"created_at"`
	UpdatedAt     timestamp `json:"updated_at"`
}

func userOut(u *store.User) userJSON {
	return userJSON{ID: u.ID, Email: u.Email, Name: u.Name, InstanceAdmin: u.IsAdmin, Disabled: u.Disabled,
		MFAEnabled: u.TOTPEnabled, CreatedAt: timestamp(u.CreatedAt), UpdatedAt: timestamp(u.UpdatedAt)}
}

type tokenJSON struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	CreatedAt  timestamp `json:"created_at"`
	LastUsedAt timestamp `json:"last_used_at"`
	RevokedAt  timestamp `json:"revoked_at"`
}

func tokenOut(tk *store.APIToken) tokenJSON {
	return tokenJSON{ID: tk.ID, Name: tk.Name, CreatedAt: timestamp(tk.CreatedAt),
		LastUsedAt: timestamp(tk.LastUsedAt), RevokedAt: timestamp(tk.RevokedAt)}
}
