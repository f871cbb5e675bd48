// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"

	"embargo/internal/authz"
	"embargo/internal/router"
	"embargo/internal/store"
)

// membersData is the members page's content.
type membersData struct {
	Members     []*store.Member
	Invitations []*store.Invitation
	Roles       []authz.Role
	CanManage   bool
	// InviteLink is a new invitation's link, shown once right after it is
	// made: only its hash is stored.
	InviteLink  string
	InviteEmail string
}

// membersPage loads the members page for r; a nil page means it failed
// and the error page is already written.
func (h *web) membersPage(w http.ResponseWriter, r *router.Request) *page {
	members, err := h.Projects.Members(r.Context(), r.Project.ID)
	if err != nil {
		h.fail(w, r, err)
		return nil
	}
	d := membersData{Members: members, Roles: authz.ProjectRoles, CanManage: can(r, authz.ActionMemberManage)}
	if d.CanManage {
		if d.Invitations, err = h.Projects.OpenInvitations(r.Context(), r.Project.ID); err != nil {
			h.fail(w, r, err)
			return nil
		}
	}
	p := projectPage(r, "Members · "+r.Project.Name, "Members")
	p.Data = d
	return p
}

// memberList shows a project's members and, to those who manage them,
// the forms to add, change, remove and invite.
func (h *web) memberList(w http.ResponseWriter, r *router.Request) {
	if p := h.membersPage(w, r); p != nil {
		h.render(w, r.Request, http.StatusOK, viewMembers, p)
	}
}

// memberFormError shows err on the members page.
func (h *web) memberFormError(w http.ResponseWriter, r *router.Request, err error, fields ...string) {
	if p := h.membersPage(w, r); p != nil {
		p.Form = r.PostForm
		h.formError(w, r, viewMembers, p, err, fields...)
	}
}

// memberAdd adds an existing account to the project with a role.
func (h *web) memberAdd(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	r.PostForm.Set("form", "add")
	if _, err := h.Projects.SetMember(r.Context(), r.Actor, r.Project, r.PostForm.Get("email"), r.PostForm.Get("role")); err != nil {
		h.memberFormError(w, r, err, "email", "role")
		return
	}
	redirect(w, r, "/projects/"+r.Project.Slug+"/members", "member-added")
}

// member loads the member named by the {user} wildcard.
func (h *web) member(r *router.Request) (*store.Member, error) {
	id, err := pathID(r, "user")
	if err != nil {
		return nil, err
	}
	members, err := h.Projects.Members(r.Context(), r.Project.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		if m.UserID == id {
			return m, nil
		}
	}
	return nil, errNoMember
}

// memberRole changes a member's role.
func (h *web) memberRole(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	m, err := h.member(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Projects.SetMember(r.Context(), r.Actor, r.Project, m.Email, r.PostForm.Get("role")); err != nil {
		h.memberFormError(w, r, err)
		return
	}
	redirect(w, r, "/projects/"+r.Project.Slug+"/members", "role-changed")
}

// memberRemove takes a member out of the project.
func (h *web) memberRemove(w http.ResponseWriter, r *router.Request) {
	id, err := pathID(r, "user")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Projects.RemoveMember(r.Context(), r.Actor, r.Project, id); err != nil {
		h.memberFormError(w, r, err)
		return
	}
	// Whoever removed themselves can no longer see the members page.
	if id == r.Actor.UserID {
		redirect(w, r, "/", "member-removed")
		return
	}
	redirect(w, r, "/projects/"+r.Project.Slug+"/members", "member-removed")
}
