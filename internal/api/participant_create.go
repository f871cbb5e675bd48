// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/cases"
	"embargo/internal/router"
	"embargo/internal/store"
)

type participantCreateRequest struct {
	Email        string `json:"email"`
	Organization string `json:"organization"`
	Role         string `json:"role"`
	Message      string `json:"message"`
	Summary      string `json:"summary"`
}

// participantJSON is a case participant as the team sees it. The link is
// never part of it: only its hash is stored.
type participantJSON struct {
	ID           int64      `json:"id"`
	Email        string     `json:"email"`
	Organization string     `json:"organization"`
	Role         string     `json:"role"`
	Message      string     `json:"message"`
	Summary      string     `json:"summary"`
	Status       string     `json:"status"`
	InvitedBy    optionalID `json:"invited_by"`
	InvitedAt    timestamp  `json:"invited_at"`
	AcceptedAt   timestamp  `json:"accepted_at"`
	AcceptedBy   optionalID `json:"accepted_by"`
	RevokedAt    timestamp  `json:"revoked_at"`
}

func participantOut(p *store.Participant) participantJSON {
	return participantJSON{ID: p.ID, Email: p.Email, Organization: p.Organization, Role: p.Role, Message: p.Message,
		Summary: p.Summary, Status: cases.ParticipantStatus(p), InvitedBy: optionalID(p.InvitedBy),
		InvitedAt: timestamp(p.InvitedAt), AcceptedAt: timestamp(p.AcceptedAt), AcceptedBy: optionalID(p.AcceptedUserID),
		RevokedAt: timestamp(p.RevokedAt)}
}

// participantCreatedJSON is a new participant with its link, which is
// returned only here.
type participantCreatedJSON struct {
	participantJSON
	InviteURL string `json:"invite_url"`
}

// participantCreate answers POST /cases/{key}/participants with the new
// participant and the link to pass on to them.
func (a *api) participantCreate(w http.ResponseWriter, r *router.Request) {
	var req participantCreateRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	p, secret, err := a.Cases.InviteParticipant(r.Context(), r.Actor, r.Case.Key, cases.Invitee{Email: req.Email,
		Organization: req.Organization, Role: req.Role, Message: req.Message, Summary: req.Summary})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	created(w, "", participantCreatedJSON{participantJSON: participantOut(p), InviteURL: a.BaseURL + "/participate/" + secret})
}
