// SPDX-License-Identifier: AGPL-3.0-or-later

package authz

import "testing"

// cheapParams make a hash cost 64 KiB and one pass: nothing, next to the
// 64 MiB and three passes of defaultParams.
var cheapParams = argon2Params{memory: 64, time: 1, threads: 1, saltLen: 16, keyLen: 32}

// UseCheapPasswordHashes makes the new password hashes of this process
// cheap. It is for test binaries that create many accounts, to call from
// TestMain before any test runs: at the real cost, internal/api's tests
// spent half their time hashing, one hash at a time. Hashes record their
// parameters, so verifying them works as before. It panics outside a
// test binary.
func UseCheapPasswordHashes() {
	if !testing.Testing() {
		panic("authz: UseCheapPasswordHashes called outside a test binary")
	}
	params = cheapParams
}
