// SPDX-License-Identifier: AGPL-3.0-or-later

package authz

import (
	"errors"
	"testing"
)

// The fixture: project 1 is the one acted on; the outsider is a member of
// project 2 only.
var (
	actorPublic    = Anonymous
	actorOutsider  = &Actor{UserID: 1, Email: "o@x.test", Roles: map[int64]Role{2: RoleAdmin}}
	actorInstAdmin = &Actor{UserID: 2, Email: "i@x.test", InstanceAdmin: true, Roles: map[int64]Role{}}
	actorViewer    = &Actor{UserID: 3, Email: "v@x.test", Roles: map[int64]Role{1: RoleViewer}}
	actorResponder = &Actor{UserID: 4, Email: "r@x.test", Roles: map[int64]Role{1: RoleResponder}}
	actorAdmin     = &Actor{UserID: 5, Email: "a@x.test", Roles: map[int64]Role{1: RoleAdmin}}
	// actorReporter holds the reporter link of case 9 (the case acted on).
	actorReporter = &Actor{Via: "reporter", ReporterCaseID: 9}
	// actorOtherReporter holds the link of another case of the project.
	actorOtherReporter = &Actor{Via: "reporter", ReporterCaseID: 10}
	// actorSubmitter sent case 9's report while signed in; actorOtherSubmitter
	// sent another case's.
	actorSubmitter      = &Actor{UserID: 6, Email: "s@x.test", Roles: map[int64]Role{}}
	actorOtherSubmitter = &Actor{UserID: 7, Email: "t@x.test", Roles: map[int64]Role{}}
)

func TestCanMatrix(t *testing.T) {
	project := Resource{Kind: KindProject, ProjectID: 1}
	kase := Resource{Kind: KindCase, ProjectID: 1, CaseID: 9, SubmitterID: actorSubmitter.UserID}
	type want struct{ public, outsider, instAdmin, viewer, responder, admin, reporter, submitter bool }
	tests := []struct {
		action Action
		res    Resource
		want   want
	}{
		{ActionPublic, Instance, want{true, true, true, true, true, true, true, true}},
		{ActionProjectPublic, project, want{true, true, true, true, true, true, true, true}},
		{ActionSelf, Instance, want{false, true, true, true, true, true, false, true}},
		{ActionUserManage, Instance, want{false, false, true, false, false, false, false, false}},
		{ActionProjectCreate, Instance, want{false, false, true, false, false, false, false, false}},
		{ActionProjectList, Instance, want{false, true, true, true, true, true, false, true}},
		{ActionSearch, Instance, want{false, true, true, true, true, true, false, true}},
		{ActionProjectView, project, want{false, false, false, true, true, true, false, false}},
		{ActionProjectEdit, project, want{false, false, false, false, false, true, false, false}},
		{ActionProjectArchive, project, want{false, false, true, false, false, true, false, false}},
		{ActionMemberView, project, want{false, false, false, true, true, true, false, false}},
		{ActionMemberManage, project, want{false, false, true, false, false, true, false, false}},
		{ActionCaseList, project, want{false, false, false, true, true, true, false, false}},
		{ActionCaseCreate, project, want{false, false, false, false, true, true, false, false}},
		{ActionCaseView, kase, want{false, false, false, true, true, true, false, false}},
		{ActionCaseEdit, kase, want{false, false, false, false, true, true, false, false}},
		{ActionCaseTransition, kase, want{false, false, false, false, true, true, false, false}},
		{ActionNoteCreate, kase, want{false, false, false, false, true, true, false, false}},
		{ActionThreadReply, kase, want{false, false, false, false, true, true, false, false}},
		{ActionReporterLink, kase, want{false, false, false, false, true, true, false, false}},
		{ActionCaseSpam, kase, want{false, false, false, false, true, true, false, false}},
		{ActionPortalView, kase, want{false, false, false, false, false, false, true, false}},
		{ActionPortalReply, kase, want{false, false, false, false, false, false, true, false}},
		{ActionReportView, kase, want{false, false, false, false, false, false, false, true}},
		{ActionReportReply, kase, want{false, false, false, false, false, false, false, true}},
		{ActionParticipantManage, kase, want{false, false, false, false, true, true, false, false}},
		{ActionParticipantRevoke, kase, want{false, false, false, false, true, true, false, false}},
		{ActionParticipantView, kase, want{false, false, false, false, false, false, false, false}},
	}
	covered := map[Action]bool{}
	for _, tc := range tests {
		covered[tc.action] = true
		actors := []struct {
			name  string
			actor *Actor
			ok    bool
		}{
			{"public", actorPublic, tc.want.public},
			{"outsider", actorOutsider, tc.want.outsider},
			{"instance admin", actorInstAdmin, tc.want.instAdmin},
			{"viewer", actorViewer, tc.want.viewer},
			{"responder", actorResponder, tc.want.responder},
			{"admin", actorAdmin, tc.want.admin},
			{"reporter", actorReporter, tc.want.reporter},
			// Another case's reporter is a stranger here.
			{"other reporter", actorOtherReporter, tc.want.reporter && ResourceKindOf(tc.action) != KindCase},
			{"submitter", actorSubmitter, tc.want.submitter},
			// Another report's sender is a signed-in stranger here.
			{"other submitter", actorOtherSubmitter, tc.want.submitter && ResourceKindOf(tc.action) != KindCase},
		}
		for _, a := range actors {
			err := Can(a.actor, tc.action, tc.res)
			if (err == nil) != a.ok {
				t.Errorf("Can(%s, %s) = %v, want allowed=%v", a.name, tc.action, err, a.ok)
			}
		}
	}
	for _, a := range Actions() {
		if !covered[a] {
			t.Errorf("action %s has no row in this matrix; add one", a)
		}
	}
}

// TestCanParticipant: only the accepted participant the router found for
// this case may use the participant view, and nothing a team member may.
func TestCanParticipant(t *testing.T) {
	participant := &Actor{UserID: 8, Email: "p@x.test", Roles: map[int64]Role{}}
	kase := Resource{Kind: KindCase, ProjectID: 1, CaseID: 9, ParticipantUserID: participant.UserID}
	if err := Can(participant, ActionParticipantView, kase); err != nil {
		t.Errorf("participant view: %v", err)
	}
	for _, a := range Actions() {
		if a == ActionParticipantView || IsPublic(a) || ResourceKindOf(a) == KindInstance {
			continue
		}
		if err := Can(participant, a, kase); err == nil {
			t.Errorf("a participant may %s", a)
		}
	}
	other := kase
	other.ParticipantUserID = 99
	if err := Can(participant, ActionParticipantView, other); err == nil {
		t.Error("a participant may see the view of a case they do not take part in")
	}
	if err := Can(actorAdmin, ActionParticipantView, Resource{Kind: KindCase, ProjectID: 1, CaseID: 9}); err == nil {
		t.Error("a team admin may use the participant view without being a participant")
	}
}

// TestRevokeOnArchivedProject: a project archived read-only still lets its
// team end a participant's access, and nothing else about participants.
func TestRevokeOnArchivedProject(t *testing.T) {
	archived := Resource{Kind: KindCase, ProjectID: 1, CaseID: 9, Archived: true}
	if err := Can(actorResponder, ActionParticipantRevoke, archived); err != nil {
		t.Errorf("revoke on an archived project: %v", err)
	}
	if err := Can(actorResponder, ActionParticipantManage, archived); !errors.Is(err, ErrArchived) {
		t.Errorf("invite on an archived project: %v, want ErrArchived", err)
	}
}

func TestCanDeniesByDefault(t *testing.T) {
	if err := Can(actorAdmin, Action("case.teleport"), Resource{Kind: KindCase, ProjectID: 1}); !errors.Is(err, ErrForbidden) {
		t.Errorf("unknown action: %v, want ErrForbidden", err)
	}
	if err := Can(nil, ActionCaseView, Resource{Kind: KindCase, ProjectID: 1}); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("nil actor: %v, want ErrUnauthenticated", err)
	}
	// A case action on an instance resource is a programming error: refused.
	if err := Can(actorAdmin, ActionCaseView, Instance); !errors.Is(err, ErrForbidden) {
		t.Errorf("wrong resource kind: %v, want ErrForbidden", err)
	}
}

func TestCanProjectRequiresMFA(t *testing.T) {
	res := Resource{Kind: KindCase, ProjectID: 1, RequireMFA: true}
	if err := Can(actorResponder, ActionCaseView, res); !errors.Is(err, ErrMFARequired) {
		t.Errorf("without MFA: %v, want ErrMFARequired", err)
	}
	withMFA := *actorResponder
	withMFA.MFA = true
	if err := Can(&withMFA, ActionCaseView, res); err != nil {
		t.Errorf("with MFA: %v", err)
	}
}

func TestCanReporterPortalOnArchivedProject(t *testing.T) {
	res := Resource{Kind: KindCase, ProjectID: 1, CaseID: 9, Archived: true}
	if err := Can(actorReporter, ActionPortalView, res); err != nil {
		t.Errorf("view archived: %v", err)
	}
	if err := Can(actorReporter, ActionPortalReply, res); !errors.Is(err, ErrArchived) {
		t.Errorf("reply archived: %v, want ErrArchived", err)
	}
	if err := Can(actorReporter, ActionPortalView, Resource{Kind: KindProject, ProjectID: 1, CaseID: 9}); !errors.Is(err, ErrForbidden) {
		t.Errorf("project resource: %v, want ErrForbidden", err)
	}
}

func TestCanArchivedIsReadOnly(t *testing.T) {
	res := Resource{Kind: KindCase, ProjectID: 1, Archived: true}
	if err := Can(actorResponder, ActionCaseView, res); err != nil {
		t.Errorf("read archived: %v", err)
	}
	if err := Can(actorResponder, ActionNoteCreate, res); !errors.Is(err, ErrArchived) {
		t.Errorf("write archived: %v, want ErrArchived", err)
	}
	if err := Can(actorAdmin, ActionProjectArchive, Resource{Kind: KindProject, ProjectID: 1, Archived: true}); err != nil {
		t.Errorf("unarchive archived: %v", err)
	}
}

// TestCanSubmitter: the account that sent a report sees the reporter's
// view of that case only; team roles do not stand in for it, and a case
// without a signed-in sender has no submitter at all.
func TestCanSubmitter(t *testing.T) {
	kase := Resource{Kind: KindCase, ProjectID: 1, CaseID: 9, SubmitterID: actorAdmin.UserID}
	if err := Can(actorAdmin, ActionReportView, kase); err != nil {
		t.Errorf("team member who sent the report: %v", err)
	}
	kase.SubmitterID = actorSubmitter.UserID
	if err := Can(actorAdmin, ActionReportView, kase); !errors.Is(err, ErrForbidden) {
		t.Errorf("team member who did not send it: %v, want ErrForbidden", err)
	}
	if err := Can(actorInstAdmin, ActionReportReply, kase); !errors.Is(err, ErrForbidden) {
		t.Errorf("instance admin: %v, want ErrForbidden", err)
	}
	if err := Can(actorReporter, ActionReportView, kase); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("reporter link holder: %v, want ErrUnauthenticated", err)
	}
	anonymous := &Actor{UserID: 0}
	if err := Can(anonymous, ActionReportView, Resource{Kind: KindCase, ProjectID: 1, CaseID: 9}); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("public on a case without submitter: %v, want ErrUnauthenticated", err)
	}
	if err := Can(actorSubmitter, ActionReportView, Resource{Kind: KindProject, ProjectID: 1, SubmitterID: 6}); !errors.Is(err, ErrForbidden) {
		t.Errorf("project resource: %v, want ErrForbidden", err)
	}
	kase.Archived, kase.RequireMFA = true, true
	if err := Can(actorSubmitter, ActionReportView, kase); err != nil {
		t.Errorf("view on an archived project requiring MFA: %v", err)
	}
	if err := Can(actorSubmitter, ActionReportReply, kase); !errors.Is(err, ErrArchived) {
		t.Errorf("reply on an archived project: %v, want ErrArchived", err)
	}
	as := actorAdmin.AsReporter(9)
	if as.UserID != actorAdmin.UserID || len(as.Roles) != 0 || as.ReporterCaseID != 9 {
		t.Errorf("AsReporter = %+v, want the same user with no roles, reporter of case 9", as)
	}
}
