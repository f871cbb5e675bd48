// SPDX-License-Identifier: AGPL-3.0-or-later

package pgp

import (
	"bytes"
	"compress/zlib"
	"crypto/rand"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// nopCloser adapts a writer for SerializeCompressed.
type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// encryptPackets encrypts raw inner packets to k, optionally compressed,
// bypassing openpgp.Encrypt so a test can put anything inside.
func encryptPackets(t *testing.T, k *Key, inner []byte, compress bool) []byte {
	t.Helper()
	cfg := &packet.Config{Time: func() time.Time { return testNow }}
	enc, ok := k.entity.EncryptionKey(testNow)
	if !ok {
		t.Fatal("no encryption key")
	}
	sessionKey := make([]byte, 32)
	rand.Read(sessionKey)
	var buf bytes.Buffer
	if err := packet.SerializeEncryptedKey(&buf, enc.PublicKey, packet.CipherAES256, sessionKey, cfg); err != nil {
		t.Fatal(err)
	}
	w, err := packet.SerializeSymmetricallyEncrypted(&buf, packet.CipherAES256, false, packet.CipherSuite{}, sessionKey, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if compress {
		inner = compressedPacket(inner)
	}
	w.Write(inner)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// compressedPacket wraps packets in a ZLIB compressed data packet.
func compressedPacket(inner []byte) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(inner)
	zw.Close()
	body := append([]byte{2}, z.Bytes()...)
	return append([]byte{0xc8, 0xff, byte(len(body) >> 24), byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}, body...)
}

// TestDecryptRefusesKeysInside checks that key packets inside an encrypted
// message are refused before go-crypto parses (and slowly validates) them.
func TestDecryptRefusesKeysInside(t *testing.T) {
	k := mustGenerate(t, "Acme Security")
	elgamal := []byte{0xc5, 0x06, 4, 0, 0, 0, 0, 16}
	var literal bytes.Buffer
	lw, _ := packet.SerializeLiteral(nopCloser{&literal}, true, "", 0)
	lw.Write([]byte("hello"))
	lw.Close()
	signer := mustGenerate(t, "Reporter")
	var signed bytes.Buffer
	sw, err := openpgp.Encrypt(&signed, openpgp.EntityList{k.entity}, signer.entity, nil, &packet.Config{Time: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	sw.Write([]byte("signed report"))
	sw.Close()
	tests := []struct {
		name    string
		data    []byte
		want    string
		wantErr error
	}{
		{"literal", encryptPackets(t, k, literal.Bytes(), false), "hello", nil},
		{"compressed literal", encryptPackets(t, k, literal.Bytes(), true), "hello", nil},
		{"signed by an unknown key", signed.Bytes(), "signed report", nil},
		{"key packet", encryptPackets(t, k, elgamal, false), "", ErrMalformed},
		{"key packet after literal", encryptPackets(t, k, append(bytes.Clone(literal.Bytes()), elgamal...), false), "", ErrMalformed},
		{"compressed key packet", encryptPackets(t, k, elgamal, true), "", ErrMalformed},
		{"doubly compressed key packet", encryptPackets(t, k, compressedPacket(elgamal), true), "", ErrMalformed},
		{"compression nested too deep", encryptPackets(t, k, compressedPacket(compressedPacket(compressedPacket(compressedPacket(literal.Bytes())))), false), "", ErrMalformed},
		{"garbage inside", encryptPackets(t, k, []byte{0x00, 0x01}, false), "", ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := k.Decrypt(tt.data, testNow)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Decrypt = %q, %v; want %v", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("Decrypt = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestDecryptPassphraseOnly(t *testing.T) {
	k := mustGenerate(t, "Acme Security")
	var buf bytes.Buffer
	w, err := openpgp.SymmetricallyEncrypt(&buf, []byte("pass"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("x"))
	w.Close()
	if _, err := k.Decrypt(buf.Bytes(), testNow); !errors.Is(err, ErrNotForThisKey) {
		t.Fatalf("Decrypt = %v, want ErrNotForThisKey", err)
	}
}
