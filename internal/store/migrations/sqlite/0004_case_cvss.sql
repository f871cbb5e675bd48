-- SPDX-License-Identifier: AGPL-3.0-or-later
-- CVSS and CWE classification of cases. case_cvss keeps every vector a
-- case was given, newest last; the latest row is the case's current score
-- (a row with an empty vector records that the score was cleared). Scores
-- are stored in tenths (75 for 7.5) so no float ever drifts.

CREATE TABLE case_cvss (
    id       INTEGER PRIMARY KEY,
    case_id  INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    vector   TEXT    NOT NULL,
    version  TEXT    NOT NULL DEFAULT '',
    score    INTEGER NOT NULL DEFAULT 0,
    rating   TEXT    NOT NULL DEFAULT '',
    set_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    set_at   INTEGER NOT NULL
);
CREATE INDEX case_cvss_case ON case_cvss(case_id, id);

-- The CWE entries a case is classified under, by number (79 for CWE-79).
CREATE TABLE case_cwes (
    case_id  INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    cwe_id   INTEGER NOT NULL,
    PRIMARY KEY (case_id, cwe_id)
);
