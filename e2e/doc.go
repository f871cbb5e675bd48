// SPDX-License-Identifier: AGPL-3.0-or-later

// Package e2e holds Embargo's tests that cross process boundaries. They
// build the real embargo binary once per run, start it as a server on a
// loopback port, and drive it the way people and scripts do: through the
// command line, through the JSON API over HTTP, and through a headless
// Chromium. The tests run with the rest of the suite (go test ./...).
//
// The browser tests need Chromium at /usr/bin/chromium, or wherever
// EMBARGO_CHROMIUM points. Without it they skip, except when CI=true, where
// a missing browser is a failure. TestBrowserAxe audits every kind of page
// with axe-core, which is test data in testdata/axe and never served by
// the application. The PostgreSQL variants run when
// EMBARGO_TEST_POSTGRES holds a postgres:// URL, each in a schema of its own.
package e2e
