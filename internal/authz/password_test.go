// SPDX-License-Identifier: AGPL-3.0-or-later

package authz

import (
	"errors"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain makes new hashes cheap so the suite stays fast; tests that
// need the real cost say so explicitly.
func TestMain(m *testing.M) {
	UseCheapPasswordHashes()
	os.Exit(m.Run())
}

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name string
		pw   string
		want error
	}{
		{"empty", "", ErrPasswordTooShort},
		{"eleven", "abcdefghijk", ErrPasswordTooShort},
		{"twelve", "abcdefghijkl", nil},
		{"twelve runes in more bytes", "ééééééééééé€", nil},
		{"eleven runes in many bytes", "€€€€€€€€€€€", ErrPasswordTooShort},
		{"at byte limit", strings.Repeat("a", MaxPasswordBytes), nil},
		{"over byte limit", strings.Repeat("a", MaxPasswordBytes+1), ErrPasswordTooLong},
		{"over byte limit in runes", strings.Repeat("€", MaxPasswordBytes/3+1), ErrPasswordTooLong},
		{"invalid utf-8", "abcdefghijkl\xff", ErrPasswordNotUTF8},
		{"spaces count", "correct horse battery staple", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidatePassword(tt.pw); !errors.Is(got, tt.want) {
				t.Errorf("ValidatePassword() = %v, want %v", got, tt.want)
			}
		})
	}
}

var phcPattern = regexp.MustCompile(`^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestHashAndVerify(t *testing.T) {
	tests := []struct {
		name, pw, attempt string
		want              bool
	}{
		{"match", "correct horse battery staple", "correct horse battery staple", true},
		{"mismatch", "correct horse battery staple", "Tr0ub4dor&3", false},
		{"case matters", "Correct Horse", "correct horse", false},
		{"prefix is not a match", "correct horse battery staple", "correct horse battery stapl", false},
		{"unicode", "pässwörd-日本語-ok", "pässwörd-日本語-ok", true},
		{"empty password hashes", "", "", true},
		{"max length", strings.Repeat("x", MaxPasswordBytes), strings.Repeat("x", MaxPasswordBytes), true},
		{"over-long attempt", "short", strings.Repeat("x", MaxPasswordBytes+1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := HashPassword(tt.pw)
			if err != nil {
				t.Fatalf("HashPassword: %v", err)
			}
			if !phcPattern.MatchString(h) {
				t.Errorf("HashPassword() = %q, not in PHC argon2id format", h)
			}
			got, err := VerifyPassword(h, tt.attempt)
			if err != nil {
				t.Fatalf("VerifyPassword: %v", err)
			}
			if got != tt.want {
				t.Errorf("VerifyPassword() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHashPasswordSalts(t *testing.T) {
	a, err := HashPassword("same password here")
	if err != nil {
		t.Fatal(err)
	}
	b, err := HashPassword("same password here")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Errorf("two hashes of one password are equal (%q): salt not random", a)
	}
}

func TestHashPasswordTooLong(t *testing.T) {
	if _, err := HashPassword(strings.Repeat("x", MaxPasswordBytes+1)); !errors.Is(err, ErrPasswordTooLong) {
		t.Errorf("HashPassword(over-long) error = %v, want ErrPasswordTooLong", err)
	}
}

// TestVerifyPasswordInterop checks hashes produced by another
// implementation (the reference C library via argon2-cffi), so that
// encoding details such as base64 padding stay compatible.
func TestVerifyPasswordInterop(t *testing.T) {
	tests := []struct {
		name, encoded, pw string
		want              bool
	}{
		{
			"argon2-cffi default",
			"$argon2id$v=19$m=65536,t=3,p=4$MIIRqgvgQbgj220jfp0MPA$YfwJSVjtjSU0zzV/P3S9nnQ/USre2wvJMjfCIjrTQbg",
			"correct horse battery staple", true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := VerifyPassword(tt.encoded, tt.pw)
			if err != nil {
				t.Fatalf("VerifyPassword: %v", err)
			}
			if got != tt.want {
				t.Errorf("VerifyPassword() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestVerifyPasswordMalformed(t *testing.T) {
	good, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	tests := []struct {
		name, encoded string
	}{
		{"garbage", "not a hash"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key},
		{"old version", "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key},
		{"missing field", "$argon2id$v=19$m=64,t=1,p=1$" + salt},
		{"extra field", good + "$x"},
		{"params out of order", "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key},
		{"param not a number", "$argon2id$v=19$m=lots,t=1,p=1$" + salt + "$" + key},
		{"negative param", "$argon2id$v=19$m=64,t=-1,p=1$" + salt + "$" + key},
		{"zero time", "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key},
		{"zero threads", "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key},
		{"memory below 8 per lane", "$argon2id$v=19$m=8,t=1,p=2$" + salt + "$" + key},
		{"huge memory", "$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + key},
		{"huge time", "$argon2id$v=19$m=64,t=100000,p=1$" + salt + "$" + key},
		{"padded salt", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key},
		{"bad salt", "$argon2id$v=19$m=64,t=1,p=1$!!!!$" + key},
		{"short salt", "$argon2id$v=19$m=64,t=1,p=1$AAAA$" + key},
		{"short hash", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$AAAA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := VerifyPassword(tt.encoded, "correct horse battery staple")
			if !errors.Is(err, ErrMalformedHash) {
				t.Errorf("VerifyPassword() error = %v, want ErrMalformedHash", err)
			}
			if ok {
				t.Error("VerifyPassword() = true for a malformed hash")
			}
			if !NeedsRehash(tt.encoded) {
				t.Error("NeedsRehash() = false for a malformed hash")
			}
		})
	}
}

func TestVerifyPasswordEmptyHash(t *testing.T) {
	for _, pw := range []string{"", "anything at all"} {
		ok, err := VerifyPassword("", pw)
		if ok || err != nil {
			t.Errorf("VerifyPassword(\"\", %q) = %v, %v; want false, nil", pw, ok, err)
		}
	}
}

func TestNeedsRehash(t *testing.T) {
	current, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, encoded string
		want          bool
	}{
		{"current parameters", current, false},
		{"other parameters", "$argon2id$v=19$m=65536,t=3,p=4$MIIRqgvgQbgj220jfp0MPA$YfwJSVjtjSU0zzV/P3S9nnQ/USre2wvJMjfCIjrTQbg", true},
		{"empty", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NeedsRehash(tt.encoded); got != tt.want {
				t.Errorf("NeedsRehash() = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestDefaultParams pins the production cost, which TestMain replaces:
// lowering it by accident would weaken every new hash silently.
func TestDefaultParams(t *testing.T) {
	want := argon2Params{memory: 64 * 1024, time: 3, threads: 2, saltLen: 16, keyLen: 32}
	if defaultParams != want {
		t.Errorf("defaultParams = %+v, want %+v", defaultParams, want)
	}
	h := encodeHash(defaultParams, make([]byte, 16), make([]byte, 32))
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("encoded default parameters = %q", h)
	}
}

// TestDummyVerifyHashes checks that the timing-equalising paths really
// run argon2: with every hash slot taken they must wait for one.
func TestDummyVerifyHashes(t *testing.T) {
	tests := []struct {
		name string
		fn   func()
	}{
		{"DummyVerify", func() { DummyVerify("guess") }},
		{"VerifyPassword with empty hash", func() { _, _ = VerifyPassword("", "guess") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range cap(hashSlots) {
				hashSlots <- struct{}{}
			}
			done := make(chan struct{})
			go func() {
				tt.fn()
				close(done)
			}()
			select {
			case <-done:
				t.Fatal("returned without waiting for a hash slot")
			case <-time.After(50 * time.Millisecond):
			}
			for range cap(hashSlots) {
				<-hashSlots
			}
			<-done
		})
	}
}

func TestDummyVerifyOverLong(t *testing.T) {
	// Like VerifyPassword, it does not hash what could never match.
	DummyVerify(strings.Repeat("x", MaxPasswordBytes+1))
}

func TestConcurrentHashing(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			pw := strings.Repeat("p", 12+i)
			h, err := HashPassword(pw)
			if err != nil {
				t.Error(err)
				return
			}
			if ok, err := VerifyPassword(h, pw); !ok || err != nil {
				t.Errorf("VerifyPassword = %v, %v", ok, err)
			}
		})
	}
	wg.Wait()
}
