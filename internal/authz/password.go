// SPDX-License-Identifier: AGPL-3.0-or-later

package authz

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password policy limits.
const (
	// MinPasswordChars is the minimum length in characters (runes), so
	// that a passphrase in any script is judged alike.
	MinPasswordChars = 12
	// MaxPasswordBytes caps what is hashed. Argon2 itself is cheap on
	// long inputs, but an unbounded field invites memory and log abuse,
	// and no password manager needs more.
	MaxPasswordBytes = 256
)

// Errors returned by ValidatePassword and HashPassword. Their messages
// are meant to be shown to the user as they are.
var (
	ErrPasswordTooShort = fmt.Errorf("password must be at least %d characters long", MinPasswordChars)
	ErrPasswordTooLong  = fmt.Errorf("password must be at most %d bytes long", MaxPasswordBytes)
	ErrPasswordNotUTF8  = errors.New("password must be valid UTF-8 text")
)

// ErrMalformedHash is wrapped by VerifyPassword when the stored hash is
// not an argon2id PHC string it can check.
var ErrMalformedHash = errors.New("malformed password hash")

// argon2Params are the cost parameters of one hash.
type argon2Params struct {
	memory  uint32 // KiB
	time    uint32 // passes
	threads uint8
	saltLen int
	keyLen  int
}

// defaultParams follow the second recommendation of RFC 9106 §4 (64 MiB,
// three passes) with two lanes instead of four, because Embargo is often
// self-hosted on one- or two-core machines, where extra lanes add no
// speed. That costs about 100 ms on a current server core, slow enough
// to make offline guessing expensive and fast enough for a login.
var defaultParams = argon2Params{
	memory:  64 * 1024,
	time:    3,
	threads: 2,
	saltLen: 16,
	keyLen:  32,
}

// params are the parameters new hashes use. Tests lower them; nothing
// else may change them.
var params = defaultParams

// Bounds accepted when decoding, so a corrupted or hostile hash cannot
// make a verification allocate gigabytes or run for minutes.
const (
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxTime      = 16
	maxThreads   = 16
	minSaltLen   = 8
	minKeyLen    = 16
	maxKeyLen    = 128
)

// hashSlots bounds concurrent hashes, and so peak memory: each one holds
// params.memory for its whole duration, and a burst of logins must not
// exhaust a small server. Hashes beyond the limit queue. Running more at
// once than there are cores for their lanes would only add latency.
var hashSlots = make(chan struct{}, max(1, min(4, runtime.GOMAXPROCS(0)/int(defaultParams.threads))))

func argon2Key(pw string, salt []byte, p argon2Params) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, uint32(p.keyLen))
}

// ValidatePassword checks a user-chosen password against the policy:
// valid UTF-8, at least MinPasswordChars characters, at most
// MaxPasswordBytes bytes. It returns one of the ErrPassword* errors.
// There are deliberately no composition rules; length is what resists
// guessing, and rules push users towards predictable patterns.
func ValidatePassword(pw string) error {
	if !utf8.ValidString(pw) {
		return ErrPasswordNotUTF8
	}
	if len(pw) > MaxPasswordBytes {
		return ErrPasswordTooLong
	}
	if utf8.RuneCountInString(pw) < MinPasswordChars {
		return ErrPasswordTooShort
	}
	return nil
}

// HashPassword returns an argon2id hash of pw in PHC string format,
// $argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>, with a fresh random
// salt. It rejects passwords longer than MaxPasswordBytes but does not
// apply the rest of the policy: callers run ValidatePassword on
// passwords a user chooses.
func HashPassword(pw string) (string, error) {
	if len(pw) > MaxPasswordBytes {
		return "", ErrPasswordTooLong
	}
	p := params
	salt := make([]byte, p.saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("authz: hash password: read salt: %w", err)
	}
	return encodeHash(p, salt, argon2Key(pw, salt, p)), nil
}

// VerifyPassword reports whether pw matches the encoded hash, comparing
// in constant time. A malformed hash is an error wrapping
// ErrMalformedHash. An empty hash, for an account that has no password
// yet, never matches and is not an error; it takes as long as a real
// check, like DummyVerify. Over-long passwords never match and are not
// hashed.
func VerifyPassword(encoded, pw string) (bool, error) {
	if encoded == "" {
		DummyVerify(pw)
		return false, nil
	}
	p, salt, want, err := decodeHash(encoded)
	if err != nil {
		return false, fmt.Errorf("authz: verify password: %w", err)
	}
	if len(pw) > MaxPasswordBytes {
		return false, nil
	}
	got := argon2Key(pw, salt, p)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// DummyVerify does the work of a VerifyPassword with the current
// parameters and discards the result. Login calls it for unknown e-mail
// addresses so that response time does not reveal which accounts exist.
func DummyVerify(pw string) {
	if len(pw) > MaxPasswordBytes {
		return
	}
	p := params
	salt := make([]byte, p.saltLen)
	// Decode and compare too, so the path matches VerifyPassword's.
	_, _, want, err := decodeHash(encodeHash(p, salt, make([]byte, p.keyLen)))
	if err != nil {
		panic(fmt.Sprintf("authz: dummy hash does not decode: %v", err))
	}
	subtle.ConstantTimeCompare(argon2Key(pw, salt, p), want)
}

// NeedsRehash reports whether encoded was made with parameters other
// than the current ones, or cannot be decoded. Login rehashes the
// password it has just verified when this is true, so that raising the
// cost reaches every active account.
func NeedsRehash(encoded string) bool {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return true
	}
	return p.memory != params.memory || p.time != params.time || p.threads != params.threads ||
		len(salt) < params.saltLen || len(key) != params.keyLen
}

var b64 = base64.RawStdEncoding

func encodeHash(p argon2Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decodeHash parses a PHC argon2id string strictly: only the fields and
// order that encodeHash writes, within sane bounds.
func decodeHash(encoded string) (p argon2Params, salt, key []byte, err error) {
	fail := func(format string, args ...any) (argon2Params, []byte, []byte, error) {
		return argon2Params{}, nil, nil, fmt.Errorf("%w: %s", ErrMalformedHash, fmt.Sprintf(format, args...))
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return fail("want 5 $-separated fields")
	}
	if parts[1] != "argon2id" {
		return fail("unsupported algorithm %q", parts[1])
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return fail("unsupported version %q", parts[2])
	}

	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return fail("want parameters m,t,p")
	}
	var vals [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(kv[i], name+"=")
		if !ok {
			return fail("want parameter %s, got %q", name, kv[i])
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return fail("parameter %s: %q is not a number", name, v)
		}
		vals[i] = n
	}
	m, t, th := vals[0], vals[1], vals[2]
	switch {
	case th < 1 || th > maxThreads:
		return fail("parallelism %d out of range 1..%d", th, maxThreads)
	case t < 1 || t > maxTime:
		return fail("time %d out of range 1..%d", t, maxTime)
	case m < 8*th || m > maxMemoryKiB:
		return fail("memory %d KiB out of range %d..%d", m, 8*th, maxMemoryKiB)
	}

	salt, err = b64.DecodeString(parts[4])
	if err != nil {
		return fail("salt is not unpadded base64")
	}
	if len(salt) < minSaltLen {
		return fail("salt is %d bytes, want at least %d", len(salt), minSaltLen)
	}
	key, err = b64.DecodeString(parts[5])
	if err != nil {
		return fail("hash is not unpadded base64")
	}
	if len(key) < minKeyLen || len(key) > maxKeyLen {
		return fail("hash is %d bytes, want %d..%d", len(key), minKeyLen, maxKeyLen)
	}
	p = argon2Params{memory: uint32(m), time: uint32(t), threads: uint8(th), saltLen: len(salt), keyLen: len(key)}
	return p, salt, key, nil
}
