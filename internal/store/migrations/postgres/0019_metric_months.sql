-- SPDX-License-Identifier: AGPL-3.0-or-later
-- The metrics of a project's past months, kept once computed: a month
-- that has ended changes only when a case or deadline in it does, and
-- recomputing three years of them on every view read every case the
-- project ever had. from_ms and to_ms bound the month in the time zone
-- the project had when it was computed; data is the metrics package's
-- encoding of the month (its response times and deadline outcomes).
CREATE TABLE metric_months (
    project_id  BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    from_ms     BIGINT NOT NULL,
    to_ms       BIGINT NOT NULL,
    data        BYTEA  NOT NULL,
    computed_at BIGINT NOT NULL,
    PRIMARY KEY (project_id, from_ms, to_ms)
);

-- metric_months_forget drops the project's kept months that hold any of
-- the given times.
CREATE FUNCTION metric_months_forget(project BIGINT, times BIGINT[]) RETURNS void LANGUAGE sql AS $$
    DELETE FROM metric_months m WHERE m.project_id = project
        AND EXISTS (SELECT 1 FROM unnest(times) t WHERE t >= m.from_ms AND t < m.to_ms);
$$;

-- The triggers forget every kept month that a written row falls in: a
-- milestone of a case (its month, in the old and the new row), and, when
-- a case turns into spam or back, moves project or is removed, the months
-- its deadlines fell due in; a deadline's month when it is made, met,
-- cancelled, moved or removed. Only a change the metrics read fires them.
--
-- They run at commit (deferred) and first take advisory lock 7335303 in
-- shared mode; the store computes a month while holding it exclusively.
-- So a month is never computed from a snapshot that misses a change whose
-- forgetting already ran, and because the lock is the last one a writer
-- asks for, it cannot close a cycle with the row locks writers take.
CREATE FUNCTION metric_months_case_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    moved BOOLEAN;
BEGIN
    PERFORM pg_advisory_xact_lock_shared(7335303);
    IF TG_OP = 'DELETE' THEN
        PERFORM metric_months_forget(OLD.project_id, ARRAY[OLD.acknowledged_at, OLD.assessed_at, OLD.fixed_at, OLD.disclosed_at]
            || ARRAY(SELECT due_at FROM case_deadlines WHERE case_id = OLD.id));
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM metric_months_forget(NEW.project_id, ARRAY[NEW.acknowledged_at, NEW.assessed_at, NEW.fixed_at, NEW.disclosed_at]);
        RETURN NULL;
    END IF;
    moved := OLD.project_id <> NEW.project_id OR (OLD.resolution = 'spam') <> (NEW.resolution = 'spam');
    PERFORM metric_months_forget(OLD.project_id, ARRAY[OLD.acknowledged_at, OLD.assessed_at, OLD.fixed_at, OLD.disclosed_at]
        || CASE WHEN moved THEN ARRAY(SELECT due_at FROM case_deadlines WHERE case_id = OLD.id) ELSE '{}'::BIGINT[] END);
    PERFORM metric_months_forget(NEW.project_id, ARRAY[NEW.acknowledged_at, NEW.assessed_at, NEW.fixed_at, NEW.disclosed_at]
        || CASE WHEN moved THEN ARRAY(SELECT due_at FROM case_deadlines WHERE case_id = NEW.id) ELSE '{}'::BIGINT[] END);
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER metric_months_case_insert AFTER INSERT ON cases
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.acknowledged_at <> 0 OR NEW.assessed_at <> 0 OR NEW.fixed_at <> 0 OR NEW.disclosed_at <> 0)
    EXECUTE FUNCTION metric_months_case_changed();
CREATE CONSTRAINT TRIGGER metric_months_case_update AFTER UPDATE OF project_id, created_at, resolution,
    acknowledged_at, assessed_at, fixed_at, disclosed_at ON cases
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.project_id <> NEW.project_id OR OLD.created_at <> NEW.created_at
        OR (OLD.resolution = 'spam') <> (NEW.resolution = 'spam')
        OR OLD.acknowledged_at <> NEW.acknowledged_at OR OLD.assessed_at <> NEW.assessed_at
        OR OLD.fixed_at <> NEW.fixed_at OR OLD.disclosed_at <> NEW.disclosed_at)
    EXECUTE FUNCTION metric_months_case_changed();
-- Before the delete, while the case's deadlines are still there to read;
-- not deferred, for the same reason, so it takes its lock at once.
CREATE TRIGGER metric_months_case_delete BEFORE DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION metric_months_case_changed();

CREATE FUNCTION metric_months_deadline_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(7335303);
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM metric_months_forget(c.project_id, ARRAY[OLD.due_at]) FROM cases c WHERE c.id = OLD.case_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM metric_months_forget(c.project_id, ARRAY[NEW.due_at]) FROM cases c WHERE c.id = NEW.case_id;
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER metric_months_deadline_insert AFTER INSERT OR DELETE ON case_deadlines
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION metric_months_deadline_changed();
CREATE CONSTRAINT TRIGGER metric_months_deadline_update AFTER UPDATE OF case_id, kind, due_at, met_at, cancelled_at ON case_deadlines
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.case_id <> NEW.case_id OR OLD.kind <> NEW.kind OR OLD.due_at <> NEW.due_at
        OR OLD.met_at <> NEW.met_at OR OLD.cancelled_at <> NEW.cancelled_at)
    EXECUTE FUNCTION metric_months_deadline_changed();
