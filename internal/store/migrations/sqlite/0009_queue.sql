-- SPDX-License-Identifier: AGPL-3.0-or-later
-- The queue's filters. Every filter of the case list is served by an index
-- that starts with the project and ends with the case number, so that a
-- page of the newest matching cases is read in index order.
--
-- priority is the case's current priority, kept in step by internal/cases
-- in the transaction of every change that affects it (severity, CVSS
-- score, exploitation status, override); the rules that derive it live in
-- internal/triage/priority.go. The backfill below applies the same table
-- once to the cases that exist already.
ALTER TABLE cases ADD COLUMN priority TEXT NOT NULL DEFAULT 'P3';

UPDATE cases SET priority = COALESCE(
    (SELECT o.priority FROM case_priority_overrides o WHERE o.case_id = cases.id),
    CASE COALESCE(
        (SELECT lower(v.rating) FROM case_cvss v
         WHERE v.id = (SELECT MAX(w.id) FROM case_cvss w WHERE w.case_id = cases.id) AND v.vector <> ''),
        cases.severity)
    WHEN 'critical' THEN
        CASE WHEN COALESCE((SELECT t.exploitation FROM case_triage t WHERE t.case_id = cases.id), 'none')
             IN ('public-poc', 'known-exploited') THEN 'P1' ELSE 'P2' END
    WHEN 'high' THEN
        CASE WHEN COALESCE((SELECT t.exploitation FROM case_triage t WHERE t.case_id = cases.id), 'none')
             = 'known-exploited' THEN 'P1' ELSE 'P2' END
    WHEN 'low' THEN
        CASE WHEN COALESCE((SELECT t.exploitation FROM case_triage t WHERE t.case_id = cases.id), 'none')
             = 'known-exploited' THEN 'P3' ELSE 'P4' END
    WHEN 'none' THEN 'P4'
    ELSE
        CASE WHEN COALESCE((SELECT t.exploitation FROM case_triage t WHERE t.case_id = cases.id), 'none')
             = 'known-exploited' THEN 'P2' ELSE 'P3' END
    END);

CREATE INDEX cases_project_priority ON cases(project_id, priority, number DESC);
CREATE INDEX cases_project_component ON cases(project_id, component, number DESC);
CREATE INDEX cases_coordinator_project ON cases(coordinator_id, project_id, number DESC);

-- Labels are free text a responder types, normalised to lower case; each
-- project keeps the set of labels its cases have used, so that the filter
-- can offer them without scanning every case.
CREATE TABLE project_labels (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (project_id, name)
);

-- case_number copies the case's number (which never changes), so that the
-- label filter reads a label's newest cases straight from its index.
CREATE TABLE case_labels (
    case_id      INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    label_id     INTEGER NOT NULL REFERENCES project_labels(id) ON DELETE CASCADE,
    case_number  INTEGER NOT NULL,
    PRIMARY KEY (case_id, label_id)
);
CREATE INDEX case_labels_label ON case_labels(label_id, case_number DESC);

-- A saved view is a named set of case-list filters of one user in one
-- project, kept as the list's normalised query string.
CREATE TABLE saved_views (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    query       TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (user_id, project_id, name)
);
