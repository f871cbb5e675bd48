// SPDX-License-Identifier: AGPL-3.0-or-later

package authz

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters. SHA-1, six digits and 30-second steps are the only
// combination every authenticator app honours; apps that ignore the
// otpauth parameters silently assume exactly these.
const (
	totpPeriod = 30
	totpDigits = otp.DigitsSix
	totpAlgo   = otp.AlgorithmSHA1
	// totpSkew is how many steps either side of now are accepted, to
	// absorb clock drift and the time it takes to type the code.
	totpSkew = 1
)

var totpOpts = totp.ValidateOpts{
	Period:    totpPeriod,
	Digits:    totpDigits,
	Algorithm: totpAlgo,
}

// NewTOTPKey creates a TOTP secret for account (usually the e-mail
// address) at issuer (the instance name shown in the app). It returns
// the base32 secret to store and the otpauth:// URL to show as a QR code
// or for manual entry. The secret is 160 random bits, the length RFC 4226
// recommends for HMAC-SHA1.
func NewTOTPKey(issuer, account string) (secret, otpauthURL string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: account,
		Period:      totpPeriod,
		SecretSize:  20,
		Digits:      totpDigits,
		Algorithm:   totpAlgo,
	})
	if err != nil {
		return "", "", fmt.Errorf("authz: new TOTP key: %w", err)
	}
	return key.Secret(), key.URL(), nil
}

// ValidateTOTP reports whether code is valid for secret at now, allowing
// one 30-second step of skew either way. Spaces in code are ignored, as
// apps display codes as "123 456". It does not stop a code from being
// replayed within its validity; use MatchTOTP for that.
func ValidateTOTP(secret, code string, now time.Time) bool {
	_, ok := MatchTOTP(secret, code, now)
	return ok
}

// MatchTOTP is ValidateTOTP that also returns the time step (Unix time
// divided by 30) the code belongs to. Callers that record the last
// accepted step per user and refuse codes whose step is not greater
// prevent an observed code from being used twice.
func MatchTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	code = strings.ReplaceAll(code, " ", "")
	if len(code) != totpDigits.Length() || strings.Trim(code, "0123456789") != "" {
		return 0, false
	}
	current := now.Unix() / totpPeriod
	for _, s := range []int64{current, current - totpSkew, current + totpSkew} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totpOpts)
		if err != nil {
			// An undecodable secret matches nothing.
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// recoveryAlphabet is lower-case letters and digits without 0, 1, i, l
// and o, which are easily confused when read off paper.
const recoveryAlphabet = "23456789abcdefghjkmnpqrstuvwxyz"

// Recovery code shape: three groups of four characters. Twelve symbols
// from 31 give 59 bits, far beyond online guessing under a rate limit;
// offline, an attacker with the database still needs the password too.
const (
	recoveryGroups   = 3
	recoveryGroupLen = 4
	// MaxRecoveryCodes caps NewRecoveryCodes.
	MaxRecoveryCodes = 100
)

// NewRecoveryCodes returns n distinct random recovery codes formatted as
// xxxx-xxxx-xxxx, for display to the user once. Store only their
// HashRecoveryCode values. n must be between 1 and MaxRecoveryCodes.
func NewRecoveryCodes(n int) ([]string, error) {
	if n < 1 || n > MaxRecoveryCodes {
		return nil, fmt.Errorf("authz: new recovery codes: count %d out of range 1..%d", n, MaxRecoveryCodes)
	}
	seen := make(map[string]bool, n)
	codes := make([]string, 0, n)
	for len(codes) < n {
		c, err := newRecoveryCode()
		if err != nil {
			return nil, fmt.Errorf("authz: new recovery codes: %w", err)
		}
		if seen[c] {
			continue
		}
		seen[c] = true
		codes = append(codes, c)
	}
	return codes, nil
}

func newRecoveryCode() (string, error) {
	const n = recoveryGroups * recoveryGroupLen
	// Rejection sampling keeps every symbol equally likely: bytes at or
	// above the largest multiple of the alphabet size are discarded.
	const limit = 256 - 256%len(recoveryAlphabet)
	var sb strings.Builder
	buf := make([]byte, 2*n)
	count := 0
	for count < n {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("read random: %w", err)
		}
		for _, b := range buf {
			if int(b) >= limit {
				continue
			}
			if count > 0 && count%recoveryGroupLen == 0 {
				sb.WriteByte('-')
			}
			sb.WriteByte(recoveryAlphabet[int(b)%len(recoveryAlphabet)])
			count++
			if count == n {
				break
			}
		}
	}
	return sb.String(), nil
}

// recoverySeparators are dropped by NormalizeRecoveryCode: users copy
// codes with the dashes, or type them with spaces.
var recoverySeparators = strings.NewReplacer(" ", "", "-", "", "\t", "")

// NormalizeRecoveryCode returns code in canonical form (lower case,
// without spaces and dashes) and whether it has the shape of a recovery
// code, so that obviously wrong input can be refused before any lookup.
func NormalizeRecoveryCode(code string) (normalized string, ok bool) {
	c := recoverySeparators.Replace(strings.ToLower(code))
	ok = len(c) == recoveryGroups*recoveryGroupLen && strings.Trim(c, recoveryAlphabet) == ""
	return c, ok
}

// HashRecoveryCode returns the hex SHA-256 of the normalized code, the
// value to store and to look up. A fast hash is enough because the codes
// are random with 59 bits of entropy, not chosen by people; a slow one
// would only make each login attempt costlier for the server.
func HashRecoveryCode(code string) string {
	c, _ := NormalizeRecoveryCode(code)
	sum := sha256.Sum256([]byte(c))
	return hex.EncodeToString(sum[:])
}
