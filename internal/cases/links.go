// SPDX-License-Identifier: AGPL-3.0-or-later

package cases

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// caseResource is case c of project p as the authorization policy sees it.
func caseResource(p *store.Project, c *store.Case) authz.Resource {
	r := projectResource(p)
	r.Kind, r.CaseID = authz.KindCase, c.ID
	return r
}

// LinkTarget loads case key for update inside tx as the other end of a
// link from case c. actor must be allowed to edit it: linking changes
// what its page shows. A case they may not see is not found, so that
// its existence does not leak.
func LinkTarget(ctx context.Context, tx *store.Tx, actor *authz.Actor, c *store.Case, field, key string) (*store.Case, error) {
	key = strings.ToUpper(strings.TrimSpace(key))
	if key == "" {
		return nil, validation.Errorf(field, "name the other case by its key, e.g. %s", Key(c.ProjectSlug, 1))
	}
	if key == c.Key {
		return nil, validation.Errorf(field, "a case cannot be linked to itself")
	}
	o, err := tx.CaseByKey(ctx, key, true)
	if errors.Is(err, store.ErrNotFound) {
		return nil, &validation.NotFound{What: "case " + key}
	}
	if err != nil {
		return nil, err
	}
	op, err := tx.ProjectByID(ctx, o.ProjectID)
	if err != nil {
		return nil, err
	}
	res := caseResource(op, o)
	if err := authz.Can(actor, authz.ActionCaseView, res); err != nil {
		return nil, &validation.NotFound{What: "case " + key}
	}
	if err := authz.Can(actor, authz.ActionCaseEdit, res); err != nil {
		return nil, err
	}
	return o, nil
}

// Link links case key to case other as related, recording a "case.link"
// event on both. Linking two cases twice is a conflict.
func (s *Service) Link(ctx context.Context, actor *authz.Actor, key, other string) (*store.CaseLink, error) {
	var l *store.CaseLink
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		c, err := load(ctx, tx, key)
		if err != nil {
			return err
		}
		o, err := LinkTarget(ctx, tx, actor, c, "case", other)
		if err != nil {
			return err
		}
		existing, err := tx.CaseLinks(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, e := range existing {
			if e.Case.ID == o.ID && e.Link.Kind == store.LinkRelated {
				return validation.Conflictf("%s and %s are linked already", c.Key, o.Key)
			}
		}
		l = &store.CaseLink{CaseID: c.ID, OtherID: o.ID, Kind: store.LinkRelated, CreatedBy: actor.UserID,
			CreatedAt: clock.Millis(s.Clock.Now())}
		if err := tx.CreateCaseLink(ctx, l); err != nil {
			return err
		}
		id := strconv.FormatInt(l.ID, 10)
		if err := s.record(ctx, tx, actor, "case.link", c, "case_link", id, nil,
			map[string]any{"kind": store.LinkRelated, "case": o.Key}); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "case.link", o, "case_link", id, nil,
			map[string]any{"kind": store.LinkRelated, "case": c.Key})
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// Unlink removes related-link id from case key, recording a
// "case.unlink" event on both cases. A duplicate or split link stays:
// it is undone by reopening the duplicate, and a split case exists.
func (s *Service) Unlink(ctx context.Context, actor *authz.Actor, key string, id int64) error {
	return s.Store.Write(ctx, func(tx *store.Tx) error {
		c, err := load(ctx, tx, key)
		if err != nil {
			return err
		}
		links, err := tx.CaseLinks(ctx, c.ID)
		if err != nil {
			return err
		}
		var found *store.LinkedCase
		for _, l := range links {
			if l.Link.ID == id {
				found = l
			}
		}
		if found == nil {
			return &validation.NotFound{What: "link " + strconv.FormatInt(id, 10) + " of " + c.Key}
		}
		if found.Link.Kind != store.LinkRelated {
			return validation.Conflictf("a %s link is not removed by hand: reopen the duplicate instead, or close the split case",
				found.Link.Kind)
		}
		o, err := LinkTarget(ctx, tx, actor, c, "case", found.Case.Key)
		if err != nil {
			return err
		}
		if _, err := tx.DeleteCaseLink(ctx, c.ID, id); err != nil {
			return err
		}
		sid := strconv.FormatInt(id, 10)
		if err := s.record(ctx, tx, actor, "case.unlink", c, "case_link", sid,
			map[string]any{"kind": found.Link.Kind, "case": o.Key}, nil); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "case.unlink", o, "case_link", sid,
			map[string]any{"kind": found.Link.Kind, "case": c.Key}, nil)
	})
}

// Links returns the links of case c that actor may see: a linked case in
// a project they cannot read is left out, not named.
func (s *Service) Links(ctx context.Context, actor *authz.Actor, c *store.Case) ([]*store.LinkedCase, error) {
	var out []*store.LinkedCase
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		links, err := tx.CaseLinks(ctx, c.ID)
		if err != nil {
			return err
		}
		projects := map[int64]*store.Project{}
		for _, l := range links {
			p := projects[l.Case.ProjectID]
			if p == nil {
				if p, err = tx.ProjectByID(ctx, l.Case.ProjectID); err != nil {
					return err
				}
				projects[p.ID] = p
			}
			if authz.Can(actor, authz.ActionCaseView, caseResource(p, l.Case)) == nil {
				out = append(out, l)
			}
		}
		return nil
	})
	return out, err
}
