// SPDX-License-Identifier: AGPL-3.0-or-later

package cases

import (
	"context"
	"errors"
	"slices"
	"strings"

	"embargo/internal/authz"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// MaxBulk bounds how many cases one bulk action names.
const MaxBulk = 100

// Bulk actions.
const (
	BulkAssign     = "assign"     // add an assignee
	BulkLabel      = "label"      // add a label
	BulkTransition = "transition" // move to another state
)

// BulkActions lists the bulk actions.
var BulkActions = []string{BulkAssign, BulkLabel, BulkTransition}

// BulkOp is one action applied to several cases of a project.
type BulkOp struct {
	Action     string
	AssigneeID int64      // for BulkAssign
	Label      string     // for BulkLabel
	Transition Transition // for BulkTransition
}

// BulkResult is what a bulk action did to one case: done, or refused
// with a message for the person who asked.
type BulkResult struct {
	Key     string
	OK      bool
	Code    string // when refused: "not_found", "forbidden", "invalid" or "conflict"
	Message string // when refused
}

// Bulk applies op to each of the named cases of project p, one case at a
// time and each in its own transaction, with exactly the checks of the
// single action: the actor's permission on that case (authz.Can with the
// action of the single route), then the domain's rules. A key that names
// no case of p, including a case of another project, is refused as not
// found, so the answer never tells whether it exists elsewhere. Results
// come in the order of keys, duplicates dropped. A malformed op or list
// is a *validation.Error and touches nothing; a failure other than a
// refusal stops the run and is returned with the results so far.
func (s *Service) Bulk(ctx context.Context, actor *authz.Actor, p *store.Project, keys []string, op BulkOp) ([]BulkResult, error) {
	if err := validation.OneOf("action", op.Action, BulkActions...); err != nil {
		return nil, err
	}
	var permission authz.Action
	var apply func(key string) error
	switch op.Action {
	case BulkAssign:
		if op.AssigneeID <= 0 {
			return nil, validation.Errorf("assignee_id", "is required")
		}
		permission = authz.ActionCaseEdit
		apply = func(key string) error {
			_, err := s.AddAssignee(ctx, actor, key, op.AssigneeID)
			return err
		}
	case BulkLabel:
		name, err := NormaliseLabel("label", op.Label)
		if err != nil {
			return nil, err
		}
		permission = authz.ActionCaseEdit
		apply = func(key string) error {
			_, err := s.AddLabel(ctx, actor, key, name)
			return err
		}
	case BulkTransition:
		if !ValidState(strings.TrimSpace(op.Transition.To)) {
			return nil, validation.Errorf("to", "unknown state %q; states are %s", op.Transition.To, strings.Join(States, ", "))
		}
		permission = authz.ActionCaseTransition
		apply = func(key string) error {
			_, err := s.Move(ctx, actor, key, op.Transition)
			return err
		}
	}
	var list []string
	for _, k := range keys {
		k = strings.ToUpper(strings.TrimSpace(k))
		if k != "" && !slices.Contains(list, k) {
			list = append(list, k)
		}
	}
	if len(list) == 0 {
		return nil, validation.Errorf("keys", "name at least one case")
	}
	if len(list) > MaxBulk {
		return nil, validation.Errorf("keys", "at most %d cases at once", MaxBulk)
	}
	out := make([]BulkResult, 0, len(list))
	for _, key := range list {
		res := BulkResult{Key: key}
		err := s.bulkOne(ctx, actor, p, key, permission, apply)
		var verr *validation.Error
		var conflict *validation.Conflict
		var nf *validation.NotFound
		switch {
		case err == nil:
			res.OK = true
		case errors.As(err, &nf):
			res.Code, res.Message = "not_found", "no case "+key+" in this project"
		case errors.Is(err, authz.ErrMFARequired):
			res.Code, res.Message = "forbidden", "this project requires two-factor authentication"
		case errors.Is(err, authz.ErrArchived):
			res.Code, res.Message = "forbidden", "the project is archived"
		case errors.Is(err, authz.ErrForbidden), errors.Is(err, authz.ErrUnauthenticated):
			res.Code, res.Message = "forbidden", "you may not do this to "+key
		case errors.As(err, &verr):
			res.Code, res.Message = "invalid", verr.Error()
		case errors.As(err, &conflict):
			res.Code, res.Message = "conflict", conflict.Message
		default:
			return out, err
		}
		out = append(out, res)
	}
	return out, nil
}

// bulkOne authorizes and applies one item of a bulk action.
func (s *Service) bulkOne(ctx context.Context, actor *authz.Actor, p *store.Project, key string,
	permission authz.Action, apply func(key string) error) error {
	if len(key) > 64 || strings.ContainsFunc(key, func(r rune) bool { return r <= 0x20 || r >= 0x7f }) {
		// Such a key cannot exist; PostgreSQL would even reject a NUL.
		return &validation.NotFound{What: "case"}
	}
	var c *store.Case
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		c, err = tx.CaseByKey(ctx, key, false)
		return err
	})
	if errors.Is(err, store.ErrNotFound) || err == nil && c.ProjectID != p.ID {
		return &validation.NotFound{What: "case " + key}
	}
	if err != nil {
		return err
	}
	res := authz.Resource{Kind: authz.KindCase, ProjectID: p.ID, CaseID: c.ID, RequireMFA: p.RequireMFA,
		Archived: p.ArchivedAt != 0}
	if err := authz.Can(actor, permission, res); err != nil {
		return err
	}
	return apply(key)
}
