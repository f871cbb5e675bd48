-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Foundation schema. Times are UTC Unix milliseconds; flags are 0/1 integers
-- so a backup restores into either engine unchanged.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    email           TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    password_hash   TEXT    NOT NULL DEFAULT '',
    is_admin        INTEGER NOT NULL DEFAULT 0,
    disabled        INTEGER NOT NULL DEFAULT 0,
    totp_secret     TEXT    NOT NULL DEFAULT '',
    totp_enabled    INTEGER NOT NULL DEFAULT 0,
    totp_last_step  INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

CREATE TABLE recovery_codes (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash   TEXT    NOT NULL,
    used_at     INTEGER
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

CREATE TABLE sessions (
    id_hash       TEXT    PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mfa_pending   INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    user_agent    TEXT    NOT NULL DEFAULT '',
    remote_addr   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    token_hash    TEXT    NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE setup_tokens (
    token_hash  TEXT    PRIMARY KEY,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);

CREATE TABLE projects (
    id                 INTEGER PRIMARY KEY,
    slug               TEXT    NOT NULL UNIQUE,
    name               TEXT    NOT NULL,
    description        TEXT    NOT NULL DEFAULT '',
    require_mfa        INTEGER NOT NULL DEFAULT 0,
    settings           TEXT    NOT NULL DEFAULT '{}',
    next_case_number   INTEGER NOT NULL DEFAULT 1,
    archived_at        INTEGER,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);

CREATE TABLE project_members (
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_members_user ON project_members(user_id);

CREATE TABLE invitations (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    email        TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    invited_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    accepted_at  INTEGER,
    accepted_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    revoked_at   INTEGER
);
CREATE INDEX invitations_project ON invitations(project_id);

CREATE TABLE cases (
    id              INTEGER PRIMARY KEY,
    project_id      INTEGER NOT NULL REFERENCES projects(id),
    number          INTEGER NOT NULL,
    case_key        TEXT    NOT NULL UNIQUE,
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    severity        TEXT    NOT NULL DEFAULT 'unknown',
    component       TEXT    NOT NULL DEFAULT '',
    state           TEXT    NOT NULL,
    resolution      TEXT    NOT NULL DEFAULT '',
    coordinator_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (project_id, number)
);
CREATE INDEX cases_project_number ON cases(project_id, number DESC);
CREATE INDEX cases_project_state ON cases(project_id, state, number DESC);
CREATE INDEX cases_project_severity ON cases(project_id, severity, number DESC);
CREATE INDEX cases_coordinator ON cases(coordinator_id);

CREATE TABLE case_assignees (
    case_id  INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_assignees_user ON case_assignees(user_id, case_id);

CREATE TABLE case_notes (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    author_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    body        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX case_notes_case ON case_notes(case_id, id);

-- The audit log is append-only and hash-chained; seq is assigned from
-- audit_head inside the writing transaction so the chain has no gaps.
CREATE TABLE audit_events (
    seq           INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    actor_id      INTEGER NOT NULL DEFAULT 0,
    actor_label   TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    project_id    INTEGER NOT NULL DEFAULT 0,
    case_id       INTEGER NOT NULL DEFAULT 0,
    subject_type  TEXT    NOT NULL DEFAULT '',
    subject_id    TEXT    NOT NULL DEFAULT '',
    before_json   TEXT    NOT NULL DEFAULT '',
    after_json    TEXT    NOT NULL DEFAULT '',
    prev_hash     TEXT    NOT NULL,
    hash          TEXT    NOT NULL
);
CREATE INDEX audit_events_case ON audit_events(case_id, seq DESC);
CREATE INDEX audit_events_project ON audit_events(project_id, seq DESC);

CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
