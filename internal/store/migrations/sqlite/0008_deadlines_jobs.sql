-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Deadlines and the job system.
--
-- cases gains the moments it first reached each milestone (0 while not
-- reached): the deadline clock reads them to know when a promise was kept,
-- and the metrics read them for time-to-acknowledge, -triage, -fix and
-- -disclose. deadlines_synced_at is when the case's deadlines were last
-- derived (0: never; the scheduler derives those of older cases).
-- next_due_at is the earliest due time of its open deadlines (NULL when it
-- has none), so that the team's queue finds overdue and due-soon cases
-- with one index range.
--
-- case_deadlines holds one row per promise a case is under (acknowledge,
-- assessment, fix, embargo). due_at is frozen when the clock starts, so a
-- later policy change does not move a promise already made; basis records
-- the inputs it was computed from (start, severity, a hand-set date), and a
-- change of those recomputes it. next_check_at is when the scheduler must
-- look at the row next (the reminder, then the alarm; NULL when neither is
-- owed), so the scan reads only the rows that are due.
--
-- jobs is the durable queue: one row per piece of work, claimed with a
-- lease so that a crashed worker's job is retried, retried with backoff,
-- and kept with its last error when it fails for good. job_schedules
-- holds the periodic tasks' next run and lease, so that among several
-- replicas only one runs a task at a time.

ALTER TABLE cases ADD COLUMN acknowledged_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN assessed_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN fixed_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN disclosed_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN closed_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN deadlines_synced_at INTEGER NOT NULL DEFAULT 0;

UPDATE cases SET acknowledged_at = COALESCE((SELECT r.acknowledged_at FROM reports r WHERE r.case_id = cases.id), 0);
UPDATE cases SET acknowledged_at = created_at WHERE acknowledged_at = 0 AND state <> 'new';
UPDATE cases SET assessed_at = COALESCE((SELECT t.decided_at FROM case_triage t WHERE t.case_id = cases.id), 0);
UPDATE cases SET assessed_at = updated_at WHERE assessed_at = 0 AND state IN ('accepted', 'rejected', 'fixing', 'fix-ready', 'disclosed', 'closed');
UPDATE cases SET fixed_at = updated_at WHERE state IN ('fix-ready', 'disclosed', 'closed') AND resolution = '';
UPDATE cases SET disclosed_at = updated_at WHERE state IN ('disclosed', 'closed') AND resolution = '';
UPDATE cases SET closed_at = updated_at WHERE state IN ('rejected', 'closed');
ALTER TABLE cases ADD COLUMN next_due_at INTEGER;
CREATE INDEX cases_unsynced ON cases(deadlines_synced_at, id);
CREATE INDEX cases_project_next_due ON cases(project_id, next_due_at) WHERE next_due_at IS NOT NULL;
CREATE INDEX cases_project_open ON cases(project_id, coordinator_id, number DESC)
    WHERE state IN ('new', 'acknowledged', 'triage', 'accepted', 'fixing', 'fix-ready', 'needs-info');

CREATE TABLE case_deadlines (
    case_id        INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind           TEXT    NOT NULL,
    basis          TEXT    NOT NULL,
    started_at     INTEGER NOT NULL,
    due_at         INTEGER NOT NULL,
    remind_at      INTEGER NOT NULL,
    met_at         INTEGER NOT NULL DEFAULT 0,
    cancelled_at   INTEGER NOT NULL DEFAULT 0,
    reminded_at    INTEGER NOT NULL DEFAULT 0,
    alarmed_at     INTEGER NOT NULL DEFAULT 0,
    next_check_at  INTEGER,
    PRIMARY KEY (case_id, kind)
);
CREATE INDEX case_deadlines_check ON case_deadlines(next_check_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX case_deadlines_open_due ON case_deadlines(due_at, case_id) WHERE met_at = 0 AND cancelled_at = 0;

CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL,
    payload       TEXT    NOT NULL DEFAULT '{}',
    run_at        INTEGER NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL,
    locked_until  INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    done_at       INTEGER NOT NULL DEFAULT 0,
    failed_at     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX jobs_ready ON jobs(run_at, id) WHERE done_at = 0 AND failed_at = 0;

CREATE TABLE job_schedules (
    name          TEXT    PRIMARY KEY,
    next_run_at   INTEGER NOT NULL,
    locked_until  INTEGER NOT NULL DEFAULT 0,
    last_run_at   INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT    NOT NULL DEFAULT ''
);
