-- SPDX-License-Identifier: AGPL-3.0-or-later
-- A case's participants: third parties (a vendor, a downstream, an
-- upstream, a coordinator) invited by email to one case under embargo.
--
-- token_hash is the hash of the participant link's secret; the secret
-- itself is shown once, to the inviting responder. accepted_at and
-- accepted_user_id record who accepted the embargo terms and when;
-- revoked_at ends the participant's access. summary is what the team
-- chose to share with the participant.

CREATE TABLE case_participants (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    email            TEXT    NOT NULL,
    organization     TEXT    NOT NULL,
    role             TEXT    NOT NULL,
    message          TEXT    NOT NULL DEFAULT '',
    invited_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    invited_at       INTEGER NOT NULL,
    token_hash       TEXT    NOT NULL UNIQUE,
    accepted_at      INTEGER,
    accepted_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    revoked_at       INTEGER,
    summary          TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX case_participants_case ON case_participants(case_id, id);
CREATE INDEX case_participants_user ON case_participants(accepted_user_id);
