// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// CountRate counts one attempt under key in the fixed window starting at
// windowStart (UTC Unix milliseconds), unless the window already holds
// limit attempts (limit must be positive). It reports whether the attempt
// was counted: a refused attempt is not, so a client that keeps trying is
// not refused for longer. The check and the count are one statement, so
// replicas counting the same key at once each see the other's attempt.
func (t *Tx) CountRate(ctx context.Context, key string, windowStart int64, limit int) (bool, error) {
	var n int
	err := t.queryRow(ctx, `
		INSERT INTO rate_counters (key, window_start, count) VALUES ($1, $2, 1)
		ON CONFLICT (key, window_start) DO UPDATE SET count = rate_counters.count + 1
		WHERE rate_counters.count < $3
		RETURNING count`, key, windowStart, limit).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: unable to count a rate-limited attempt: %w", err)
	}
	return true, nil
}

// PurgeRateCounters deletes the counters of windows that started before
// before (UTC Unix milliseconds) and returns how many it deleted.
func (t *Tx) PurgeRateCounters(ctx context.Context, before int64) (int64, error) {
	res, err := t.exec(ctx, `DELETE FROM rate_counters WHERE window_start < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("store: unable to purge rate counters: %w", err)
	}
	return res.RowsAffected()
}
