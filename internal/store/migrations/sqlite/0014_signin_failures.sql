-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Failed sign-ins since the member last signed in, shown to them when they
-- next do: failed_logins counts wrong passwords for the account from any
-- browser, failed_login_at is the newest one's time (0 for none).
ALTER TABLE users ADD COLUMN failed_logins   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN failed_login_at INTEGER  NOT NULL DEFAULT 0;
