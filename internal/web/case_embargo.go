// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"
	"strings"
	"time"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/router"
	"embargo/internal/validation"
)

// localInput is the layout of an <input type="datetime-local">.
const localInput = "2006-01-02T15:04"

// embargoView is the case page's embargo card.
type embargoView struct {
	Countdown string
	Until     string // the end in words, in the project's time zone
	UntilISO  string
	Max       string // the policy's maximum in words
	SetByHand bool
	Over      bool // disclosed or closed: the end can no longer change
	// Input is the end in force as the date-time input shows it.
	Input       string
	Zone        string
	Extensions  []extensionView
	Broken      *cases.EmbargoBreak
	BrokenAt    string
	Agreements  []string
	CanOverride bool
}

type extensionView struct {
	From, To, At                              string
	AskedBy, Reason, Agreed, Override, ByName string
}

func newEmbargoView(e *cases.Embargo, now time.Time, over, canOverride bool) *embargoView {
	loc := e.Location
	words := func(t time.Time) string { return t.In(loc).Format("Mon 2 Jan 2006 15:04 MST") }
	v := &embargoView{Countdown: e.Countdown(now), Until: words(e.Until), UntilISO: e.Until.UTC().Format(time.RFC3339),
		Max: words(e.MaxUntil), SetByHand: e.SetByHand, Over: over, Input: e.Until.In(loc).Format(localInput),
		Zone: loc.String(), Broken: e.Broken, Agreements: cases.ReporterAgreements, CanOverride: canOverride}
	if e.Broken != nil {
		v.BrokenAt = words(e.Broken.At)
	}
	agreed := map[string]string{"yes": "the reporter agreed", "no": "the reporter did not agree", "not-asked": "the reporter was not asked"}
	for _, x := range e.Extensions {
		v.Extensions = append(v.Extensions, extensionView{From: words(time.UnixMilli(x.FromUntil)), To: words(time.UnixMilli(x.ToUntil)),
			At: words(time.UnixMilli(x.CreatedAt)), AskedBy: x.AskedBy, Reason: x.Reason, Agreed: agreed[x.ReporterAgreed],
			Override: x.OverrideReason, ByName: displayName(x.CreatedByName, "former member")})
	}
	return v
}

// embargoInput reads the form's end, given in the project's time zone.
func (h *web) embargoInput(r *router.Request) (time.Time, error) {
	e, err := h.Cases.EmbargoOf(r.Context(), r.Case)
	if err != nil {
		return time.Time{}, err
	}
	v := strings.TrimSpace(r.PostForm.Get("embargo_until"))
	t, err := time.ParseInLocation(localInput, v, e.Location)
	if err != nil {
		return time.Time{}, validation.Errorf("embargo_until", "must be a date and time, e.g. 2027-03-03T14:00")
	}
	return t, nil
}

// caseEmbargoSet sets the case's embargo end by hand.
func (h *web) caseEmbargoSet(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	until, err := h.embargoInput(r)
	if err == nil {
		_, err = h.Cases.SetEmbargo(r.Context(), r.Actor, r.Case.Key,
			cases.EmbargoEnd{Until: until, OverrideReason: r.PostForm.Get("embargo_override_reason")})
	}
	if err != nil {
		h.caseFormError(w, r, "embargo", err, "embargo_until", "embargo_override_reason")
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key+"#embargo", "case-saved")
}

// caseEmbargoExtend extends the case's embargo, recording who asked, why
// and whether the reporter agreed.
func (h *web) caseEmbargoExtend(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	until, err := h.embargoInput(r)
	if err == nil {
		f := r.PostForm
		_, err = h.Cases.ExtendEmbargo(r.Context(), r.Actor, r.Case.Key, cases.EmbargoExtension{
			EmbargoEnd: cases.EmbargoEnd{Until: until, OverrideReason: f.Get("embargo_override_reason")},
			AskedBy:    f.Get("asked_by"), Reason: f.Get("reason"), ReporterAgreed: f.Get("reporter_agreed")})
	}
	if err != nil {
		h.caseFormError(w, r, "embargo-extend", err, "embargo_until", "embargo_override_reason", "asked_by", "reason", "reporter_agreed")
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key+"#embargo", "case-saved")
}

// caseEmbargoBroken records the case's embargo as broken.
func (h *web) caseEmbargoBroken(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Cases.MarkEmbargoBroken(r.Context(), r.Actor, r.Case.Key,
		cases.EmbargoBreach{Where: r.PostForm.Get("where"), Reaction: r.PostForm.Get("reaction")}); err != nil {
		h.caseFormError(w, r, "embargo-broken", err, "where", "reaction")
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key+"#embargo", "case-saved")
}

// isProjectAdmin reports whether the request's actor leads the case's
// project, who alone may set an embargo end beyond the policy's maximum.
func isProjectAdmin(r *router.Request) bool {
	return r.Actor != nil && r.Case != nil && r.Actor.Roles[r.Case.ProjectID] == authz.RoleAdmin
}
