// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"errors"
	"net/http"
	"net/url"

	"embargo/internal/authz"
	"embargo/internal/projects"
	"embargo/internal/router"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// invitationData is the accept page's content.
type invitationData struct {
	Token      string
	Invitation *store.Invitation
	Project    *store.Project
	LoginURL   string
	// Refusal is why the signed-in account may not accept: the link was
	// sent to another address. Empty for the invitee and for visitors.
	Refusal string
}

// invitationPage loads the open invitation named by token.
func (h *web) invitationPage(r *router.Request, token string) (*page, error) {
	in, proj, err := h.Projects.Invitation(r.Context(), token)
	if err != nil {
		return nil, err
	}
	p := newPage(r, "Join "+proj.Name)
	d := invitationData{Token: token, Invitation: in, Project: proj,
		LoginURL: loginURL("/invitations/accept?token=" + url.QueryEscape(token))}
	if r.Actor.Authenticated() {
		if err := authz.CheckInvitee(r.Actor.Email, in.Email); err != nil {
			d.Refusal = upperFirst(err.Error()) + "."
		}
	}
	p.Data = d
	return p, nil
}

// invitationForm shows who invites whom to what. The signed-in invitee
// accepts with one button, another signed-in account is told the link is
// not theirs, and a visitor creates their account here, under the invited
// email.
func (h *web) invitationForm(w http.ResponseWriter, r *router.Request) {
	p, err := h.invitationPage(r, r.URL.Query().Get("token"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r.Request, http.StatusOK, viewInvitation, p)
}

// invitationAccept joins the project, creating the account first when the
// visitor is not signed in, and then signs the new account in.
func (h *web) invitationAccept(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	token := r.PostForm.Get("token")
	p, err := h.invitationPage(r, token)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := p.Data.(invitationData)
	if r.Actor.Authenticated() {
		if _, err := h.Projects.Accept(r.Context(), r.Actor, token, nil); errors.Is(err, authz.ErrNotInvitee) {
			h.render(w, r.Request, http.StatusForbidden, viewInvitation, p) // the page says why
			return
		} else if err != nil {
			h.formError(w, r, viewInvitation, p, err)
			return
		}
		redirect(w, r, "/projects/"+d.Project.Slug, "joined")
		return
	}
	p.Form = url.Values{"name": {r.PostForm.Get("name")}}
	password := r.PostForm.Get("password")
	if err := authz.ValidatePassword(password); err != nil {
		h.formError(w, r, viewInvitation, p, validation.Errorf("password", "%s", err.Error()), "name", "password")
		return
	}
	hash, err := authz.HashPassword(password)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	acct := &projects.NewAccount{Name: r.PostForm.Get("name"), PasswordHash: hash}
	if _, err := h.Projects.Accept(r.Context(), r.Actor, token, acct); err != nil {
		h.formError(w, r, viewInvitation, p, err, "name", "password")
		return
	}
	res, err := h.signIn(w, r, d.Invitation.Email, password)
	if err != nil || res.MFAPending {
		// The account and membership exist; signing in by hand still works.
		http.Redirect(w, r.Request, loginURL("/projects/"+d.Project.Slug), http.StatusSeeOther)
		return
	}
	h.setSession(w, res.Session, authz.SessionTTL)
	redirect(w, r, "/projects/"+d.Project.Slug, "joined")
}
