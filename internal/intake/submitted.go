// SPDX-License-Identifier: AGPL-3.0-or-later

package intake

import (
	"context"

	"embargo/internal/store"
)

// SubmittedReports returns one page of the reports user userID sent while
// signed in, newest first, and whether more follow (limit is clamped to
// 1…200, default 50). Reports sent while signed out are not among them:
// their reporter link is their only key.
func (s *Service) SubmittedReports(ctx context.Context, userID int64, limit, offset int) ([]*store.SubmittedReport, bool, error) {
	var out []*store.SubmittedReport
	var more bool
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, more, err = tx.ListSubmittedReports(ctx, userID, limit, offset)
		return err
	})
	return out, more, err
}
