// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"embargo/internal/authz"
	"embargo/internal/router"
)

// routes registers every page with the action it requires. The router
// loads the project ({slug}) or case ({key}) and authorizes before any
// handler runs; handlers never check access themselves, they only hide
// forms the actor could not use.
func (h *web) routes(rt *router.Router) {
	rt.Handle("GET", "/static/{file...}", authz.ActionPublic, h.static)

	rt.Handle("GET", "/setup", authz.ActionPublic, h.setupForm)
	rt.Handle("POST", "/setup", authz.ActionPublic, h.setupSubmit)
	rt.Handle("GET", "/login", authz.ActionPublic, h.loginForm)
	rt.Handle("POST", "/login", authz.ActionPublic, h.loginSubmit)
	rt.Handle("GET", "/login/2fa", authz.ActionPublic, h.login2FAForm)
	rt.Handle("POST", "/login/2fa", authz.ActionPublic, h.login2FASubmit)
	// Public, so that a sign-in still owing its second factor can be
	// abandoned too.
	rt.Handle("POST", "/logout", authz.ActionPublic, h.logout)

	rt.Handle("GET", "/{$}", authz.ActionProjectList, h.home)
	rt.Handle("GET", "/search", authz.ActionSearch, h.search)
	rt.Handle("GET", "/projects/new", authz.ActionProjectCreate, h.projectNewForm)
	rt.Handle("POST", "/projects/new", authz.ActionProjectCreate, h.projectNewSubmit)
	rt.Handle("GET", "/projects/{slug}", authz.ActionCaseList, h.caseList)
	// Each ticked case is authorized on its own with the single action's
	// permission (cases.Bulk); saved views are the actor's own.
	rt.Handle("POST", "/projects/{slug}/cases/bulk", authz.ActionCaseList, h.caseBulk)
	rt.Handle("POST", "/projects/{slug}/views", authz.ActionCaseList, h.viewSave)
	rt.Handle("POST", "/projects/{slug}/views/{id}/delete", authz.ActionCaseList, h.viewDelete)
	rt.Handle("GET", "/projects/{slug}/metrics", authz.ActionCaseList, h.metricsShow)
	rt.Handle("GET", "/projects/{slug}/settings", authz.ActionProjectEdit, h.projectSettingsForm)
	rt.Handle("POST", "/projects/{slug}/settings", authz.ActionProjectEdit, h.projectSettingsSubmit)
	rt.Handle("POST", "/projects/{slug}/archive", authz.ActionProjectArchive, h.projectArchive)
	rt.Handle("POST", "/projects/{slug}/unarchive", authz.ActionProjectArchive, h.projectUnarchive)
	rt.Handle("POST", "/projects/{slug}/settings/pgp-key/generate", authz.ActionProjectEdit, h.pgpKeyGenerate)
	rt.Handle("POST", "/projects/{slug}/settings/pgp-key/import", authz.ActionProjectEdit, h.pgpKeyImport)
	rt.Handle("POST", "/projects/{slug}/settings/blocks/{id}/delete", authz.ActionProjectEdit, h.reportUnblock)

	rt.Handle("GET", "/projects/{slug}/members", authz.ActionMemberView, h.memberList)
	rt.Handle("POST", "/projects/{slug}/members", authz.ActionMemberManage, h.memberAdd)
	rt.Handle("POST", "/projects/{slug}/members/{user}/role", authz.ActionMemberManage, h.memberRole)
	rt.Handle("POST", "/projects/{slug}/members/{user}/remove", authz.ActionMemberManage, h.memberRemove)
	rt.Handle("POST", "/projects/{slug}/invitations", authz.ActionMemberManage, h.invitationCreate)
	rt.Handle("POST", "/projects/{slug}/invitations/{id}/revoke", authz.ActionMemberManage, h.invitationRevoke)
	rt.Handle("GET", "/.well-known/security.txt", authz.ActionPublic, h.securityTxt)
	rt.Handle("GET", "/p/{slug}/security", authz.ActionProjectPublic, h.policyShow)
	rt.Handle("GET", "/p/{slug}/pgp-key.asc", authz.ActionProjectPublic, h.pgpKeyDownload)
	rt.Handle("GET", "/invitations/accept", authz.ActionPublic, h.invitationForm)
	rt.Handle("POST", "/invitations/accept", authz.ActionPublic, h.invitationAccept)

	rt.Handle("GET", "/projects/{slug}/cases/new", authz.ActionCaseCreate, h.caseNewForm)
	rt.Handle("POST", "/projects/{slug}/cases/new", authz.ActionCaseCreate, h.caseNewSubmit)
	rt.Handle("GET", "/cases/{key}", authz.ActionCaseView, h.caseShow)
	rt.Handle("POST", "/cases/{key}/edit", authz.ActionCaseEdit, h.caseEdit)
	rt.Handle("POST", "/cases/{key}/cvss", authz.ActionCaseEdit, h.caseCVSS)
	rt.Handle("POST", "/cases/{key}/cwe", authz.ActionCaseEdit, h.caseCWE)
	rt.Handle("POST", "/cases/{key}/triage", authz.ActionCaseEdit, h.caseTriage)
	rt.Handle("POST", "/cases/{key}/assign", authz.ActionCaseEdit, h.caseAssign)
	rt.Handle("POST", "/cases/{key}/labels", authz.ActionCaseEdit, h.caseLabelAdd)
	rt.Handle("POST", "/cases/{key}/labels/remove", authz.ActionCaseEdit, h.caseLabelRemove)
	rt.Handle("POST", "/cases/{key}/embargo", authz.ActionCaseEdit, h.caseEmbargoSet)
	rt.Handle("POST", "/cases/{key}/embargo/extend", authz.ActionCaseEdit, h.caseEmbargoExtend)
	rt.Handle("POST", "/cases/{key}/embargo/broken", authz.ActionCaseEdit, h.caseEmbargoBroken)
	rt.Handle("POST", "/cases/{key}/transition", authz.ActionCaseTransition, h.caseTransition)
	rt.Handle("POST", "/cases/{key}/notes", authz.ActionNoteCreate, h.noteCreate)
	rt.Handle("POST", "/cases/{key}/messages", authz.ActionThreadReply, h.caseMessageCreate)
	rt.Handle("POST", "/cases/{key}/acknowledge", authz.ActionCaseTransition, h.caseAcknowledge)
	rt.Handle("POST", "/cases/{key}/reporter-link", authz.ActionReporterLink, h.caseReporterLink)
	rt.Handle("POST", "/cases/{key}/spam", authz.ActionCaseSpam, h.caseSpam)
	rt.Handle("POST", "/cases/{key}/request-info", authz.ActionCaseTransition, h.caseRequestInfo)
	rt.Handle("POST", "/cases/{key}/not-security", authz.ActionCaseTransition, h.caseNotSecurity)
	rt.Handle("POST", "/cases/{key}/duplicate", authz.ActionCaseTransition, h.caseDuplicate)
	rt.Handle("POST", "/cases/{key}/split", authz.ActionCaseEdit, h.caseSplit)
	rt.Handle("POST", "/cases/{key}/links", authz.ActionCaseEdit, h.caseLinkAdd)
	rt.Handle("POST", "/cases/{key}/links/remove", authz.ActionCaseEdit, h.caseLinkRemove)
	rt.Handle("GET", "/cases/{key}/attachments/{id}", authz.ActionCaseView, h.caseAttachment)
	rt.Handle("POST", "/cases/{key}/participants", authz.ActionParticipantManage, h.participantInvite)
	rt.Handle("POST", "/cases/{key}/participants/{id}/revoke", authz.ActionParticipantRevoke, h.participantRevoke)
	rt.Handle("POST", "/cases/{key}/participants/{id}/share", authz.ActionParticipantManage, h.participantShare)
	// A participant's link shows only the embargo terms, to anyone who
	// holds it; the case itself is shown, by key, only to the account
	// that accepted them (authz.ActionParticipantView).
	rt.Handle("GET", "/participate/{link}", authz.ActionPublic, h.participateForm)
	rt.Handle("POST", "/participate/{link}", authz.ActionPublic, h.participateAccept)
	rt.Handle("GET", "/cases/{key}/participant", authz.ActionParticipantView, h.participantShow)

	rt.Handle("GET", "/p/{slug}/report", authz.ActionProjectPublic, h.reportForm)
	rt.Handle("POST", "/p/{slug}/report", authz.ActionProjectPublic, h.reportSubmit)
	rt.Handle("GET", "/r/{token}", authz.ActionPortalView, h.portalShow)
	rt.Handle("POST", "/r/{token}/messages", authz.ActionPortalReply, h.portalReply)
	rt.Handle("POST", "/r/{token}/credit", authz.ActionPortalReply, h.portalCredit)
	rt.Handle("GET", "/r/{token}/attachments/{id}", authz.ActionPortalView, h.portalAttachment)
	// The same portal for the signed-in user who sent the report, by the
	// case key instead of the link; anyone else is told it does not exist.
	rt.Handle("GET", "/reports", authz.ActionSelf, h.reportList)
	rt.Handle("GET", "/reports/{key}", authz.ActionReportView, h.portalShow)
	rt.Handle("POST", "/reports/{key}/messages", authz.ActionReportReply, h.portalReply)
	rt.Handle("POST", "/reports/{key}/credit", authz.ActionReportReply, h.portalCredit)
	rt.Handle("GET", "/reports/{key}/attachments/{id}", authz.ActionReportView, h.portalAttachment)

	rt.Handle("GET", "/account", authz.ActionSelf, h.account)
	rt.Handle("POST", "/account/password", authz.ActionSelf, h.accountPassword)
	rt.Handle("POST", "/account/2fa/begin", authz.ActionSelf, h.totpBegin)
	rt.Handle("POST", "/account/2fa/confirm", authz.ActionSelf, h.totpConfirm)
	rt.Handle("POST", "/account/2fa/disable", authz.ActionSelf, h.totpDisable)
	rt.Handle("POST", "/account/tokens", authz.ActionSelf, h.tokenCreate)
	rt.Handle("POST", "/account/tokens/{id}/revoke", authz.ActionSelf, h.tokenRevoke)

	rt.Handle("GET", "/admin/users", authz.ActionUserManage, h.adminUsers)
	rt.Handle("POST", "/admin/users", authz.ActionUserManage, h.adminUserCreate)
	rt.Handle("POST", "/admin/users/{id}/disable", authz.ActionUserManage, h.adminUserDisable)
	rt.Handle("POST", "/admin/users/{id}/enable", authz.ActionUserManage, h.adminUserEnable)

}
