// SPDX-License-Identifier: AGPL-3.0-or-later

package cases

import (
	"context"
	"encoding/json"
	"errors"

	"embargo/internal/store"
	"embargo/internal/triage"
	"embargo/internal/validation"
)

// Missing is what a case lacks on record before it may move to a state:
// one entry a field of the triage record, each with what to do about it.
type Missing struct {
	Field   string
	Message string
}

// MissingFor returns what case c lacks before it may move to state to,
// nil when nothing. The rules follow the work: a case is accepted once
// the team confirmed the vulnerability, work on a fix starts once its
// severity and the affected products are known (the fix target and the
// advisory count on both), and a fix is ready once the plan names it.
func MissingFor(ctx context.Context, tx *store.Tx, c *store.Case, to string) ([]Missing, error) {
	var need []Missing
	needDecision := to == StateAccepted || to == StateFixing
	needImpact := to == StateFixing
	needFix := to == StateFixReady
	if !needDecision && !needImpact && !needFix {
		return nil, nil
	}
	rec, err := tx.TriageOf(ctx, c.ID)
	if errors.Is(err, store.ErrNotFound) {
		rec, err = &store.Triage{}, nil
	}
	if err != nil {
		return nil, err
	}
	if needDecision && rec.Decision != triage.DecisionConfirm {
		need = append(need, Missing{"triage.decision",
			`record the triage decision "confirmed" first: a case is accepted once the team confirmed the vulnerability`})
	}
	if needImpact {
		known := c.Severity != "" && c.Severity != "unknown"
		if !known {
			v, err := tx.LatestCVSS(ctx, c.ID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
			known = v != nil && v.Vector != ""
		}
		if !known {
			need = append(need, Missing{"cvss_vector", "set a CVSS vector or a severity first: the fix target depends on it"})
		}
		var affected []json.RawMessage
		if rec.Affected != "" {
			_ = json.Unmarshal([]byte(rec.Affected), &affected)
		}
		if len(affected) == 0 {
			need = append(need, Missing{"triage.affected", "name at least one affected product with its versions first"})
		}
	}
	if needFix {
		plan, err := tx.PlanOf(ctx, c.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		var refs []json.RawMessage
		if plan != nil && plan.FixRefs != "" {
			_ = json.Unmarshal([]byte(plan.FixRefs), &refs)
		}
		if len(refs) == 0 {
			need = append(need, Missing{"plan.fix_references", "add the fix to the remediation plan first (a commit, pull request or URL)"})
		}
	}
	return need, nil
}

// requireFields refuses the move of c to state to while MissingFor finds
// something, naming the first gap (the error's field) and every one.
func requireFields(ctx context.Context, tx *store.Tx, c *store.Case, to string) error {
	need, err := MissingFor(ctx, tx, c, to)
	if err != nil || len(need) == 0 {
		return err
	}
	msg := "a case moves to " + to + " only with its triage on record: " + need[0].Message
	for _, m := range need[1:] {
		msg += "; " + m.Message
	}
	return validation.Errorf(need[0].Field, "%s", msg)
}

// MissingForNext returns, for each state case c may move to next, the
// first thing its triage record lacks for that move (states it may move
// to already are left out): what the case page shows beside the buttons.
func (s *Service) MissingForNext(ctx context.Context, c *store.Case) (map[string]string, error) {
	out := map[string]string{}
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		for _, to := range NextStates(c.State) {
			need, err := MissingFor(ctx, tx, c, to)
			if err != nil {
				return err
			}
			if len(need) > 0 {
				msg := need[0].Message
				for _, m := range need[1:] {
					msg += "; " + m.Message
				}
				out[to] = msg
			}
		}
		return nil
	})
	return out, err
}
