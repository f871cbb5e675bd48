// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"
	"net/url"

	"embargo/internal/router"
	"embargo/internal/validation"
)

// errNoMember answers a member route naming someone outside the project.
var errNoMember = &validation.NotFound{What: "member"}

// invitationCreate invites an email address with a role and shows the
// link once, for the admin to send.
func (h *web) invitationCreate(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	r.PostForm.Set("form", "invite")
	in, secret, err := h.Projects.Invite(r.Context(), r.Actor, r.Project, r.PostForm.Get("email"), r.PostForm.Get("role"))
	if err != nil {
		h.memberFormError(w, r, err, "email", "role")
		return
	}
	p := h.membersPage(w, r)
	if p == nil {
		return
	}
	d := p.Data.(membersData)
	d.InviteLink = h.BaseURL + "/invitations/accept?token=" + url.QueryEscape(secret)
	d.InviteEmail = in.Email
	p.Data = d
	h.render(w, r.Request, http.StatusOK, viewMembers, p)
}

// invitationRevoke cancels a pending invitation.
func (h *web) invitationRevoke(w http.ResponseWriter, r *router.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Projects.RevokeInvitation(r.Context(), r.Actor, r.Project, id); err != nil {
		h.memberFormError(w, r, err)
		return
	}
	redirect(w, r, "/projects/"+r.Project.Slug+"/members", "invitation-revoked")
}
