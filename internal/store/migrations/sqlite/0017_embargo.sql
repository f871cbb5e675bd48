-- SPDX-License-Identifier: AGPL-3.0-or-later
-- A case's embargo, set by hand.
--
-- embargo_until is the embargo's end as the team set it (0 while the
-- project's default end applies); embargo_start is the moment the embargo
-- counts from (the report's arrival, or the case's creation for a case the
-- team opened), fixed when the end is first set by hand, so that the
-- policy's maximum is counted from it. broken_at, broken_where and
-- broken_reaction record an embargo broken: the issue was public before
-- the date, where it was seen and what the team did about it.
--
-- case_embargo_extensions holds every move of the end, from the old end to
-- the new, with who asked for it and why, whether the reporter agreed
-- ("yes", "no" or "not-asked"), and the override reason when the new end
-- lies beyond the policy's maximum.

ALTER TABLE cases ADD COLUMN embargo_start INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN embargo_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN broken_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN broken_where TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN broken_reaction TEXT NOT NULL DEFAULT '';

CREATE TABLE case_embargo_extensions (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    from_until       INTEGER NOT NULL,
    to_until         INTEGER NOT NULL,
    asked_by         TEXT    NOT NULL,
    reason           TEXT    NOT NULL,
    reporter_agreed  TEXT    NOT NULL,
    override_reason  TEXT    NOT NULL DEFAULT '',
    created_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX case_embargo_extensions_case ON case_embargo_extensions(case_id, id);
