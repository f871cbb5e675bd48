-- SPDX-License-Identifier: AGPL-3.0-or-later
-- The metrics of a project's past months, kept once computed: a month
-- that has ended changes only when a case or deadline in it does, and
-- recomputing three years of them on every view read every case the
-- project ever had. from_ms and to_ms bound the month in the time zone
-- the project had when it was computed; data is the metrics package's
-- encoding of the month (its response times and deadline outcomes).
--
-- The triggers forget every kept month that a written row falls in: a
-- milestone of a case (its month, in the old and the new row), and, when
-- a case turns into spam or back or moves project, the months its
-- deadlines fell due in; a deadline's month when it is made, met,
-- cancelled, moved or removed. Only a change the metrics read fires them.
CREATE TABLE metric_months (
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    from_ms     INTEGER NOT NULL,
    to_ms       INTEGER NOT NULL,
    data        BLOB    NOT NULL,
    computed_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, from_ms, to_ms)
);

CREATE TRIGGER metric_months_case_insert AFTER INSERT ON cases
    WHEN NEW.acknowledged_at <> 0 OR NEW.assessed_at <> 0 OR NEW.fixed_at <> 0 OR NEW.disclosed_at <> 0
BEGIN
    DELETE FROM metric_months WHERE project_id = NEW.project_id AND (
        (NEW.acknowledged_at >= from_ms AND NEW.acknowledged_at < to_ms)
        OR (NEW.assessed_at >= from_ms AND NEW.assessed_at < to_ms)
        OR (NEW.fixed_at >= from_ms AND NEW.fixed_at < to_ms)
        OR (NEW.disclosed_at >= from_ms AND NEW.disclosed_at < to_ms));
END;

CREATE TRIGGER metric_months_case_update AFTER UPDATE OF project_id, created_at, resolution,
    acknowledged_at, assessed_at, fixed_at, disclosed_at ON cases
    WHEN OLD.project_id <> NEW.project_id OR OLD.created_at <> NEW.created_at
        OR (OLD.resolution = 'spam') <> (NEW.resolution = 'spam')
        OR OLD.acknowledged_at <> NEW.acknowledged_at OR OLD.assessed_at <> NEW.assessed_at
        OR OLD.fixed_at <> NEW.fixed_at OR OLD.disclosed_at <> NEW.disclosed_at
BEGIN
    DELETE FROM metric_months WHERE project_id IN (OLD.project_id, NEW.project_id) AND (
        (OLD.acknowledged_at >= from_ms AND OLD.acknowledged_at < to_ms)
        OR (OLD.assessed_at >= from_ms AND OLD.assessed_at < to_ms)
        OR (OLD.fixed_at >= from_ms AND OLD.fixed_at < to_ms)
        OR (OLD.disclosed_at >= from_ms AND OLD.disclosed_at < to_ms)
        OR (NEW.acknowledged_at >= from_ms AND NEW.acknowledged_at < to_ms)
        OR (NEW.assessed_at >= from_ms AND NEW.assessed_at < to_ms)
        OR (NEW.fixed_at >= from_ms AND NEW.fixed_at < to_ms)
        OR (NEW.disclosed_at >= from_ms AND NEW.disclosed_at < to_ms)
        OR ((OLD.project_id <> NEW.project_id OR (OLD.resolution = 'spam') <> (NEW.resolution = 'spam'))
            AND EXISTS (SELECT 1 FROM case_deadlines d WHERE d.case_id = NEW.id
                AND d.due_at >= from_ms AND d.due_at < to_ms)));
END;

-- Before the delete, while the case's deadlines are still there to read.
CREATE TRIGGER metric_months_case_delete BEFORE DELETE ON cases
BEGIN
    DELETE FROM metric_months WHERE project_id = OLD.project_id AND (
        (OLD.acknowledged_at >= from_ms AND OLD.acknowledged_at < to_ms)
        OR (OLD.assessed_at >= from_ms AND OLD.assessed_at < to_ms)
        OR (OLD.fixed_at >= from_ms AND OLD.fixed_at < to_ms)
        OR (OLD.disclosed_at >= from_ms AND OLD.disclosed_at < to_ms)
        OR EXISTS (SELECT 1 FROM case_deadlines d WHERE d.case_id = OLD.id
            AND d.due_at >= from_ms AND d.due_at < to_ms));
END;

CREATE TRIGGER metric_months_deadline_insert AFTER INSERT ON case_deadlines
BEGIN
    DELETE FROM metric_months WHERE project_id = (SELECT project_id FROM cases WHERE id = NEW.case_id)
        AND NEW.due_at >= from_ms AND NEW.due_at < to_ms;
END;

CREATE TRIGGER metric_months_deadline_update AFTER UPDATE OF case_id, kind, due_at, met_at, cancelled_at ON case_deadlines
    WHEN OLD.case_id <> NEW.case_id OR OLD.kind <> NEW.kind OR OLD.due_at <> NEW.due_at
        OR OLD.met_at <> NEW.met_at OR OLD.cancelled_at <> NEW.cancelled_at
BEGIN
    DELETE FROM metric_months WHERE project_id = (SELECT project_id FROM cases WHERE id = OLD.case_id)
        AND OLD.due_at >= from_ms AND OLD.due_at < to_ms;
    DELETE FROM metric_months WHERE project_id = (SELECT project_id FROM cases WHERE id = NEW.case_id)
        AND NEW.due_at >= from_ms AND NEW.due_at < to_ms;
END;

CREATE TRIGGER metric_months_deadline_delete AFTER DELETE ON case_deadlines
BEGIN
    DELETE FROM metric_months WHERE project_id = (SELECT project_id FROM cases WHERE id = OLD.case_id)
        AND OLD.due_at >= from_ms AND OLD.due_at < to_ms;
END;
