// SPDX-License-Identifier: AGPL-3.0-or-later

package cases

import (
	"context"
	"errors"
	"slices"
	"strings"

	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/cvss"
	"embargo/internal/cwe"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// MaxCWEs bounds how many CWE entries one case is classified under.
const MaxCWEs = 20

// Edit is a change to a case's content and classification, applied in one
// transaction. Nil fields are left unchanged.
type Edit struct {
	Input
	// CVSSVector sets the case's CVSS v3.1 or v4.0 vector; the case's
	// severity then follows the vector's rating. An empty string clears
	// the score and leaves the severity as it is.
	CVSSVector *string
	// CWEIDs replaces the CWE entries the case is classified under
	// ("CWE-79" or "79"); an empty list clears them.
	CWEIDs *[]string
	// Embargo sets the embargo end by hand ("case.embargo.set"): see
	// SetEmbargo.
	Embargo *EmbargoEnd
}

// Classification is a case's CVSS score with its history and its CWEs.
type Classification struct {
	CVSS    *store.CVSS   // the current score; nil when none
	History []*store.CVSS // every vector set or cleared, newest first
	CWEs    []cwe.Entry   // by ID ascending
}

// SetCVSS sets (or, with an empty vector, clears) a case's CVSS vector:
// see Edit.CVSSVector.
func (s *Service) SetCVSS(ctx context.Context, actor *authz.Actor, key, vector string) (*store.Case, error) {
	return s.Edit(ctx, actor, key, Edit{CVSSVector: &vector})
}

// SetCWEs replaces the CWE entries a case is classified under: see
// Edit.CWEIDs.
func (s *Service) SetCWEs(ctx context.Context, actor *authz.Actor, key string, ids []string) (*store.Case, error) {
	return s.Edit(ctx, actor, key, Edit{CWEIDs: &ids})
}

// Edit applies e in one transaction, recording one audit event for each of
// the content ("case.update"), the CVSS score ("case.cvss") and the CWEs
// ("case.cwe") that changed, and the embargo end ("case.embargo.set").
// A bad vector, an unknown CWE, or a severity
// that contradicts the vector's rating is a *validation.Error and changes
// nothing.
func (s *Service) Edit(ctx context.Context, actor *authz.Actor, key string, e Edit) (*store.Case, error) {
	var score *cvss.Score
	if e.CVSSVector != nil && strings.TrimSpace(*e.CVSSVector) != "" {
		var err error
		if score, err = cvss.Parse(*e.CVSSVector); err != nil {
			return nil, validation.Errorf("cvss_vector", "%s", err.Error())
		}
		if e.Severity != nil && strings.TrimSpace(*e.Severity) != strings.ToLower(score.Rating) {
			return nil, validation.Errorf("severity", "contradicts the CVSS rating %q; leave severity out when setting a CVSS vector",
				strings.ToLower(score.Rating))
		}
	}
	var cwes []int
	if e.CWEIDs != nil {
		var err error
		if cwes, err = validateCWEs(*e.CWEIDs); err != nil {
			return nil, err
		}
	}
	var c *store.Case
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = load(ctx, tx, key); err != nil {
			return err
		}
		now := clock.Millis(s.Clock.Now())
		if e.Embargo != nil {
			if err := s.changeEmbargoIn(ctx, tx, actor, c, *e.Embargo, nil); err != nil {
				return err
			}
		}
		before := snapshot(c)
		if err := e.Input.validate(c); err != nil {
			return err
		}
		changedBefore, changedAfter := diff(before, snapshot(c))
		if len(changedAfter) > 0 {
			c.UpdatedAt = now
			if err := tx.UpdateCase(ctx, c); err != nil {
				return err
			}
			if err := s.syncDeadlines(ctx, tx, c); err != nil {
				return err
			}
			if err := s.record(ctx, tx, actor, "case.update", c, "", "", changedBefore, changedAfter); err != nil {
				return err
			}
		}
		if e.CVSSVector != nil {
			if err := s.setCVSS(ctx, tx, actor, c, score, now); err != nil {
				return err
			}
		}
		if e.CWEIDs != nil {
			if err := s.setCWEs(ctx, tx, actor, c, cwes, now); err != nil {
				return err
			}
		}
		return syncPriority(ctx, tx, c)
	})
	if err != nil {
		if verr, ok := errors.AsType[*validation.Error](err); ok && e.Embargo != nil && strings.HasPrefix(verr.Field, "embargo") {
			s.recordRefusal(ctx, actor, key, "case.embargo.set", *e.Embargo, err)
		}
		return nil, err
	}
	return c, nil
}

// setCVSS records score (nil to clear) as c's current CVSS score and makes
// c's severity follow its rating. Setting the current vector again, or
// clearing a case without a score, changes nothing.
func (s *Service) setCVSS(ctx context.Context, tx *store.Tx, actor *authz.Actor, c *store.Case, score *cvss.Score, now int64) error {
	old, err := tx.LatestCVSS(ctx, c.ID)
	if errors.Is(err, store.ErrNotFound) {
		old, err = &store.CVSS{}, nil
	}
	if err != nil {
		return err
	}
	next := &store.CVSS{CaseID: c.ID, SetBy: actor.UserID, SetAt: now}
	if score != nil {
		next.Vector, next.Version, next.Score, next.Rating = score.Vector, score.Version, score.Tenths, score.Rating
	}
	if next.Vector == old.Vector {
		return nil
	}
	before := cvssSnapshot(old, c.Severity)
	if score != nil {
		c.Severity = strings.ToLower(score.Rating)
	}
	c.UpdatedAt = now
	if err := tx.UpdateCase(ctx, c); err != nil {
		return err
	}
	if err := tx.AddCVSS(ctx, next); err != nil {
		return err
	}
	return s.record(ctx, tx, actor, "case.cvss", c, "", "", before, cvssSnapshot(next, c.Severity))
}

func cvssSnapshot(v *store.CVSS, severity string) map[string]any {
	m := map[string]any{"cvss_vector": v.Vector, "cvss_score": nil, "cvss_rating": v.Rating, "severity": severity}
	if v.Vector != "" {
		m["cvss_score"] = (&cvss.Score{Tenths: v.Score}).String()
	}
	return m
}

// setCWEs replaces c's CWEs (numbers, sorted, distinct) if they differ.
func (s *Service) setCWEs(ctx context.Context, tx *store.Tx, actor *authz.Actor, c *store.Case, ids []int, now int64) error {
	old, err := tx.CWEsOfCases(ctx, []int64{c.ID})
	if err != nil {
		return err
	}
	if slices.Equal(old[c.ID], ids) {
		return nil
	}
	c.UpdatedAt = now
	if err := tx.UpdateCase(ctx, c); err != nil {
		return err
	}
	if err := tx.SetCaseCWEs(ctx, c.ID, ids); err != nil {
		return err
	}
	return s.record(ctx, tx, actor, "case.cwe", c, "", "", map[string]any{"cwe_ids": cweKeys(old[c.ID])},
		map[string]any{"cwe_ids": cweKeys(ids)})
}

// validateCWEs checks and normalises CWE IDs to sorted, distinct numbers.
func validateCWEs(ids []string) ([]int, error) {
	out := []int{}
	for _, id := range ids {
		e, err := cwe.Validate(id)
		if err != nil {
			return nil, validation.Errorf("cwe_ids", "%s", err.Error())
		}
		out = append(out, e.ID)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > MaxCWEs {
		return nil, validation.Errorf("cwe_ids", "at most %d CWE entries", MaxCWEs)
	}
	return out, nil
}

// CWEKey names CWE number id as "CWE-79".
func CWEKey(id int) string { return cwe.Entry{ID: id}.Key() }

func cweKeys(ids []int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = CWEKey(id)
	}
	return out
}

// Classification returns a case's CVSS score, its history and its CWEs.
func (s *Service) Classification(ctx context.Context, caseID int64) (*Classification, error) {
	out := &Classification{}
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		if out.History, err = tx.CVSSHistory(ctx, caseID); err != nil {
			return err
		}
		if len(out.History) > 0 && out.History[0].Vector != "" {
			out.CVSS = out.History[0]
		}
		ids, err := tx.CWEsOfCases(ctx, []int64{caseID})
		if err != nil {
			return err
		}
		out.CWEs = entries(ids[caseID])
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// entries looks CWE numbers up; one no longer in the catalogue (stored
// under an older one) keeps its number with an empty name.
func entries(ids []int) []cwe.Entry {
	out := make([]cwe.Entry, 0, len(ids))
	for _, id := range ids {
		e, ok := cwe.Lookup(CWEKey(id))
		if !ok {
			e = cwe.Entry{ID: id}
		}
		out = append(out, e)
	}
	return out
}

// Classifications returns the current CVSS score and the CWE numbers of
// each of the given cases, in two queries; cases without them are absent
// from the maps.
func (s *Service) Classifications(ctx context.Context, caseIDs []int64) (map[int64]*store.CVSS, map[int64][]int, error) {
	var scores map[int64]*store.CVSS
	var cwes map[int64][]int
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		if scores, err = tx.CurrentCVSSOfCases(ctx, caseIDs); err != nil {
			return err
		}
		cwes, err = tx.CWEsOfCases(ctx, caseIDs)
		return err
	})
	return scores, cwes, err
}
