// SPDX-License-Identifier: AGPL-3.0-or-later

package cases

import (
	"context"
	"slices"
	"strings"

	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// Label limits. Labels are free text, so that a team can start using one
// by typing it; each project keeps the set its cases carry.
const (
	MaxLabel         = 40
	MaxLabelsPerCase = 20
)

// NormaliseLabel checks a label and returns it in its stored form: lower
// case, with letters, digits and ". _ - : /" only, starting with a letter
// or digit, at most MaxLabel characters. field names the input in errors.
func NormaliseLabel(field, name string) (string, error) {
	if err := validation.RefuseDeceptive(field, name); err != nil {
		return "", err
	}
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		return "", validation.Errorf(field, "is required")
	}
	if len(name) > MaxLabel {
		return "", validation.Errorf(field, "is longer than %d characters", MaxLabel)
	}
	for i, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		if !ok && (i == 0 || !strings.ContainsRune("._-:/", r)) {
			return "", validation.Errorf(field, "may hold only letters a–z, digits and . _ - : / and must start with a letter or digit")
		}
	}
	return name, nil
}

// AddLabel puts a label on case key, recording a "case.label" event with
// the labels before and after. A case that has the label already is left
// as it is; one that has MaxLabelsPerCase labels refuses more.
func (s *Service) AddLabel(ctx context.Context, actor *authz.Actor, key, label string) ([]string, error) {
	name, err := NormaliseLabel("label", label)
	if err != nil {
		return nil, err
	}
	var out []string
	err = s.Store.Write(ctx, func(tx *store.Tx) error {
		c, err := load(ctx, tx, key)
		if err != nil {
			return err
		}
		old, err := tx.LabelsOfCases(ctx, []int64{c.ID})
		if err != nil {
			return err
		}
		before := nonNilStrings(old[c.ID])
		if slices.Contains(before, name) {
			out = before
			return nil
		}
		if len(before) >= MaxLabelsPerCase {
			return validation.Errorf("label", "a case carries at most %d labels", MaxLabelsPerCase)
		}
		now := clock.Millis(s.Clock.Now())
		id, err := tx.EnsureLabel(ctx, c.ProjectID, name, now)
		if err != nil {
			return err
		}
		if _, err := tx.AddCaseLabel(ctx, c.ID, id); err != nil {
			return err
		}
		out = append(slices.Clone(before), name)
		slices.Sort(out)
		return s.touchAndRecordLabels(ctx, tx, actor, c, before, out, now)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RemoveLabel takes a label off case key, recording a "case.label" event;
// a case without that label is left as it is.
func (s *Service) RemoveLabel(ctx context.Context, actor *authz.Actor, key, label string) ([]string, error) {
	name, err := NormaliseLabel("label", label)
	if err != nil {
		return nil, err
	}
	var out []string
	err = s.Store.Write(ctx, func(tx *store.Tx) error {
		c, err := load(ctx, tx, key)
		if err != nil {
			return err
		}
		old, err := tx.LabelsOfCases(ctx, []int64{c.ID})
		if err != nil {
			return err
		}
		before := nonNilStrings(old[c.ID])
		out = before
		removed, err := tx.RemoveCaseLabel(ctx, c.ProjectID, c.ID, name)
		if err != nil || !removed {
			return err
		}
		out = slices.DeleteFunc(slices.Clone(before), func(l string) bool { return l == name })
		return s.touchAndRecordLabels(ctx, tx, actor, c, before, out, clock.Millis(s.Clock.Now()))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) touchAndRecordLabels(ctx context.Context, tx *store.Tx, actor *authz.Actor, c *store.Case, before, after []string, now int64) error {
	c.UpdatedAt = now
	if err := tx.UpdateCase(ctx, c); err != nil {
		return err
	}
	return s.record(ctx, tx, actor, "case.label", c, "", "", map[string]any{"labels": before},
		map[string]any{"labels": nonNilStrings(after)})
}

// Labels returns the labels of each of the given cases, by name; cases
// without labels are absent from the map.
func (s *Service) Labels(ctx context.Context, caseIDs []int64) (map[int64][]string, error) {
	var out map[int64][]string
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.LabelsOfCases(ctx, caseIDs)
		return err
	})
	return out, err
}

// ProjectLabels returns the labels the cases of a project carry, by name.
func (s *Service) ProjectLabels(ctx context.Context, projectID int64) ([]string, error) {
	var out []string
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ProjectLabels(ctx, projectID)
		return err
	})
	return out, err
}

func nonNilStrings(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}
