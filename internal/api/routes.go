// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"embargo/internal/authz"
	"embargo/internal/router"
)

// routes registers every API endpoint with the action it requires. The
// router authorizes each request (loading the project named by {slug} or
// the case named by {key}) before the handler runs. openapi.json lists the
// same endpoints; a test keeps the two in step.
func (a *api) routes(rt *router.Router) {
	rt.Handle("GET", "/openapi.json", authz.ActionPublic, a.openAPI)
	rt.Handle("GET", "/me", authz.ActionSelf, a.meShow)
	// The reports the caller sent while signed in; the store reads only
	// the caller's.
	rt.Handle("GET", "/me/reports", authz.ActionSelf, a.reportList)
	rt.Handle("GET", "/cwe", authz.ActionSelf, a.cweSearch)
	rt.Handle("GET", "/search", authz.ActionSearch, a.search)

	rt.Handle("GET", "/queue", authz.ActionProjectList, a.queueShow)
	rt.Handle("GET", "/projects", authz.ActionProjectList, a.projectList)
	rt.Handle("POST", "/projects", authz.ActionProjectCreate, a.projectCreate)
	rt.Handle("GET", "/projects/{slug}", authz.ActionProjectView, a.projectShow)
	rt.Handle("PATCH", "/projects/{slug}", authz.ActionProjectEdit, a.projectUpdate)
	rt.Handle("POST", "/projects/{slug}/archive", authz.ActionProjectArchive, a.projectArchive)
	rt.Handle("POST", "/projects/{slug}/unarchive", authz.ActionProjectArchive, a.projectUnarchive)
	rt.Handle("GET", "/projects/{slug}/pgp-key", authz.ActionProjectView, a.pgpKeyShow)
	rt.Handle("POST", "/projects/{slug}/pgp-key", authz.ActionProjectEdit, a.pgpKeySet)

	rt.Handle("GET", "/projects/{slug}/members", authz.ActionMemberView, a.memberList)
	rt.Handle("PUT", "/projects/{slug}/members", authz.ActionMemberManage, a.memberSet)
	rt.Handle("DELETE", "/projects/{slug}/members/{user_id}", authz.ActionMemberManage, a.memberRemove)
	rt.Handle("GET", "/projects/{slug}/invitations", authz.ActionMemberManage, a.invitationList)
	rt.Handle("POST", "/projects/{slug}/invitations", authz.ActionMemberManage, a.invitationCreate)
	rt.Handle("DELETE", "/projects/{slug}/invitations/{id}", authz.ActionMemberManage, a.invitationRevoke)

	rt.Handle("GET", "/projects/{slug}/cases", authz.ActionCaseList, a.caseList)
	rt.Handle("GET", "/projects/{slug}/metrics", authz.ActionCaseList, a.metricsShow)
	rt.Handle("POST", "/projects/{slug}/cases", authz.ActionCaseCreate, a.caseCreate)
	// Each case of a bulk action is authorized on its own, with the action
	// of the single route (cases.Bulk); any member may ask.
	rt.Handle("POST", "/projects/{slug}/cases/bulk", authz.ActionCaseList, a.caseBulk)
	rt.Handle("GET", "/projects/{slug}/labels", authz.ActionCaseList, a.labelList)
	// Saved views are the caller's own; the store only ever reads and
	// deletes the caller's.
	rt.Handle("GET", "/projects/{slug}/views", authz.ActionCaseList, a.viewList)
	rt.Handle("POST", "/projects/{slug}/views", authz.ActionCaseList, a.viewSave)
	rt.Handle("DELETE", "/projects/{slug}/views/{id}", authz.ActionCaseList, a.viewDelete)
	rt.Handle("GET", "/cases/{key}", authz.ActionCaseView, a.caseShow)
	rt.Handle("PATCH", "/cases/{key}", authz.ActionCaseEdit, a.caseUpdate)
	rt.Handle("PUT", "/cases/{key}/assignment", authz.ActionCaseEdit, a.caseAssign)
	rt.Handle("POST", "/cases/{key}/labels", authz.ActionCaseEdit, a.caseLabelAdd)
	rt.Handle("DELETE", "/cases/{key}/labels/{label}", authz.ActionCaseEdit, a.caseLabelRemove)
	rt.Handle("POST", "/cases/{key}/embargo/extensions", authz.ActionCaseEdit, a.caseEmbargoExtend)
	rt.Handle("POST", "/cases/{key}/embargo/broken", authz.ActionCaseEdit, a.caseEmbargoBroken)
	rt.Handle("POST", "/cases/{key}/transitions", authz.ActionCaseTransition, a.caseTransition)
	rt.Handle("GET", "/cases/{key}/triage", authz.ActionCaseView, a.caseTriageShow)
	rt.Handle("PUT", "/cases/{key}/triage", authz.ActionCaseEdit, a.caseTriageSet)
	rt.Handle("POST", "/cases/{key}/acknowledge", authz.ActionCaseTransition, a.caseAcknowledge)
	rt.Handle("GET", "/cases/{key}/notes", authz.ActionCaseView, a.noteList)
	rt.Handle("POST", "/cases/{key}/notes", authz.ActionNoteCreate, a.noteCreate)
	rt.Handle("GET", "/cases/{key}/events", authz.ActionCaseView, a.eventList)
	rt.Handle("GET", "/cases/{key}/deadlines", authz.ActionCaseView, a.deadlineList)
	rt.Handle("GET", "/cases/{key}/messages", authz.ActionCaseView, a.messageList)
	rt.Handle("POST", "/cases/{key}/messages", authz.ActionThreadReply, a.messageCreate)
	rt.Handle("POST", "/cases/{key}/reporter-link", authz.ActionReporterLink, a.reporterLinkSet)
	rt.Handle("GET", "/cases/{key}/participants", authz.ActionCaseView, a.participantList)
	rt.Handle("POST", "/cases/{key}/participants", authz.ActionParticipantManage, a.participantCreate)
	rt.Handle("DELETE", "/cases/{key}/participants/{id}", authz.ActionParticipantRevoke, a.participantRevoke)
	rt.Handle("POST", "/cases/{key}/spam", authz.ActionCaseSpam, a.caseSpam)
	rt.Handle("POST", "/cases/{key}/request-info", authz.ActionCaseTransition, a.caseRequestInfo)
	rt.Handle("POST", "/cases/{key}/not-security", authz.ActionCaseTransition, a.caseNotSecurity)
	rt.Handle("POST", "/cases/{key}/duplicate", authz.ActionCaseTransition, a.caseDuplicate)
	rt.Handle("POST", "/cases/{key}/split", authz.ActionCaseEdit, a.caseSplit)
	rt.Handle("GET", "/cases/{key}/links", authz.ActionCaseView, a.caseLinkList)
	rt.Handle("POST", "/cases/{key}/links", authz.ActionCaseEdit, a.caseLinkCreate)
	rt.Handle("DELETE", "/cases/{key}/links/{id}", authz.ActionCaseEdit, a.caseLinkDelete)
	rt.Handle("POST", "/projects/{slug}/reports", authz.ActionProjectPublic, a.reportCreate)

	rt.Handle("GET", "/users", authz.ActionUserManage, a.userList)
	rt.Handle("POST", "/users", authz.ActionUserManage, a.userCreate)
	rt.Handle("POST", "/users/{id}/disable", authz.ActionUserManage, a.userDisable)
	rt.Handle("POST", "/users/{id}/enable", authz.ActionUserManage, a.userEnable)

	rt.Handle("GET", "/tokens", authz.ActionSelf, a.tokenList)
	rt.Handle("POST", "/tokens", authz.ActionSelf, a.tokenCreate)
	rt.Handle("DELETE", "/tokens/{id}", authz.ActionSelf, a.tokenRevoke)
}
