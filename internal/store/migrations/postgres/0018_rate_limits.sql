-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Rate-limit counters shared by every replica on PostgreSQL: how many
-- attempts key (e.g. "report-client 192.0.2.1") made in the fixed window
-- starting at window_start (UTC Unix milliseconds). Ephemeral: backups
-- leave the table out, and a periodic job deletes windows that have ended.
-- SQLite (one process) counts in memory and leaves the table empty.
CREATE TABLE rate_counters (
    key          TEXT    NOT NULL,
    window_start BIGINT  NOT NULL,
    count        INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_counters_window ON rate_counters(window_start);
