// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"
	"time"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/router"
)

// participantsView is the case page's Participants card.
type participantsView struct {
	List      []participantRow
	Roles     []string
	CanManage bool
	CanRevoke bool
	// NewURL is the link of the participant just invited, shown once.
	NewURL string
}

type participantRow struct {
	ID                                                int64
	Email, Organization, Role, Status, Summary, Since string
}

// caseParticipants loads the case page's Participants card.
func (h *web) caseParticipants(r *router.Request) (*participantsView, error) {
	ps, err := h.Cases.Participants(r.Context(), r.Case)
	if err != nil {
		return nil, err
	}
	v := &participantsView{Roles: cases.ParticipantRoles, CanManage: can(r, authz.ActionParticipantManage),
		CanRevoke: can(r, authz.ActionParticipantRevoke)}
	day := func(ms int64) string { return time.UnixMilli(ms).UTC().Format("2 Jan 2006 15:04 UTC") }
	for _, p := range ps {
		row := participantRow{ID: p.ID, Email: p.Email, Organization: p.Organization, Role: p.Role,
			Status: cases.ParticipantStatus(p), Summary: p.Summary}
		switch row.Status {
		case cases.StatusRevoked:
			row.Since = day(p.RevokedAt)
		case cases.StatusAccepted:
			row.Since = day(p.AcceptedAt)
		default:
			row.Since = day(p.InvitedAt)
		}
		v.List = append(v.List, row)
	}
	return v, nil
}

// participantInvite invites a third party to the case and shows the case
// page with their link, this once.
func (h *web) participantInvite(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f := r.PostForm
	_, secret, err := h.Cases.InviteParticipant(r.Context(), r.Actor, r.Case.Key, cases.Invitee{Email: f.Get("email"),
		Organization: f.Get("organization"), Role: f.Get("role"), Message: f.Get("message"), Summary: f.Get("summary")})
	if err != nil {
		h.caseFormError(w, r, "participant", err, "email", "organization", "role", "message", "summary")
		return
	}
	p := h.casePage(w, r)
	if p == nil {
		return
	}
	d := p.Data.(caseShowData)
	d.Participants.NewURL = h.BaseURL + "/participate/" + secret
	p.Data = d
	p.Notice = "Participant invited. Pass the link below on to them; it is not shown again."
	h.render(w, r.Request, http.StatusOK, viewCaseShow, p)
}

// participantRevoke ends a participant's access at once.
func (h *web) participantRevoke(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := pathID(r, "id")
	if err == nil {
		err = h.Cases.RevokeParticipant(r.Context(), r.Actor, r.Case.Key, id)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key+"#participants", "participant-revoked")
}

// participantShare replaces what a participant sees of the case.
func (h *web) participantShare(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := pathID(r, "id")
	if err == nil {
		err = h.Cases.ShareWithParticipant(r.Context(), r.Actor, r.Case.Key, id, r.PostForm.Get("summary"))
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key+"#participants", "participant-shared")
}
