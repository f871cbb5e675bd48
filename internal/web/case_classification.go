// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"fmt"
	"net/http"
	"strings"

	"embargo/internal/cases"
	"embargo/internal/cvss"
	"embargo/internal/cwe"
	"embargo/internal/router"
	"embargo/internal/validation"
)

// classificationView is the case page's CVSS and CWE card.
type classificationView struct {
	// Score, Vector and Rating describe the current CVSS score; Score is
	// "" when the case has none.
	Score, Vector, Rating string
	History               []cvssItem
	CWEs                  []cweItem
	// CVSSForm and CWEForm are the values the forms show: the case's own,
	// or a refused post's.
	CVSSForm string
	CWEForm  string
	// CWEQuery is a search of the CWE catalogue (?cwe_q=…) and CWEFound
	// its matches, offered beside the CWE form.
	CWEQuery   string
	CWEFound   []cweItem
	CWEVersion string
}

// maxCWEResults bounds the CWE search shown on the case page.
const maxCWEResults = 25

// searchCWE fills in the matches of a CWE search; a query too long or
// not one line finds nothing.
func (v *classificationView) searchCWE(q string) {
	q, err := validation.Text("cwe_q", q, false, 200, false)
	if err != nil || q == "" {
		return
	}
	v.CWEQuery = q
	for _, e := range cwe.Search(q, maxCWEResults) {
		v.CWEFound = append(v.CWEFound, cweItem{Key: e.Key(), Name: e.Name, URL: cweURL(e)})
	}
}

// cvssItem is one entry of a case's CVSS history.
type cvssItem struct {
	Vector, Score, Rating, By string
	At                        int64
}

// cweItem is one CWE entry a case is classified under.
type cweItem struct {
	Key, Name, URL string
}

func newClassificationView(c *cases.Classification) *classificationView {
	v := &classificationView{CWEVersion: cwe.Version()}
	if c.CVSS != nil {
		v.Score, v.Vector, v.Rating = tenths(c.CVSS.Score), c.CVSS.Vector, c.CVSS.Rating
		v.CVSSForm = c.CVSS.Vector
	}
	for _, x := range c.History {
		it := cvssItem{Vector: x.Vector, Rating: x.Rating, By: x.SetByName, At: x.SetAt}
		if x.Vector != "" {
			it.Score = tenths(x.Score)
		}
		if it.By == "" {
			it.By = "former member"
		}
		v.History = append(v.History, it)
	}
	keys := make([]string, len(c.CWEs))
	for i, e := range c.CWEs {
		keys[i] = e.Key()
		v.CWEs = append(v.CWEs, cweItem{Key: e.Key(), Name: e.Name, URL: cweURL(e)})
	}
	v.CWEForm = strings.Join(keys, ", ")
	return v
}

// tenths formats a score stored in tenths with one decimal.
func tenths(n int) string { return (&cvss.Score{Tenths: n}).String() }

// caseCVSS sets or (with an empty vector) clears a case's CVSS vector; the
// case's severity follows the vector's rating.
func (h *web) caseCVSS(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Cases.SetCVSS(r.Context(), r.Actor, r.Case.Key, r.PostForm.Get("cvss_vector")); err != nil {
		h.caseFormError(w, r, "cvss", err, "cvss_vector")
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key, "case-saved")
}

// caseCWE replaces the CWE entries a case is classified under, given as
// one field of IDs separated by commas or spaces ("CWE-79, 787").
func (h *web) caseCWE(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	ids := strings.FieldsFunc(r.PostForm.Get("cwe_ids"), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
	if ids == nil {
		ids = []string{}
	}
	if _, err := h.Cases.SetCWEs(r.Context(), r.Actor, r.Case.Key, ids); err != nil {
		h.caseFormError(w, r, "cwe", err, "cwe_ids")
		return
	}
	redirect(w, r, "/cases/"+r.Case.Key, "case-saved")
}

// describeCVSSEvent tells a case.cvss event in words.
func describeCVSSEvent(who string, before, after map[string]any) string {
	vector := str(after["cvss_vector"])
	if vector == "" {
		return who + " cleared the CVSS score " + str(before["cvss_score"])
	}
	return fmt.Sprintf("%s set the CVSS score to %s (%s): %s", who, str(after["cvss_score"]), str(after["cvss_rating"]), vector)
}

// describeCWEEvent tells a case.cwe event in words.
func describeCWEEvent(who string, after map[string]any) string {
	var ids []string
	if list, ok := after["cwe_ids"].([]any); ok {
		for _, id := range list {
			ids = append(ids, str(id))
		}
	}
	if len(ids) == 0 {
		return who + " removed the CWE classification"
	}
	return who + " classified the case as " + joinWords(ids)
}

// cweURL is the entry's page on MITRE's site.
func cweURL(e cwe.Entry) string {
	return fmt.Sprintf("https://cwe.mitre.org/data/definitions/%d.html", e.ID)
}
