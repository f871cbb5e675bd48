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
)

func TestCanMatrix(t *testing.T) {
	project := Resource{Kind: KindProject, ProjectID: 1}
	kase := Resource{Kind: KindCase, ProjectID: 1, CaseID: 9}
	type want struct{ public, outsider, instAdmin, viewer, responder, admin, reporter bool }
	tests := []struct {
		action Action
		res    Resource
		want   want
	}{
		{ActionPublic, Instance, want{true, true, true, true, true, true, true}},
		{ActionProjectPublic, project, want{true, true, true, true, true, true, true}},
		{ActionSelf, Instance, want{false, true, true, true, true, true, false}},
		{ActionUserManage, Instance, want{false, false, true, false, false, false, false}},
		{ActionProjectCreate, Instance, want{false, false, true, false, false, false, false}},
		{ActionProjectList, Instance, want{false, true, true, true, true, true, false}},
		{ActionSearch, Instance, want{false, true, true, true, true, true, false}},
		{ActionProjectView, project, want{false, false, false, true, true, true, false}},
		{ActionProjectEdit, project, want{false, false, false, false, false, true, false}},
		{ActionProjectArchive, project, want{false, false, true, false, false, true, false}},
		{ActionMemberView, project, want{false, false, false, true, true, true, false}},
		{ActionMemberManage, project, want{false, false, true, false, false, true, false}},
		{ActionCaseList, project, want{false, false, false, true, true, true, false}},
		{ActionCaseCreate, project, want{false, false, false, false, true, true, false}},
		{ActionCaseView, kase, want{false, false, false, true, true, true, false}},
		{ActionCaseEdit, kase, want{false, false, false, false, true, true, false}},
		{ActionCaseTransition, kase, want{false, false, false, false, true, true, false}},
		{ActionNoteCreate, kase, want{false, false, false, false, true, true, false}},
		{ActionThreadReply, kase, want{false, false, false, false, true, true, false}},
		{ActionReporterLink, kase, want{false, false, false, false, true, true, false}},
		{ActionCaseSpam, kase, want{false, false, false, false, true, true, false}},
		{ActionPortalView, kase, want{false, false, false, false, false, false, true}},
		{ActionPortalReply, kase, want{false, false, false, false, false, false, true}},
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
