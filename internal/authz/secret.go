// SPDX-License-Identifier: AGPL-3.0-or-later

package authz

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// APITokenPrefix starts every API token. A fixed, distinctive prefix
// lets secret scanners and log filters recognise leaked tokens, and lets
// the API tell a token from a session ID at a glance.
const APITokenPrefix = "emb_"

// secretBytes is the entropy of a secret: 256 bits, so guessing one is
// hopeless even without rate limits, and a fast hash suffices to store it.
const secretBytes = 32

// NewSecret returns prefix followed by 32 random bytes in unpadded
// base64url (43 characters), safe in URLs, cookies and headers. Use
// APITokenPrefix for API tokens and "" for session IDs and one-time
// links. Store only HashSecret of the result.
func NewSecret(prefix string) (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("authz: new secret: %w", err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// HashSecret returns the hex SHA-256 of plain, prefix included: the
// value stored and looked up in place of the secret, so that a leaked
// database does not yield usable sessions or tokens. A slow hash is
// unnecessary because secrets are random, not chosen by people; and
// lookup by hash means no secret is ever compared byte by byte.
func HashSecret(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}
