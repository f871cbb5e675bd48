-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Spam: where a report came from, and the senders a project refuses.
-- report_addresses keeps the client address a report was sent from, only
-- so that a responder who marks the report spam can block that address;
-- it is never shown and goes with its case. report_blocks lists, per
-- project, the client addresses and reporter OpenPGP key fingerprints
-- whose reports are refused.

CREATE TABLE report_addresses (
    case_id  INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    address  TEXT    NOT NULL
);

CREATE TABLE report_blocks (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('address', 'key')),
    value       TEXT    NOT NULL,
    case_id     INTEGER REFERENCES cases(id) ON DELETE SET NULL,
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (project_id, kind, value)
);
