-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Indexes for the team's metrics: each response time reads the cases that
-- reached a milestone in the period, and the share of deadlines met reads
-- the deadlines that fell due in it, without walking the whole project.

CREATE INDEX cases_project_acknowledged ON cases(project_id, acknowledged_at) WHERE acknowledged_at <> 0;
CREATE INDEX cases_project_assessed ON cases(project_id, assessed_at) WHERE assessed_at <> 0;
CREATE INDEX cases_project_fixed ON cases(project_id, fixed_at) WHERE fixed_at <> 0;
CREATE INDEX cases_project_disclosed ON cases(project_id, disclosed_at) WHERE disclosed_at <> 0;
CREATE INDEX case_deadlines_due ON case_deadlines(due_at);
