-- SPDX-License-Identifier: AGPL-3.0-or-later
-- A report sent by a signed-in user records who sent it, so that the user
-- can follow all their reports from one list ("My reports") without the
-- private reporter links. NULL: sent by someone not signed in, or by a
-- since-deleted user.
ALTER TABLE reports ADD COLUMN submitter_id INTEGER REFERENCES users(id) ON DELETE SET NULL;
CREATE INDEX reports_submitter ON reports(submitter_id);
