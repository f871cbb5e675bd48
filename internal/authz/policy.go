// SPDX-License-Identifier: AGPL-3.0-or-later

// Package authz decides who may do what. Can is the one policy function:
// every route, API endpoint, feed, export and job asks it. The package also
// holds the credentials that establish an Actor: passwords, sessions, TOTP
// and API tokens.
package authz

import (
	"errors"
	"fmt"
	"sort"
)

// Role is a user's role in one project.
type Role string

const (
	RoleAdmin     Role = "admin"     // project admin: the team lead
	RoleResponder Role = "responder" // works cases
	RoleViewer    Role = "viewer"    // reads cases, changes nothing
)

// ProjectRoles lists the roles a project member can hold, most powerful first.
var ProjectRoles = []Role{RoleAdmin, RoleResponder, RoleViewer}

// ValidRole reports whether r is a project role.
func ValidRole(r string) bool {
	for _, x := range ProjectRoles {
		if string(x) == r {
			return true
		}
	}
	return false
}

// Actor is whoever makes a request.
type Actor struct {
	UserID        int64 // 0 for the public
	Email         string
	Name          string
	InstanceAdmin bool
	// MFA is true when the user has two-factor enabled and this request's
	// credential proved it (a session that passed TOTP, or a token of such
	// a user).
	MFA   bool
	Roles map[int64]Role // project ID → role
	Via   string         // "session", "token", "cli", "system", "reporter"
	// ReporterCaseID is set for whoever holds a case's private reporter
	// link: that actor may use the reporter portal of that one case and
	// nothing a team member can do (it has no UserID). It is also set,
	// by AsReporter, on the signed-in user who sent the case's report
	// while they use its reporter view.
	ReporterCaseID int64
}

// AsReporter returns the actor as the reporter of case caseID: what the
// signed-in user who sent that case's report acts as in the reporter's
// view, keeping their identity for the audit log but none of their team
// roles.
func (a *Actor) AsReporter(caseID int64) *Actor {
	return &Actor{UserID: a.UserID, Email: a.Email, Name: a.Name, MFA: a.MFA, Via: a.Via, ReporterCaseID: caseID}
}

// ReporterLinkPrefix starts every reporter link token (see NewSecret),
// so that leaked links are recognisable.
const ReporterLinkPrefix = "rep_"

// Anonymous is the public.
var Anonymous = &Actor{}

// Authenticated reports whether the actor is a signed-in user.
func (a *Actor) Authenticated() bool { return a != nil && a.UserID != 0 }

// Label names the actor in the audit log.
func (a *Actor) Label() string {
	switch {
	case a == nil || a.UserID == 0 && a.Via == "":
		return "public"
	case a.UserID == 0:
		return a.Via
	default:
		return a.Email
	}
}

// Role returns the actor's role in a project ("" when not a member).
func (a *Actor) Role(projectID int64) Role {
	if a == nil {
		return ""
	}
	return a.Roles[projectID]
}

// ResourceKind says what an action applies to.
type ResourceKind string

const (
	KindInstance ResourceKind = "instance"
	KindProject  ResourceKind = "project"
	KindCase     ResourceKind = "case"
)

// Resource is the thing an action is done to.
type Resource struct {
	Kind       ResourceKind
	ProjectID  int64
	CaseID     int64
	RequireMFA bool // the project requires two-factor for its team
	Archived   bool // the project is archived: read-only
	// SubmitterID is the signed-in user who sent the case's report (0:
	// none, or the case did not come from a report).
	SubmitterID int64
	// ParticipantUserID is the signed-in actor when they accepted an
	// invitation to take part in the case and it was not revoked (0:
	// the actor is no participant of it). The router sets it only for
	// participant actions.
	ParticipantUserID int64
}

// Instance is the installation as a whole.
var Instance = Resource{Kind: KindInstance}

// Action is something an actor may try to do.
type Action string

// Errors Can returns. Callers show ErrUnauthenticated as 401, the others as
// 403 or, where revealing existence would leak, 404.
var (
	ErrUnauthenticated = errors.New("authz: sign-in required")
	ErrForbidden       = errors.New("authz: not allowed")
	ErrMFARequired     = errors.New("authz: this project requires two-factor authentication")
	ErrArchived        = errors.New("authz: the project is archived")
)

// who is a class of actor a rule grants to.
type who int

const (
	anyone who = iota
	signedIn
	instanceAdmin
	projectViewer // any member
	projectResponder
	projectAdmin
	projectAdminOrInstanceAdmin
	caseReporter  // the holder of the case's reporter link, for that case only
	caseSubmitter // the signed-in user who sent the case's report, for that case only

	caseParticipant // a signed-in, accepted, unrevoked participant of the case, for that case only
)

type rule struct {
	who   who
	kind  ResourceKind
	write bool // refused on archived projects
}

// The actions. Each has exactly one rule in policy below.
const (
	ActionPublic         Action = "public"          // pages anyone may see
	ActionProjectPublic  Action = "project.public"  // a project's public face: policy, key, report form
	ActionSelf           Action = "self"            // the signed-in user's own account
	ActionUserManage     Action = "user.manage"     // instance users
	ActionProjectCreate  Action = "project.create"  //
	ActionProjectList    Action = "project.list"    // projects the actor can see
	ActionSearch         Action = "search"          // search the cases of every project the actor may read; each result is checked with ActionCaseView
	ActionProjectView    Action = "project.view"    //
	ActionProjectEdit    Action = "project.edit"    // name, policy, settings
	ActionProjectArchive Action = "project.archive" //
	ActionMemberView     Action = "member.view"     //
	ActionMemberManage   Action = "member.manage"   // members and invitations
	ActionCaseList       Action = "case.list"       //
	ActionCaseView       Action = "case.view"       // case, notes, history
	ActionCaseCreate     Action = "case.create"     //
	ActionCaseEdit       Action = "case.edit"       // fields and assignment
	ActionCaseTransition Action = "case.transition" //
	ActionNoteCreate     Action = "note.create"     //
	ActionThreadReply    Action = "thread.reply"    // write to the reporter thread
	ActionReporterLink   Action = "reporter.link"   // revoke and reissue the reporter link
	ActionCaseSpam       Action = "case.spam"       // reject a report as spam and block its sender
	ActionPortalView     Action = "portal.view"     // the reporter's view of their own case
	ActionPortalReply    Action = "portal.reply"    // the reporter writes to the thread, edits credit
	ActionReportView     Action = "report.view"     // as portal.view, for the signed-in user who sent the report
	ActionReportReply    Action = "report.reply"    // as portal.reply, for the signed-in user who sent the report

	// Participants: third parties invited to one case (see cases.InviteParticipant).
	ActionParticipantManage Action = "participant.manage" // invite and share with a case's participants
	ActionParticipantView   Action = "participant.view"   // a participant's view of a case they take part in
	// ActionParticipantRevoke ends a participant's access; unlike inviting,
	// it stays possible on an archived project: access is revoked at any time.
	ActionParticipantRevoke Action = "participant.revoke"
)

var policy = map[Action]rule{
	ActionPublic:         {who: anyone, kind: KindInstance},
	ActionProjectPublic:  {who: anyone, kind: KindProject},
	ActionSelf:           {who: signedIn, kind: KindInstance},
	ActionUserManage:     {who: instanceAdmin, kind: KindInstance},
	ActionProjectCreate:  {who: instanceAdmin, kind: KindInstance},
	ActionProjectList:    {who: signedIn, kind: KindInstance},
	ActionSearch:         {who: signedIn, kind: KindInstance},
	ActionProjectView:    {who: projectViewer, kind: KindProject},
	ActionProjectEdit:    {who: projectAdmin, kind: KindProject, write: true},
	ActionProjectArchive: {who: projectAdminOrInstanceAdmin, kind: KindProject},
	ActionMemberView:     {who: projectViewer, kind: KindProject},
	ActionMemberManage:   {who: projectAdminOrInstanceAdmin, kind: KindProject, write: true},
	ActionCaseList:       {who: projectViewer, kind: KindProject},
	ActionCaseView:       {who: projectViewer, kind: KindCase},
	ActionCaseCreate:     {who: projectResponder, kind: KindProject, write: true},
	ActionCaseEdit:       {who: projectResponder, kind: KindCase, write: true},
	ActionCaseTransition: {who: projectResponder, kind: KindCase, write: true},
	ActionNoteCreate:     {who: projectResponder, kind: KindCase, write: true},
	ActionThreadReply:    {who: projectResponder, kind: KindCase, write: true},
	ActionReporterLink:   {who: projectResponder, kind: KindCase, write: true},
	ActionCaseSpam:       {who: projectResponder, kind: KindCase, write: true},
	ActionPortalView:     {who: caseReporter, kind: KindCase},
	ActionPortalReply:    {who: caseReporter, kind: KindCase, write: true},
	ActionReportView:     {who: caseSubmitter, kind: KindCase},
	ActionReportReply:    {who: caseSubmitter, kind: KindCase, write: true},

	ActionParticipantManage: {who: projectResponder, kind: KindCase, write: true},
	ActionParticipantView:   {who: caseParticipant, kind: KindCase},
	ActionParticipantRevoke: {who: projectResponder, kind: KindCase},
}

// Actions lists every action the policy knows, sorted.
func Actions() []Action {
	out := make([]Action, 0, len(policy))
	for a := range policy {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Known reports whether the policy has a rule for action.
func Known(action Action) bool {
	_, ok := policy[action]
	return ok
}

// IsPublic reports whether anyone, signed in or not, may do action.
func IsPublic(action Action) bool {
	r, ok := policy[action]
	return ok && r.who == anyone
}

// IsReporterAction reports whether action is granted only to the holder
// of a case's reporter link. Such routes resolve their case from the link
// ({token}), never from a case key.
func IsReporterAction(action Action) bool {
	r, ok := policy[action]
	return ok && r.who == caseReporter
}

// IsSubmitterAction reports whether action is granted only to the
// signed-in user who sent the case's report.
func IsSubmitterAction(action Action) bool {
	r, ok := policy[action]
	return ok && r.who == caseSubmitter
}

// IsParticipantAction reports whether action is granted only to an
// accepted participant of the case.
func IsParticipantAction(action Action) bool {
	r, ok := policy[action]
	return ok && r.who == caseParticipant
}

// ResourceKindOf returns the kind of resource action applies to.
func ResourceKindOf(action Action) ResourceKind {
	return policy[action].kind
}

// Can decides whether actor may do action to res. Deny by default: an
// unknown action, a resource of the wrong kind, or a missing membership is
// refused. It returns nil when allowed.
func Can(actor *Actor, action Action, res Resource) error {
	r, ok := policy[action]
	if !ok {
		return fmt.Errorf("%w: unknown action %q", ErrForbidden, action)
	}
	if actor == nil {
		actor = Anonymous
	}
	if r.who == anyone {
		return nil
	}
	if r.who == caseReporter {
		// Only the link holder, only for the case the link names; a
		// signed-in team member is not a reporter.
		if actor.ReporterCaseID == 0 || res.Kind != KindCase || res.CaseID != actor.ReporterCaseID {
			return ErrForbidden
		}
		if r.write && res.Archived {
			return ErrArchived
		}
		return nil
	}
	if !actor.Authenticated() {
		return ErrUnauthenticated
	}
	if r.who == caseSubmitter {
		// The account that sent the report, only for that case, and only
		// as its reporter: team roles neither grant nor need this. There
		// is no second-factor requirement, as for a reporter link.
		if res.Kind != KindCase || res.SubmitterID == 0 || res.SubmitterID != actor.UserID {
			return ErrForbidden
		}
		if r.write && res.Archived {
			return ErrArchived
		}
		return nil
	}
	if r.who == caseParticipant {
		// Only as a participant who accepted the terms, only for that
		// case; team roles neither grant nor need this view.
		if res.Kind != KindCase || res.ParticipantUserID == 0 || res.ParticipantUserID != actor.UserID {
			return ErrForbidden
		}
		if r.write && res.Archived {
			return ErrArchived
		}
		return nil
	}
	if r.kind != res.Kind && !(r.kind == KindProject && res.Kind == KindCase) {
		return fmt.Errorf("%w: %s does not apply to a %s", ErrForbidden, action, res.Kind)
	}
	var allowed bool
	role := actor.Role(res.ProjectID)
	switch r.who {
	case signedIn:
		allowed = true
	case instanceAdmin:
		allowed = actor.InstanceAdmin
	case projectViewer:
		allowed = role != ""
	case projectResponder:
		allowed = role == RoleResponder || role == RoleAdmin
	case projectAdmin:
		allowed = role == RoleAdmin
	case projectAdminOrInstanceAdmin:
		allowed = role == RoleAdmin || actor.InstanceAdmin
	}
	if !allowed {
		return ErrForbidden
	}
	if res.Kind != KindInstance && role != "" && res.RequireMFA && !actor.MFA {
		return ErrMFARequired
	}
	if r.write && res.Archived {
		return ErrArchived
	}
	return nil
}
