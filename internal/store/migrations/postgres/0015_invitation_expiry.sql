-- SPDX-License-Identifier: AGPL-3.0-or-later
-- An invitation that ran out is marked once, by a periodic task, so that
-- its expiry is recorded in the audit log exactly once. The partial index
-- lets the task find the invitations still open without reading the
-- others.
ALTER TABLE invitations ADD COLUMN expired_at BIGINT;
CREATE INDEX invitations_open_expiry ON invitations(expires_at)
    WHERE accepted_at IS NULL AND revoked_at IS NULL AND expired_at IS NULL;
