-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Reporter-facing outcomes and links between cases.
--
-- waiting_until is when a case waiting on its reporter ("needs-info")
-- closes itself; 0 while it waits on nobody. The partial index lets the
-- periodic task find the cases whose time ran out without reading the
-- others.
ALTER TABLE cases ADD COLUMN waiting_until BIGINT  NOT NULL DEFAULT 0;
CREATE INDEX cases_waiting_until ON cases(waiting_until) WHERE waiting_until <> 0;

-- A link says how case_id relates to other_id: "duplicate-of" (case_id
-- is the duplicate, other_id the original), "split-from" (case_id was
-- split out of other_id) or "related" (either way). credit_kept marks a
-- duplicate whose reporter is credited on the original, as the project's
-- policy said when it was marked.
CREATE TABLE case_links (
    id           BIGSERIAL PRIMARY KEY,
    case_id      BIGINT  NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    other_id     BIGINT  NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL,
    credit_kept  BIGINT  NOT NULL DEFAULT 0,
    created_by   BIGINT  REFERENCES users(id) ON DELETE SET NULL,
    created_at   BIGINT  NOT NULL,
    CHECK (case_id <> other_id),
    UNIQUE (case_id, other_id, kind)
);
CREATE INDEX case_links_other ON case_links(other_id);
