// SPDX-License-Identifier: AGPL-3.0-or-later

package authz

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// rfcSecret is the RFC 6238 appendix B SHA-1 seed "12345678901234567890"
// in base32.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

// TestValidateTOTPKnownAnswers uses the RFC 6238 test vectors, whose
// eight-digit codes end in the six-digit codes apps show.
func TestValidateTOTPKnownAnswers(t *testing.T) {
	tests := []struct {
		name string
		unix int64
		code string
	}{
		{"t=59", 59, "287082"},
		{"t=1111111109", 1111111109, "081804"},
		{"t=1111111111", 1111111111, "050471"},
		{"t=1234567890", 1234567890, "005924"},
		{"t=2000000000", 2000000000, "279037"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !ValidateTOTP(rfcSecret, tt.code, time.Unix(tt.unix, 0)) {
				t.Errorf("ValidateTOTP(%q at %d) = false, want true", tt.code, tt.unix)
			}
		})
	}
}

// TestMatchTOTPSkew uses a fixed instant at which the five steps'
// codes are all different, so a match can only come from the right step.
func TestMatchTOTPSkew(t *testing.T) {
	now := time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)
	step := now.Unix() / 30
	codeAt := func(offset time.Duration) string {
		t.Helper()
		c, err := totp.GenerateCodeCustom(rfcSecret, now.Add(offset), totpOpts)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		name     string
		offset   time.Duration
		wantOK   bool
		wantStep int64
	}{
		{"current step", 0, true, step},
		{"previous step", -30 * time.Second, true, step - 1},
		{"next step", 30 * time.Second, true, step + 1},
		{"two steps ago", -60 * time.Second, false, 0},
		{"two steps ahead", 60 * time.Second, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := codeAt(tt.offset)
			gotStep, ok := MatchTOTP(rfcSecret, code, now)
			if ok != tt.wantOK || gotStep != tt.wantStep {
				t.Errorf("MatchTOTP() = %d, %v; want %d, %v", gotStep, ok, tt.wantStep, tt.wantOK)
			}
			if got := ValidateTOTP(rfcSecret, code, now); got != tt.wantOK {
				t.Errorf("ValidateTOTP() = %v, want %v", got, tt.wantOK)
			}
		})
	}
}

func TestValidateTOTPInput(t *testing.T) {
	at := time.Unix(59, 0)
	tests := []struct {
		name, secret, code string
		want               bool
	}{
		{"plain", rfcSecret, "287082", true},
		{"grouped with a space", rfcSecret, "287 082", true},
		{"surrounding spaces", rfcSecret, " 287082 ", true},
		{"lower-case secret", strings.ToLower(rfcSecret), "287082", true},
		{"wrong code", rfcSecret, "287083", false},
		{"five digits", rfcSecret, "28708", false},
		{"seven digits", rfcSecret, "2870820", false},
		{"eight-digit RFC code", rfcSecret, "94287082", false},
		{"letters", rfcSecret, "28708a", false},
		{"sign", rfcSecret, "+87082", false},
		{"empty", rfcSecret, "", false},
		{"invalid secret", "not base32!", "287082", false},
		{"empty secret", "", "287082", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidateTOTP(tt.secret, tt.code, at); got != tt.want {
				t.Errorf("ValidateTOTP(%q, %q) = %v, want %v", tt.secret, tt.code, got, tt.want)
			}
		})
	}
}

func TestNewTOTPKey(t *testing.T) {
	secret, rawURL, err := NewTOTPKey("Embargo (example.org)", "alice@example.org")
	if err != nil {
		t.Fatalf("NewTOTPKey: %v", err)
	}
	key, err := otp.NewKeyFromURL(rawURL)
	if err != nil {
		t.Fatalf("otpauth URL %q does not parse: %v", rawURL, err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"type", key.Type(), "totp"},
		{"issuer", key.Issuer(), "Embargo (example.org)"},
		{"account", key.AccountName(), "alice@example.org"},
		{"secret", key.Secret(), secret},
		{"secret length", len(secret), 32}, // 20 bytes in unpadded base32
		{"period", key.Period(), uint64(30)},
		{"digits", key.Digits(), otp.DigitsSix},
		{"algorithm", key.Algorithm(), otp.AlgorithmSHA1},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}

	now := time.Now()
	code, err := totp.GenerateCodeCustom(secret, now, totpOpts)
	if err != nil {
		t.Fatal(err)
	}
	if !ValidateTOTP(secret, code, now) {
		t.Error("a code generated for the new secret does not validate")
	}

	other, _, err := NewTOTPKey("Embargo", "alice@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if other == secret {
		t.Error("two keys share a secret")
	}
}

func TestNewTOTPKeyErrors(t *testing.T) {
	tests := []struct{ name, issuer, account string }{
		{"no issuer", "", "alice@example.org"},
		{"no account", "Embargo", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := NewTOTPKey(tt.issuer, tt.account); err == nil {
				t.Error("NewTOTPKey succeeded, want error")
			}
		})
	}
}

var recoveryPattern = regexp.MustCompile(`^[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}$`)

func TestNewRecoveryCodes(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		wantErr bool
	}{
		{"one", 1, false},
		{"ten", 10, false},
		{"max", MaxRecoveryCodes, false},
		{"zero", 0, true},
		{"negative", -1, true},
		{"too many", MaxRecoveryCodes + 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			codes, err := NewRecoveryCodes(tt.n)
			if tt.wantErr {
				if err == nil {
					t.Errorf("NewRecoveryCodes(%d) succeeded, want error", tt.n)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewRecoveryCodes(%d): %v", tt.n, err)
			}
			if len(codes) != tt.n {
				t.Fatalf("got %d codes, want %d", len(codes), tt.n)
			}
			seen := map[string]bool{}
			for _, c := range codes {
				if !recoveryPattern.MatchString(c) {
					t.Errorf("code %q does not look like xxxx-xxxx-xxxx from the alphabet", c)
				}
				if seen[c] {
					t.Errorf("duplicate code %q", c)
				}
				seen[c] = true
			}
		})
	}
}

// TestRecoveryCodeAlphabetUsed guards the sampling: with 12,000 symbols
// every one of the 31 should appear, and none outside the alphabet.
func TestRecoveryCodeAlphabetUsed(t *testing.T) {
	codes, err := NewRecoveryCodes(MaxRecoveryCodes)
	if err != nil {
		t.Fatal(err)
	}
	for range 9 {
		more, err := NewRecoveryCodes(MaxRecoveryCodes)
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, more...)
	}
	all := strings.ReplaceAll(strings.Join(codes, ""), "-", "")
	for _, r := range recoveryAlphabet {
		if !strings.ContainsRune(all, r) {
			t.Errorf("symbol %q never generated", r)
		}
	}
	if strings.Trim(all, recoveryAlphabet) != "" {
		t.Error("generated a symbol outside the alphabet")
	}
}

func TestHashRecoveryCode(t *testing.T) {
	canonical := HashRecoveryCode("abcd-efgh-jkmn")
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(canonical) {
		t.Fatalf("HashRecoveryCode() = %q, want 64 hex digits", canonical)
	}
	tests := []struct {
		name, code string
		same       bool
	}{
		{"identical", "abcd-efgh-jkmn", true},
		{"upper case", "ABCD-EFGH-JKMN", true},
		{"no dashes", "abcdefghjkmn", true},
		{"spaces", " abcd efgh jkmn ", true},
		{"mixed separators", "abcd efgh-JKMN", true},
		{"different code", "abcd-efgh-jkmp", false},
		{"truncated", "abcd-efgh-jkm", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HashRecoveryCode(tt.code) == canonical; got != tt.same {
				t.Errorf("HashRecoveryCode(%q) equal to canonical = %v, want %v", tt.code, got, tt.same)
			}
		})
	}
}

func TestNormalizeRecoveryCode(t *testing.T) {
	tests := []struct {
		name, code, want string
		ok               bool
	}{
		{"formatted", "abcd-efgh-jkmn", "abcdefghjkmn", true},
		{"upper and spaced", "ABCD EFGH JKMN", "abcdefghjkmn", true},
		{"ambiguous letter", "abcd-efgh-jkml", "abcdefghjkml", false},
		{"zero", "abcd-efgh-jkm0", "abcdefghjkm0", false},
		{"too short", "abcd-efgh", "abcdefgh", false},
		{"empty", "", "", false},
		{"totp code", "123456", "123456", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NormalizeRecoveryCode(tt.code)
			if got != tt.want || ok != tt.ok {
				t.Errorf("NormalizeRecoveryCode(%q) = %q, %v; want %q, %v", tt.code, got, ok, tt.want, tt.ok)
			}
		})
	}
}
