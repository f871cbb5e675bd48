// SPDX-License-Identifier: AGPL-3.0-or-later

package web_test

import (
	"os"
	"testing"

	"embargo/internal/authz"
)

// TestMain makes password hashes cheap: these tests create accounts by
// the hundred, and at the real cost they spent much of their time hashing.
func TestMain(m *testing.M) {
	authz.UseCheapPasswordHashes()
	os.Exit(m.Run())
}
