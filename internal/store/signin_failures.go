// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"fmt"
)

// RecordSignInFailure counts a wrong password (or a sign-in to a disabled
// account) against the user, at the given time.
func (t *Tx) RecordSignInFailure(ctx context.Context, userID, at int64) error {
	if _, err := t.exec(ctx, `
		UPDATE users SET failed_logins = failed_logins + 1, failed_login_at = $2 WHERE id = $1`, userID, at); err != nil {
		return fmt.Errorf("store: unable to record a failed sign-in: %w", err)
	}
	return nil
}

// TakeSignInFailures returns how many sign-ins to the user failed since
// the count was last taken, and when the newest did, and starts the count
// again from zero.
func (t *Tx) TakeSignInFailures(ctx context.Context, userID int64) (n int, last int64, err error) {
	err = t.queryRow(ctx, `SELECT failed_logins, failed_login_at FROM users WHERE id = $1`, userID).Scan(&n, &last)
	if err != nil {
		return 0, 0, notFound(err, "user")
	}
	if n == 0 {
		return 0, 0, nil
	}
	if _, err := t.exec(ctx, `UPDATE users SET failed_logins = 0 WHERE id = $1`, userID); err != nil {
		return 0, 0, fmt.Errorf("store: unable to reset failed sign-ins: %w", err)
	}
	return n, last, nil
}
