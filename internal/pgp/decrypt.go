// SPDX-License-Identifier: AGPL-3.0-or-later

package pgp

import (
	"bytes"
	"compress/bzip2"
	"compress/flate"
	"compress/zlib"
	"errors"
	"io"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// maxNesting bounds compressed packets inside compressed packets.
const maxNesting = 3

// decryptPayload decrypts a binary message whose top level has passed
// checkMessagePackets and returns the decrypted packet stream. It unwraps
// the encryption itself, with go-crypto's packet API, so that the packets
// inside can be checked (checkInner) before openpgp.ReadMessage parses
// them.
func (k *Key) decryptPayload(raw []byte, now time.Time) ([]byte, error) {
	cfg := config(now)
	packets := packet.NewReader(bytes.NewReader(raw))
	var keyPackets []*packet.EncryptedKey
	var data packet.EncryptedDataPacket
	for data == nil {
		p, err := packets.Next()
		if err == io.EOF {
			return nil, ErrMalformed
		}
		if err != nil {
			return nil, ErrMalformed
		}
		switch p := p.(type) {
		case *packet.EncryptedKey:
			keyPackets = append(keyPackets, p)
		case *packet.SymmetricKeyEncrypted:
			// Encrypted with a passphrase too; the project key may still
			// be among the recipients.
		case *packet.SymmetricallyEncrypted:
			if !p.IntegrityProtected {
				return nil, ErrMalformed // no integrity check: refused, as go-crypto does
			}
			data = p
		case *packet.AEADEncrypted:
			data = p
		case *packet.Compressed, *packet.LiteralData, *packet.OnePassSignature, *packet.Signature:
			return nil, ErrNotEncrypted
		default:
			return nil, ErrMalformed
		}
	}
	candidates := openpgp.EntityList{k.entity}.DecryptionKeys()
	for _, ek := range keyPackets {
		for _, c := range candidates {
			if ek.KeyId != 0 && ek.KeyId != c.PublicKey.KeyId {
				continue
			}
			if ek.Algo != c.PublicKey.PubKeyAlgo {
				continue
			}
			if err := ek.Decrypt(c.PrivateKey, cfg); err != nil {
				continue
			}
			rc, err := data.Decrypt(ek.CipherFunc, ek.Key)
			if err != nil {
				return nil, ErrMalformed
			}
			// The decrypted stream is no longer than the ciphertext, which
			// Decrypt has bounded already.
			plain, err := io.ReadAll(io.LimitReader(rc, MaxMessageSize+1))
			if err != nil || len(plain) > MaxMessageSize {
				rc.Close()
				return nil, ErrMalformed
			}
			if err := rc.Close(); err != nil {
				return nil, ErrMalformed // integrity check failed
			}
			return plain, nil
		}
	}
	return nil, ErrNotForThisKey
}

// checkInner refuses a decrypted packet stream holding key packets, at the
// top or inside compressed packets, so that go-crypto never parses (and
// validates, at attacker-chosen cost) a key from a message. Decompression
// is capped at MaxPlaintextSize plus slack, like the final read.
func checkInner(data []byte, depth int) error {
	return packetsFull(data, func(tag byte, body []byte) error {
		switch tag {
		case tagSecretKey, tagPublicKey, tagSecretSubkey, tagPublicSubkey:
			return ErrMalformed
		case 8: // compressed data
			if depth >= maxNesting {
				return ErrMalformed
			}
			if len(body) < 1 {
				return ErrMalformed
			}
			var r io.Reader
			switch body[0] {
			case 0:
				r = bytes.NewReader(body[1:])
			case 1:
				r = flate.NewReader(bytes.NewReader(body[1:]))
			case 2:
				zr, err := zlib.NewReader(bytes.NewReader(body[1:]))
				if err != nil {
					return ErrMalformed
				}
				r = zr
			case 3:
				r = bzip2.NewReader(bytes.NewReader(body[1:]))
			default:
				return ErrMalformed
			}
			inner, err := io.ReadAll(io.LimitReader(r, MaxPlaintextSize+64<<10+1))
			if len(inner) > MaxPlaintextSize+64<<10 {
				return ErrTooLarge
			}
			if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
				return ErrMalformed
			}
			return checkInner(inner, depth+1)
		}
		return nil
	})
}
