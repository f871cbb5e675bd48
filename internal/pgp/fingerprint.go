// SPDX-License-Identifier: AGPL-3.0-or-later

package pgp

import (
	"encoding/hex"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
)

// PublicKeyFingerprint returns the primary key fingerprint, in upper-case
// hex, of the first key in an armored public key block such as a reporter
// sends with a report. A block that is too large or does not parse is a
// *KeyError.
func PublicKeyFingerprint(armored string) (fp string, err error) {
	if len(armored) > MaxKeySize {
		return "", &KeyError{Reason: "the key is too large"}
	}
	// The parser is not ours; whatever the input, a refusal, never a crash.
	defer func() {
		if recover() != nil {
			fp, err = "", &KeyError{Reason: "the key could not be read"}
		}
	}()
	keys, err := openpgp.ReadArmoredKeyRing(strings.NewReader(armored))
	if err != nil || len(keys) == 0 || keys[0].PrimaryKey == nil {
		return "", &KeyError{Reason: "the key could not be read"}
	}
	return strings.ToUpper(hex.EncodeToString(keys[0].PrimaryKey.Fingerprint)), nil
}
