-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Private reporting: the details a reporter sent with a case, the private
-- reporter link (only its hash), the thread between reporter and team, and
-- attachments kept in the database so that a backup is one thing.

CREATE TABLE reports (
    case_id            INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    reference          TEXT    NOT NULL UNIQUE,
    product            TEXT    NOT NULL DEFAULT '',
    versions           TEXT    NOT NULL DEFAULT '',
    steps              TEXT    NOT NULL DEFAULT '',
    impact             TEXT    NOT NULL DEFAULT '',
    contact_name       TEXT    NOT NULL DEFAULT '',
    contact_email      TEXT    NOT NULL DEFAULT '',
    reporter_key       TEXT    NOT NULL DEFAULT '',
    credit_name        TEXT    NOT NULL DEFAULT '',
    credit_preference  TEXT    NOT NULL,
    disclosure         TEXT    NOT NULL DEFAULT '',
    already_public     INTEGER NOT NULL DEFAULT 0,
    exploited          INTEGER NOT NULL DEFAULT 0,
    public_references  TEXT    NOT NULL DEFAULT '',
    contacted_others   TEXT    NOT NULL DEFAULT '',
    share_contact      INTEGER NOT NULL DEFAULT 0,
    arrived_encrypted  INTEGER NOT NULL DEFAULT 0,
    link_hash          TEXT    UNIQUE,
    link_issued_at     INTEGER NOT NULL,
    submitted_at       INTEGER NOT NULL
);

CREATE TABLE report_messages (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    from_reporter INTEGER NOT NULL DEFAULT 0,
    author_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    author_name   TEXT    NOT NULL DEFAULT '',
    body          TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX report_messages_case ON report_messages(case_id, id);

CREATE TABLE report_attachments (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    message_id    INTEGER REFERENCES report_messages(id) ON DELETE CASCADE,
    filename      TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT    NOT NULL,
    data          BLOB    NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX report_attachments_case ON report_attachments(case_id, id);
