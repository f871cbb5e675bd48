// SPDX-License-Identifier: AGPL-3.0-or-later

package cases

import (
	"context"
	"errors"
	"net/url"
	"slices"

	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// Saved view limits.
const (
	MaxViewName     = 80
	MaxViewQuery    = 2000
	MaxViewsPerUser = 50 // per project
)

// ViewParams are the case-list filters a saved view keeps; paging is
// left out, so a view always opens on its first page.
var ViewParams = []string{"state", "severity", "priority", "assignee", "mine", "component", "label", "q", "include_spam"}

// NormaliseViewQuery keeps the filters of a case-list query string (with
// or without a leading "?") that a view saves, without empty values, in
// a stable order.
func NormaliseViewQuery(raw string) (string, error) {
	if len(raw) > MaxViewQuery {
		return "", validation.Errorf("query", "is longer than %d characters", MaxViewQuery)
	}
	if len(raw) > 0 && raw[0] == '?' {
		raw = raw[1:]
	}
	v, err := url.ParseQuery(raw)
	if err != nil {
		return "", validation.Errorf("query", "is not a query string")
	}
	out := url.Values{}
	for k, vals := range v {
		if !slices.Contains(ViewParams, k) {
			continue
		}
		for _, x := range vals {
			if x != "" {
				out.Add(k, x)
			}
		}
	}
	return out.Encode(), nil
}

// SaveView saves the case-list filters query under name for the actor in
// project p, replacing the query of their view of that name if any.
func (s *Service) SaveView(ctx context.Context, actor *authz.Actor, p *store.Project, name, query string) (*store.SavedView, error) {
	name, err := validation.Text("name", name, true, MaxViewName, false)
	if err != nil {
		return nil, err
	}
	if query, err = NormaliseViewQuery(query); err != nil {
		return nil, err
	}
	v := &store.SavedView{UserID: actor.UserID, ProjectID: p.ID, Name: name, Query: query,
		CreatedAt: clock.Millis(s.Clock.Now())}
	err = s.Store.Write(ctx, func(tx *store.Tx) error {
		views, err := tx.SavedViews(ctx, actor.UserID, p.ID)
		if err != nil {
			return err
		}
		exists := slices.ContainsFunc(views, func(o *store.SavedView) bool { return o.Name == name })
		if !exists && len(views) >= MaxViewsPerUser {
			return validation.Errorf("name", "you have %d saved views in this project; delete one first", MaxViewsPerUser)
		}
		return tx.SaveView(ctx, v)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// Views returns the actor's saved views of project p, by name.
func (s *Service) Views(ctx context.Context, actor *authz.Actor, p *store.Project) ([]*store.SavedView, error) {
	var out []*store.SavedView
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.SavedViews(ctx, actor.UserID, p.ID)
		return err
	})
	return out, err
}

// DeleteView deletes the actor's saved view id of project p; a view that
// does not exist or is someone else's is a *validation.NotFound.
func (s *Service) DeleteView(ctx context.Context, actor *authz.Actor, p *store.Project, id int64) error {
	return s.Store.Write(ctx, func(tx *store.Tx) error {
		err := tx.DeleteSavedView(ctx, id, actor.UserID, p.ID)
		if errors.Is(err, store.ErrNotFound) {
			return &validation.NotFound{What: "saved view"}
		}
		return err
	})
}
