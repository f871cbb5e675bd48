-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Outgoing mail and acknowledgement of reports. outbox holds every message
-- the application means to send, written in the same transaction as the
-- change that causes it; a delivery step marks each row delivered once it
-- has been handed on (to the data directory until SMTP delivery exists).
-- reports gains when acknowledgement was due (computed from the project's
-- policy when the report arrived), when it happened and who did it.

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    project_id      INTEGER REFERENCES projects(id) ON DELETE CASCADE,
    case_id         INTEGER REFERENCES cases(id) ON DELETE CASCADE,
    to_addr         TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    auto_submitted  INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    delivered_at    INTEGER,
    delivery_note   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox(delivered_at, id);

ALTER TABLE reports ADD COLUMN ack_due_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN acknowledged_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN acknowledged_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
