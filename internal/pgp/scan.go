// SPDX-License-Identifier: AGPL-3.0-or-later

package pgp

import (
	"encoding/binary"
	"errors"
)

// go-crypto validates a secret key packet while parsing it, and for
// ElGamal and DSA that validation costs tens of seconds of CPU on
// parameters an attacker chooses. The scanners below read only packet
// headers, before go-crypto sees the data, and refuse what could reach
// that path: keys of other algorithms in an import, key packets in a
// message.

// OpenPGP packet tags (RFC 9580, section 5).
const (
	tagSecretKey    = 5
	tagPublicKey    = 6
	tagSecretSubkey = 7
	tagPublicSubkey = 14
)

// allowedKeyAlgos are the public-key algorithms an imported key may use:
// RSA, ECDH, ECDSA, EdDSA (legacy) and the RFC 9580 X25519, X448, Ed25519,
// Ed448.
var allowedKeyAlgos = map[byte]bool{1: true, 2: true, 3: true, 18: true, 19: true, 22: true, 25: true, 26: true, 27: true, 28: true}

// maxRSABits is the largest RSA modulus an imported key may have.
const maxRSABits = 8192

var errPacketHeader = errors.New("pgp: malformed packet header")

// packets calls fn with each top-level packet's tag and body (for a packet
// with partial body lengths, body is only its first chunk and partial is
// true). It returns errPacketHeader if a header is malformed or a length
// runs past the data.
func packets(data []byte, fn func(tag byte, body []byte, partial bool) error) error {
	for len(data) > 0 {
		h := data[0]
		if h&0x80 == 0 {
			return errPacketHeader
		}
		var tag byte
		var n, hdr int
		partial := false
		if h&0x40 != 0 { // new format
			tag = h & 0x3f
			if len(data) < 2 {
				return errPacketHeader
			}
			switch l := data[1]; {
			case l < 192:
				n, hdr = int(l), 2
			case l < 224:
				if len(data) < 3 {
					return errPacketHeader
				}
				n, hdr = (int(l)-192)<<8+int(data[2])+192, 3
			case l == 255:
				if len(data) < 6 {
					return errPacketHeader
				}
				n64 := binary.BigEndian.Uint32(data[2:6])
				if uint64(n64) > uint64(len(data)) {
					return errPacketHeader
				}
				n, hdr = int(n64), 6
			default:
				n, hdr, partial = 1<<(l&0x1f), 2, true
			}
		} else {
			var err error
			if tag, n, hdr, err = oldHeader(data); err != nil {
				return err
			}
		}
		if hdr+n > len(data) {
			return errPacketHeader
		}
		if err := fn(tag, data[hdr:hdr+n], partial); err != nil {
			return err
		}
		if partial {
			// The rest of a partial-length packet cannot hold packet
			// headers of its own at this level; only data packets use
			// partial lengths, and go-crypto refuses them elsewhere.
			return nil
		}
		data = data[hdr+n:]
	}
	return nil
}

// checkKeyPackets refuses key material Import should not parse: key packets
// of algorithms outside allowedKeyAlgos, RSA keys over maxRSABits, key
// packets with partial lengths or of versions other than 4, 5 and 6.
func checkKeyPackets(data []byte) error {
	return packets(data, func(tag byte, body []byte, partial bool) error {
		switch tag {
		case tagSecretKey, tagPublicKey, tagSecretSubkey, tagPublicSubkey:
		default:
			return nil
		}
		if partial || len(body) < 6 {
			return &KeyError{Reason: "the key could not be read: malformed key packet"}
		}
		if v := body[0]; v < 4 || v > 6 {
			return &KeyError{Reason: "the key could not be read: unsupported key version"}
		}
		algo := body[5]
		if !allowedKeyAlgos[algo] {
			return &KeyError{Reason: "the key uses an unsupported algorithm (use RSA, Ed25519 or another elliptic curve)"}
		}
		if algo <= 3 {
			off := 6
			if body[0] == 6 || body[0] == 5 {
				off += 4 // key material length
			}
			if len(body) < off+2 {
				return &KeyError{Reason: "the key could not be read: malformed key packet"}
			}
			if bits := binary.BigEndian.Uint16(body[off : off+2]); bits > maxRSABits {
				return &KeyError{Reason: "the RSA key is larger than 8192 bits"}
			}
		}
		return nil
	})
}

// checkMessagePackets refuses a message whose top level holds key packets,
// which no encrypted message has.
func checkMessagePackets(data []byte) error {
	return packetsFull(data, func(tag byte, body []byte) error {
		switch tag {
		case tagSecretKey, tagPublicKey, tagSecretSubkey, tagPublicSubkey:
			return ErrMalformed
		}
		return nil
	})
}

// packetsFull is like packets but reassembles partial-length bodies, so
// fn sees each packet's whole body.
func packetsFull(data []byte, fn func(tag byte, body []byte) error) error {
	for len(data) > 0 {
		h := data[0]
		if h&0x80 == 0 {
			return errPacketHeader
		}
		if h&0x40 == 0 {
			tag, n, hdr, err := oldHeader(data)
			if err != nil {
				return err
			}
			if hdr+n > len(data) {
				return errPacketHeader
			}
			if err := fn(tag, data[hdr:hdr+n]); err != nil {
				return err
			}
			data = data[hdr+n:]
			continue
		}
		tag := h & 0x3f
		data = data[1:]
		var body []byte
		for {
			if len(data) < 1 {
				return errPacketHeader
			}
			l := data[0]
			var n, hdr int
			partial := false
			switch {
			case l < 192:
				n, hdr = int(l), 1
			case l < 224:
				if len(data) < 2 {
					return errPacketHeader
				}
				n, hdr = (int(l)-192)<<8+int(data[1])+192, 2
			case l == 255:
				if len(data) < 5 {
					return errPacketHeader
				}
				n64 := binary.BigEndian.Uint32(data[1:5])
				if uint64(n64) > uint64(len(data)) {
					return errPacketHeader
				}
				n, hdr = int(n64), 5
			default:
				n, hdr, partial = 1<<(l&0x1f), 1, true
			}
			if hdr+n > len(data) {
				return errPacketHeader
			}
			body = append(body, data[hdr:hdr+n]...)
			data = data[hdr+n:]
			if !partial {
				break
			}
		}
		if err := fn(tag, body); err != nil {
			return err
		}
	}
	return nil
}

// oldHeader reads an old-format packet header: the tag, the body length
// and the header length. An indeterminate length runs to the end of data.
func oldHeader(data []byte) (tag byte, n, hdr int, err error) {
	h := data[0]
	tag = (h >> 2) & 0x0f
	switch h & 3 {
	case 0:
		if len(data) < 2 {
			return 0, 0, 0, errPacketHeader
		}
		return tag, int(data[1]), 2, nil
	case 1:
		if len(data) < 3 {
			return 0, 0, 0, errPacketHeader
		}
		return tag, int(binary.BigEndian.Uint16(data[1:3])), 3, nil
	case 2:
		if len(data) < 5 {
			return 0, 0, 0, errPacketHeader
		}
		n64 := binary.BigEndian.Uint32(data[1:5])
		if uint64(n64) > uint64(len(data)) {
			return 0, 0, 0, errPacketHeader
		}
		return tag, int(n64), 5, nil
	default:
		return tag, len(data) - 1, 1, nil
	}
}
