// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"
	"strings"
	"time"

	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/router"
)

// embargoJSON is a case's embargo as GET /cases/{key} shows it.
type embargoJSON struct {
	Start       timestamp       `json:"start"`
	Until       timestamp       `json:"until"`
	SetByHand   bool            `json:"set_by_hand"`
	MaxUntil    timestamp       `json:"max_until"`
	DaysLeft    int             `json:"days_left"`
	Countdown   string          `json:"countdown"`
	DisclosedAt timestamp       `json:"disclosed_at"`
	Extensions  []extensionJSON `json:"extensions"`
	Broken      *brokenJSON     `json:"broken"`
}

type extensionJSON struct {
	ID             int64      `json:"id"`
	From           timestamp  `json:"from"`
	To             timestamp  `json:"to"`
	AskedBy        string     `json:"asked_by"`
	Reason         string     `json:"reason"`
	ReporterAgreed string     `json:"reporter_agreed"`
	OverrideReason string     `json:"override_reason"`
	By             optionalID `json:"by"`
	At             timestamp  `json:"at"`
}

type brokenJSON struct {
	At       timestamp `json:"at"`
	Where    string    `json:"where"`
	Reaction string    `json:"reaction"`
}

func embargoOut(e *cases.Embargo, now time.Time) *embargoJSON {
	out := &embargoJSON{Start: timestamp(clock.Millis(e.Start)), Until: timestamp(clock.Millis(e.Until)),
		SetByHand: e.SetByHand, MaxUntil: timestamp(clock.Millis(e.MaxUntil)), DaysLeft: e.DaysLeft(now),
		Countdown: e.Countdown(now), Extensions: []extensionJSON{}}
	if !e.DisclosedAt.IsZero() {
		out.DisclosedAt = timestamp(clock.Millis(e.DisclosedAt))
	}
	for _, x := range e.Extensions {
		out.Extensions = append(out.Extensions, extensionJSON{ID: x.ID, From: timestamp(x.FromUntil), To: timestamp(x.ToUntil),
			AskedBy: x.AskedBy, Reason: x.Reason, ReporterAgreed: x.ReporterAgreed, OverrideReason: x.OverrideReason,
			By: optionalID(x.CreatedBy), At: timestamp(x.CreatedAt)})
	}
	if b := e.Broken; b != nil {
		out.Broken = &brokenJSON{At: timestamp(clock.Millis(b.At)), Where: b.Where, Reaction: b.Reaction}
	}
	return out
}

// parseEmbargoUntil reads an embargo end given in RFC 3339.
func parseEmbargoUntil(field, v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}, &badRequest{status: http.StatusUnprocessableEntity, code: "invalid", field: field,
			message: field + ": must be a date and time in RFC 3339, e.g. 2027-03-03T14:00:00Z"}
	}
	return t, nil
}

type embargoExtensionRequest struct {
	EmbargoUntil   string `json:"embargo_until"`
	AskedBy        string `json:"asked_by"`
	Reason         string `json:"reason"`
	ReporterAgreed string `json:"reporter_agreed"`
	OverrideReason string `json:"embargo_override_reason"`
}

// caseEmbargoExtend answers POST /cases/{key}/embargo/extensions: it moves
// the embargo end later and records who asked, why and whether the
// reporter agreed. A past end, one not later than the end in force, or
// one beyond the policy's maximum without a project admin's override is a
// 422 naming the limit.
func (a *api) caseEmbargoExtend(w http.ResponseWriter, r *router.Request) {
	var req embargoExtensionRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	until, err := parseEmbargoUntil("embargo_until", req.EmbargoUntil)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.Cases.ExtendEmbargo(r.Context(), r.Actor, r.Case.Key, cases.EmbargoExtension{
		EmbargoEnd: cases.EmbargoEnd{Until: until, OverrideReason: req.OverrideReason},
		AskedBy:    req.AskedBy, Reason: req.Reason, ReporterAgreed: req.ReporterAgreed})
	a.answerCase(w, r, c, err, http.StatusCreated)
}

type embargoBrokenRequest struct {
	Where    string `json:"where"`
	Reaction string `json:"reaction"`
}

// caseEmbargoBroken answers POST /cases/{key}/embargo/broken: it records
// that the issue was public before the embargo's end, where it was seen
// and the team's reaction.
func (a *api) caseEmbargoBroken(w http.ResponseWriter, r *router.Request) {
	var req embargoBrokenRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.Cases.MarkEmbargoBroken(r.Context(), r.Actor, r.Case.Key, cases.EmbargoBreach{Where: req.Where, Reaction: req.Reaction})
	a.answerCase(w, r, c, err, http.StatusOK)
}
