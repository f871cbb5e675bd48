-- SPDX-License-Identifier: AGPL-3.0-or-later
-- OpenPGP keys: one per project (reporters encrypt to it) and the instance's
-- signing key for security.txt (the row with id 1). Private keys are sealed
-- with the server's secret key and stored as base64 text, so a backup
-- restores into either engine unchanged. Times are UTC Unix milliseconds.

CREATE TABLE project_keys (
    project_id      INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    fingerprint     TEXT    NOT NULL,
    public_armored  TEXT    NOT NULL,
    private_sealed  TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    created_by      INTEGER REFERENCES users(id) ON DELETE SET NULL
);

CREATE TABLE instance_keys (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint     TEXT    NOT NULL,
    public_armored  TEXT    NOT NULL,
    private_sealed  TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
);
