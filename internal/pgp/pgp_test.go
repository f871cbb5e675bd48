// SPDX-License-Identifier: AGPL-3.0-or-later

package pgp

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func mustGenerate(t testing.TB, name string) *Key {
	t.Helper()
	k, err := Generate(name, "security@example.org", testNow)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustArmorPrivate(t testing.TB, e *openpgp.Entity) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PrivateKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SerializePrivateWithoutSigning(w, nil); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return buf.Bytes()
}

// encryptRaw encrypts with go-crypto directly, so tests can pick
// compression and armor independently of Encrypt.
func encryptRaw(t testing.TB, to *Key, plain []byte, compress bool, armored bool) []byte {
	t.Helper()
	cfg := &packet.Config{Time: func() time.Time { return testNow }}
	if compress {
		cfg.DefaultCompressionAlgo = packet.CompressionZLIB
		cfg.CompressionConfig = &packet.CompressionConfig{Level: 9}
	}
	var buf bytes.Buffer
	var out interface {
		Write([]byte) (int, error)
		Close() error
	}
	dst := &buf
	var aw interface {
		Write([]byte) (int, error)
		Close() error
	}
	var err error
	if armored {
		aw, err = armor.Encode(dst, "PGP MESSAGE", nil)
		if err != nil {
			t.Fatal(err)
		}
		out, err = openpgp.Encrypt(aw, openpgp.EntityList{to.entity}, nil, nil, cfg)
	} else {
		out, err = openpgp.Encrypt(dst, openpgp.EntityList{to.entity}, nil, nil, cfg)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := out.Write(plain); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	if aw != nil {
		aw.Close()
	}
	return buf.Bytes()
}

func TestGenerate(t *testing.T) {
	k := mustGenerate(t, "Acme (Widgets) <x> Security")
	fp := k.Fingerprint()
	if len(fp) != 40 || strings.ToUpper(fp) != fp {
		t.Errorf("Fingerprint = %q, want 40 upper-case hex digits", fp)
	}
	if got := k.entity.PrimaryKey.PubKeyAlgo; got != packet.PubKeyAlgoEdDSA {
		t.Errorf("primary algorithm = %v, want EdDSA", got)
	}
	enc, ok := k.entity.EncryptionKey(testNow)
	if !ok || enc.PublicKey.PubKeyAlgo != packet.PubKeyAlgoECDH {
		t.Fatalf("no ECDH encryption subkey")
	}
	for id := range k.entity.Identities {
		if id != "Acme Widgets x Security <security@example.org>" {
			t.Errorf("user ID = %q", id)
		}
	}
	if _, err := Generate("", "", testNow); err == nil {
		t.Error("Generate accepted an empty user ID")
	}
}

func TestDecrypt(t *testing.T) {
	k := mustGenerate(t, "Acme Security")
	other := mustGenerate(t, "Other Security")
	report := []byte("SQL injection in /search?q=\n")
	pub, err := k.ArmoredPublic()
	if err != nil {
		t.Fatal(err)
	}
	viaEncrypt, err := Encrypt([]byte(pub), report, testNow)
	if err != nil {
		t.Fatal(err)
	}
	signedOnly := func() []byte {
		var buf bytes.Buffer
		w, _ := openpgp.Sign(&buf, k.entity, nil, nil)
		w.Write(report)
		w.Close()
		return buf.Bytes()
	}()
	bomb := encryptRaw(t, k, make([]byte, MaxPlaintextSize+1<<20), true, false)
	if len(bomb) > 1<<20 {
		t.Fatalf("bomb is %d bytes; compression did not happen", len(bomb))
	}
	tests := []struct {
		name    string
		data    []byte
		want    []byte
		wantErr error
	}{
		{"Encrypt output (armored)", viaEncrypt, report, nil},
		{"armored, compressed", encryptRaw(t, k, report, true, true), report, nil},
		{"binary, uncompressed", encryptRaw(t, k, report, false, false), report, nil},
		{"armored with text around", append(append([]byte("Hello,\n\n"), encryptRaw(t, k, report, false, true)...), "\n-- \nme\n"...), report, nil},
		{"to another key", encryptRaw(t, other, report, false, true), nil, ErrNotForThisKey},
		{"garbage", []byte("hello"), nil, ErrMalformed},
		{"broken armor", []byte("-----BEGIN PGP MESSAGE-----\n\n!!!!\n-----END PGP MESSAGE-----\n"), nil, ErrMalformed},
		{"public key block", []byte(pub), nil, ErrMalformed},
		{"signed, not encrypted", signedOnly, nil, ErrNotEncrypted},
		{"decompression bomb", bomb, nil, ErrTooLarge},
		{"input too large", make([]byte, MaxMessageSize+1), nil, ErrInputTooLarge},
		{"key packet in message", []byte{0xc5, 0x06, 4, 0, 0, 0, 0, 16}, nil, ErrMalformed},
		{"armored key packet in message", armorPackets(t, "PGP MESSAGE", []byte{0xc5, 0x06, 4, 0, 0, 0, 0, 16}), nil, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := k.Decrypt(tt.data, testNow)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Decrypt error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Fatalf("Decrypt = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestImport(t *testing.T) {
	k := mustGenerate(t, "Acme Security")
	pub, _ := k.ArmoredPublic()
	noEnc := mustGenerate(t, "No Encryption")
	noEnc.entity.Subkeys = nil
	locked := mustGenerate(t, "Locked")
	if err := locked.entity.EncryptPrivateKeys([]byte("pass"), nil); err != nil {
		t.Fatal(err)
	}
	two := append(mustArmorPrivate(t, k.entity), mustArmorPrivate(t, noEnc.entity)...)
	_ = two
	var twoInOne bytes.Buffer
	w, _ := armor.Encode(&twoInOne, openpgp.PrivateKeyType, nil)
	k.entity.SerializePrivateWithoutSigning(w, nil)
	mustGenerate(t, "Second").entity.SerializePrivateWithoutSigning(w, nil)
	w.Close()
	tests := []struct {
		name    string
		in      []byte
		wantErr string
	}{
		{"private key", mustArmorPrivate(t, k.entity), ""},
		{"public key", []byte(pub), "this is a public key"},
		{"no encryption subkey", mustArmorPrivate(t, noEnc.entity), "no valid encryption subkey"},
		{"passphrase", mustArmorPrivate(t, locked.entity), "passphrase"},
		{"two keys", twoInOne.Bytes(), "expected one key, found 2"},
		{"not armored", []byte("hello"), "not an ASCII-armored"},
		{"too large", bytes.Repeat([]byte("a"), MaxKeySize+1), "larger than 64 KiB"},
		{"ElGamal", armorPackets(t, openpgp.PrivateKeyType, []byte{0xc5, 0x06, 4, 0, 0, 0, 0, 16}), "unsupported algorithm"},
		{"DSA", armorPackets(t, openpgp.PrivateKeyType, []byte{0xc5, 0x06, 4, 0, 0, 0, 0, 17}), "unsupported algorithm"},
		{"huge RSA", armorPackets(t, openpgp.PrivateKeyType, []byte{0xc5, 0x08, 4, 0, 0, 0, 0, 1, 0x40, 0x00}), "larger than 8192 bits"},
		{"truncated packet", armorPackets(t, openpgp.PrivateKeyType, []byte{0xc5, 0x40, 4}), "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Import(tt.in, testNow)
			if tt.wantErr != "" {
				var ke *KeyError
				if !errors.As(err, &ke) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Import error = %v, want a KeyError containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Fingerprint() != k.Fingerprint() {
				t.Errorf("imported fingerprint %s, want %s", got.Fingerprint(), k.Fingerprint())
			}
			msg := encryptRaw(t, k, []byte("hi"), false, true)
			if plain, err := got.Decrypt(msg, testNow); err != nil || string(plain) != "hi" {
				t.Errorf("imported key decrypts %q, %v", plain, err)
			}
		})
	}
}

func TestMarshalPrivateRoundTrip(t *testing.T) {
	k := mustGenerate(t, "Acme Security")
	b, err := k.MarshalPrivate()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParsePrivate(b)
	if err != nil {
		t.Fatal(err)
	}
	if back.Fingerprint() != k.Fingerprint() {
		t.Fatal("fingerprint changed")
	}
	if plain, err := back.Decrypt(encryptRaw(t, k, []byte("x"), false, false), testNow); err != nil || string(plain) != "x" {
		t.Fatalf("round-tripped key decrypts %q, %v", plain, err)
	}
}

func TestClearSign(t *testing.T) {
	k := mustGenerate(t, "Instance")
	text := []byte("Contact: mailto:security@example.org\nExpires: 2027-11-23T12:00:00.000Z\n")
	signed, err := k.ClearSign(text, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(signed, []byte("-----BEGIN PGP SIGNED MESSAGE-----")) {
		t.Fatalf("not a cleartext signature:\n%s", signed)
	}
	block, _ := clearsign.Decode(signed)
	if block == nil {
		t.Fatal("clearsign.Decode found no block")
	}
	cfg := &packet.Config{Time: func() time.Time { return testNow }}
	if _, err := block.VerifySignature(openpgp.EntityList{k.entity}, cfg); err != nil {
		t.Fatalf("signature does not verify: %v", err)
	}
	if !bytes.Equal(block.Plaintext, bytes.TrimSuffix(text, []byte("\n"))) && !bytes.Equal(block.Plaintext, text) {
		t.Errorf("signed text = %q", block.Plaintext)
	}
}

func TestEncryptRefusesBadRecipients(t *testing.T) {
	noEnc := mustGenerate(t, "No Encryption")
	noEnc.entity.Subkeys = nil
	var pub bytes.Buffer
	w, _ := armor.Encode(&pub, openpgp.PublicKeyType, nil)
	noEnc.entity.Serialize(w)
	w.Close()
	tests := []struct {
		name string
		key  []byte
	}{
		{"garbage", []byte("nope")},
		{"no encryption subkey", pub.Bytes()},
		{"too large", bytes.Repeat([]byte("a"), MaxKeySize+1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ke *KeyError
			if _, err := Encrypt(tt.key, []byte("x"), testNow); !errors.As(err, &ke) {
				t.Fatalf("Encrypt error = %v, want a KeyError", err)
			}
		})
	}
}

func TestIsArmoredMessage(t *testing.T) {
	tests := []struct {
		name string
		text string
		want bool
	}{
		{"message", "-----BEGIN PGP MESSAGE-----\n\nxx\n-----END PGP MESSAGE-----\n", true},
		{"after text", "Hi,\n\n  -----BEGIN PGP MESSAGE-----\nxx", true},
		{"CRLF", "x\r\n-----BEGIN PGP MESSAGE-----\r\n", true},
		{"plain", "plain report", false},
		{"mentioned mid-line", "paste it after -----BEGIN PGP MESSAGE-----", false},
		{"public key", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsArmoredMessage([]byte(tt.text)); got != tt.want {
				t.Errorf("IsArmoredMessage(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

// TestGnuPGInterop encrypts with GnuPG to the exported public key, decrypts
// with Decrypt, and checks a cleartext signature with gpg --verify.
func TestGnuPGInterop(t *testing.T) {
	gpg, err := exec.LookPath("gpg")
	if err != nil {
		t.Skip("gpg not on PATH (Debian package gnupg)")
	}
	home := t.TempDir()
	run := func(stdin []byte, args ...string) []byte {
		t.Helper()
		cmd := exec.Command(gpg, append([]string{"--homedir", home, "--batch", "--no-tty", "--quiet"}, args...)...)
		cmd.Stdin = bytes.NewReader(stdin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("gpg %v: %v\n%s", args, err, stderr.String())
		}
		return out
	}
	t.Cleanup(func() { exec.Command("gpgconf", "--homedir", home, "--kill", "all").Run() })
	now := time.Now()
	k, err := Generate("Acme Security", "security@example.org", now.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := k.ArmoredPublic()
	run([]byte(pub), "--import")
	report := []byte("Stack overflow in parser.c:42\n")
	for _, armored := range []bool{true, false} {
		args := []string{"--trust-model", "always", "--encrypt", "--recipient", k.Fingerprint()}
		if armored {
			args = append(args, "--armor")
		}
		msg := run(report, args...)
		if armored && !IsArmoredMessage(msg) {
			t.Fatalf("gpg --armor output not detected as armored:\n%s", msg)
		}
		plain, err := k.Decrypt(msg, now)
		if err != nil {
			t.Fatalf("Decrypt(gpg armored=%v): %v", armored, err)
		}
		if !bytes.Equal(plain, report) {
			t.Fatalf("Decrypt(gpg) = %q", plain)
		}
	}
	signed, err := k.ClearSign([]byte("Contact: mailto:security@example.org\n"), now)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(home, "security.txt")
	os.WriteFile(f, signed, 0o600)
	run(nil, "--verify", f)
}

// armorPackets wraps raw packets in ASCII armor of the given type.
func armorPackets(t testing.TB, blockType string, raw []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, blockType, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw)
	w.Close()
	return buf.Bytes()
}
