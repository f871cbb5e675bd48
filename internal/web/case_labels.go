// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"
	"slices"

	"embargo/internal/router"
)

// caseLabels loads the labels card of the case page.
func (h *web) caseLabels(r *router.Request, sd *caseShowData) error {
	labels, err := h.Cases.Labels(r.Context(), []int64{sd.Case.ID})
	if err != nil {
		return err
	}
	sd.Labels = labels[sd.Case.ID]
	if sd.CanEdit {
		sd.ProjectLabels, err = h.Cases.ProjectLabels(r.Context(), sd.Case.ProjectID)
	}
	return err
}

// caseLabelAdd puts a label on the case.
func (h *web) caseLabelAdd(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Cases.AddLabel(r.Context(), r.Actor, r.Case.Key, r.PostForm.Get("label")); err != nil {
		h.caseFormError(w, r, "label", err, "label")
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key+"#labels-heading", "label-added")
}

// caseLabelRemove takes a label off the case.
func (h *web) caseLabelRemove(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Cases.RemoveLabel(r.Context(), r.Actor, r.Case.Key, r.PostForm.Get("label")); err != nil {
		h.caseFormError(w, r, "label", err, "label")
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key+"#labels-heading", "label-removed")
}

// describeLabelEvent tells a case.label event in words.
func describeLabelEvent(who string, before, after map[string]any) string {
	has := func(m map[string]any) map[string]bool {
		out := map[string]bool{}
		if list, ok := m["labels"].([]any); ok {
			for _, l := range list {
				out[str(l)] = true
			}
		}
		return out
	}
	was, is := has(before), has(after)
	var added, removed []string
	for l := range is {
		if !was[l] {
			added = append(added, l)
		}
	}
	for l := range was {
		if !is[l] {
			removed = append(removed, l)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	switch {
	case len(added) > 0 && len(removed) == 0:
		return who + " added the label " + joinWords(added)
	case len(removed) > 0 && len(added) == 0:
		return who + " removed the label " + joinWords(removed)
	}
	return who + " changed the labels"
}
