// SPDX-License-Identifier: AGPL-3.0-or-later

package projects

import (
	"context"

	"embargo/internal/store"
)

// Active returns every project that is not archived, by name. It serves
// the instance's public face (security.txt), which lists each project's
// contacts and policy for anyone: a project's policy is public by design.
func (s *Service) Active(ctx context.Context) ([]*store.Project, error) {
	var all []*store.Project
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		all, err = tx.ListProjects(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, p := range all {
		if p.ArchivedAt == 0 {
			out = append(out, p)
		}
	}
	return out, nil
}
