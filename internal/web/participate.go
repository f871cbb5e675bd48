// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/projects"
	"embargo/internal/router"
	"embargo/internal/validation"
)

// participateData is the participant link's page: the embargo terms, and
// nothing of the case but its project and embargo end.
type participateData struct {
	Link     string
	Terms    *cases.Terms
	Until    string // the embargo's end in words, in the project's time zone
	UntilISO string
	Accepted bool
	// Mine is set when the signed-in account is the one that accepted.
	Mine     bool
	LoginURL string
	// Refusal is why the signed-in account may not accept: the link was
	// sent to another address.
	Refusal string
}

// participatePage loads the terms behind the link in the request's path.
func (h *web) participatePage(r *router.Request) (*page, error) {
	link := r.PathValue("link")
	if !strings.HasPrefix(link, cases.ParticipantLinkPrefix) || len(link) > 100 {
		return nil, &validation.NotFound{What: "participant link"}
	}
	t, err := h.Cases.ParticipantTerms(r.Context(), link)
	if err != nil {
		return nil, err
	}
	loc := t.Embargo.Location
	if loc == nil {
		loc = time.UTC
	}
	part := t.Participant
	d := participateData{Link: link, Terms: t, Until: t.Embargo.Until.In(loc).Format("Mon 2 Jan 2006 15:04 MST"),
		UntilISO: t.Embargo.Until.UTC().Format(time.RFC3339), Accepted: part.AcceptedAt != 0,
		LoginURL: loginURL("/participate/" + link)}
	if r.Actor.Authenticated() {
		d.Mine = d.Accepted && part.AcceptedUserID == r.Actor.UserID
		if err := authz.CheckInvitee(r.Actor.Email, part.Email); err != nil && !d.Accepted {
			d.Refusal = upperFirst(err.Error()) + "."
		}
	}
	p := newPage(r, "Embargo terms: "+t.Project.Name)
	p.Data = d
	return p, nil
}

// participateForm shows the embargo terms to whoever holds the link,
// never the case's title or content. The invitee accepts them signed in
// with the invited address, or creates their account under it here.
func (h *web) participateForm(w http.ResponseWriter, r *router.Request) {
	p, err := h.participatePage(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if d := p.Data.(participateData); d.Mine {
		http.Redirect(w, r.Request, "/cases/"+d.Terms.CaseKey+"/participant", http.StatusSeeOther)
		return
	}
	h.render(w, r.Request, http.StatusOK, viewParticipate, p)
}

// participateAccept records the acceptance of the terms, creating the
// account first when the visitor is not signed in, and opens the
// participant's view of the case.
func (h *web) participateAccept(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.participatePage(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := p.Data.(participateData)
	p.Form = r.PostForm
	if r.PostForm.Get("agree") != "yes" {
		h.formError(w, r, viewParticipate, p, validation.Errorf("agree", "tick the box to accept the embargo terms"), "agree")
		return
	}
	if r.Actor.Authenticated() {
		key, err := h.Cases.AcceptParticipation(r.Context(), r.Actor, d.Link, nil)
		if errors.Is(err, authz.ErrNotInvitee) {
			h.render(w, r.Request, http.StatusForbidden, viewParticipate, p) // the page says why
			return
		} else if err != nil {
			h.formError(w, r, viewParticipate, p, err)
			return
		}
		redirect(w, r, "/cases/"+key+"/participant", "participation-accepted")
		return
	}
	password := r.PostForm.Get("password")
	if err := authz.ValidatePassword(password); err != nil {
		h.formError(w, r, viewParticipate, p, validation.Errorf("password", "%s", err.Error()), "name", "password")
		return
	}
	hash, err := authz.HashPassword(password)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	key, err := h.Cases.AcceptParticipation(r.Context(), r.Actor, d.Link,
		&projects.NewAccount{Name: r.PostForm.Get("name"), PasswordHash: hash})
	if err != nil {
		h.formError(w, r, viewParticipate, p, err, "name", "password")
		return
	}
	next := "/cases/" + key + "/participant"
	res, err := h.signIn(w, r, d.Terms.Participant.Email, password)
	if err != nil || res.MFAPending {
		// The account and the acceptance exist; signing in by hand works.
		http.Redirect(w, r.Request, loginURL(next), http.StatusSeeOther)
		return
	}
	h.setSession(w, res.Session, authz.SessionTTL)
	redirect(w, r, next, "participation-accepted")
}
