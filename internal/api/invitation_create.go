// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"
	"net/url"

	"embargo/internal/router"
)

type invitationCreateRequest struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

// invitationCreatedJSON is an invitation with its one-time link, which is
// returned only here.
type invitationCreatedJSON struct {
	invitationJSON
	AcceptURL string `json:"accept_url"`
}

// invitationCreate answers POST /projects/{slug}/invitations with the
// invitation and the link to pass on to the invitee.
func (a *api) invitationCreate(w http.ResponseWriter, r *router.Request) {
	var req invitationCreateRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	in, secret, err := a.Projects.Invite(r.Context(), r.Actor, r.Project, req.Email, req.Role)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := invitationCreatedJSON{invitationJSON: invitationOut(in),
		AcceptURL: a.BaseURL + "/invitations/accept?token=" + url.QueryEscape(secret)}
	created(w, "", out)
}
