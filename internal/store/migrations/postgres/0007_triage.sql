-- SPDX-License-Identifier: AGPL-3.0-or-later
-- The triage record of a case (one row per case), its priority override and
-- its remediation plan. Structured lists (affected packages in the OSV
-- model, fix references) are JSON text, validated in Go (internal/triage)
-- before they are written. Dates a responder types (due_date) are
-- YYYY-MM-DD text, '' for none; instants are UTC Unix milliseconds.

CREATE TABLE case_triage (
    case_id                BIGINT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    repro_status           TEXT    NOT NULL DEFAULT 'not-tried',
    repro_environment      TEXT    NOT NULL DEFAULT '',
    repro_steps            TEXT    NOT NULL DEFAULT '',
    repro_by               BIGINT  REFERENCES users(id) ON DELETE SET NULL,
    repro_at               BIGINT  NOT NULL DEFAULT 0,
    decision               TEXT    NOT NULL DEFAULT '',
    decision_reason        TEXT    NOT NULL DEFAULT '',
    decided_by             BIGINT  REFERENCES users(id) ON DELETE SET NULL,
    decided_at             BIGINT  NOT NULL DEFAULT 0,
    impact_gain            TEXT    NOT NULL DEFAULT '',
    impact_preconditions   TEXT    NOT NULL DEFAULT '',
    impact_configurations  TEXT    NOT NULL DEFAULT '',
    affected               TEXT    NOT NULL DEFAULT '[]',
    notes                  TEXT    NOT NULL DEFAULT '',
    exploitation           TEXT    NOT NULL DEFAULT 'none',
    updated_by             BIGINT  REFERENCES users(id) ON DELETE SET NULL,
    updated_at             BIGINT  NOT NULL
);

-- A responder's choice of priority over the one derived from severity and
-- exploitation, with why, who and when.
CREATE TABLE case_priority_overrides (
    case_id   BIGINT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    priority  TEXT    NOT NULL,
    reason    TEXT    NOT NULL,
    set_by    BIGINT  REFERENCES users(id) ON DELETE SET NULL,
    set_at    BIGINT  NOT NULL
);

-- The remediation plan. due_date is set by hand ('' follows the project's
-- fix targets from the confirmation date).
CREATE TABLE case_plans (
    case_id         BIGINT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    target_release  TEXT    NOT NULL DEFAULT '',
    fix_refs        TEXT    NOT NULL DEFAULT '[]',
    owner_id        BIGINT  REFERENCES users(id) ON DELETE SET NULL,
    due_date        TEXT    NOT NULL DEFAULT '',
    updated_by      BIGINT  REFERENCES users(id) ON DELETE SET NULL,
    updated_at      BIGINT  NOT NULL
);
