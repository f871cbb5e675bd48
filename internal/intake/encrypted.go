// SPDX-License-Identifier: AGPL-3.0-or-later

package intake

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"embargo/internal/pgp"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// MaxArmoredFieldBytes bounds an encrypted text field other than the
// description (steps to reproduce, impact) before decryption; the
// plaintext is then held to the field's own limit.
const MaxArmoredFieldBytes = 256 * 1024

// decryptText returns v decrypted with the project's key when it is an
// ASCII-armored OpenPGP message, with true; otherwise v unchanged and
// false. Errors are *validation.Error naming field, except failures of
// the server.
func (s *Service) decryptText(ctx context.Context, p *store.Project, field, v string, max int) (string, bool, error) {
	if !pgp.IsArmoredMessage([]byte(v)) {
		return v, false, nil
	}
	if len(v) > max {
		return "", false, validation.Errorf(field, "the encrypted message is too large (at most %d bytes)", max)
	}
	plain, err := s.decrypt(ctx, p, field, "is encrypted", []byte(v))
	if err != nil {
		return "", false, err
	}
	if !utf8.Valid(plain) {
		return "", false, validation.Errorf(field, "decrypted to something that is not UTF-8 text")
	}
	return string(plain), true, nil
}

// decrypt decrypts data with the project's key, turning the verdicts on
// the message into a *validation.Error for field whose message starts
// with what (such as "is encrypted" or "report.pdf.pgp is encrypted").
func (s *Service) decrypt(ctx context.Context, p *store.Project, field, what string, data []byte) ([]byte, error) {
	if s.Decrypter == nil {
		return nil, validation.Errorf(field, "%s, but this project has no key to decrypt it; send it unencrypted or ask the project for its key", what)
	}
	plain, err := s.Decrypter.DecryptForProject(ctx, p.ID, data)
	switch {
	case errors.Is(err, pgp.ErrNoKey):
		return nil, validation.Errorf(field, "%s, but this project has no OpenPGP key to decrypt it; send it unencrypted", what)
	case err != nil && isPGPInputError(err):
		return nil, validation.Errorf(field, "%s, but could not be decrypted (%s); encrypt it to the project's current key",
			what, strings.TrimPrefix(err.Error(), "pgp: "))
	case err != nil:
		return nil, err
	}
	return plain, nil
}

// encryptedSuffixes are the file name endings of encrypted files, removed
// from a decrypted attachment's name.
var encryptedSuffixes = []string{".pgp", ".gpg", ".asc"}

// IsEncryptedFile reports whether the attachment name with data is an
// OpenPGP message encrypted to a public key: ASCII-armored ("-----BEGIN
// PGP MESSAGE-----" at the start), or binary, named *.pgp or *.gpg, and
// starting with a public-key encrypted session key packet (tag 1, in the
// old or the new packet format). Other OpenPGP data, such as a public key
// or a detached signature, is not; nor is a binary file that merely
// starts with the same byte but is not named as encrypted.
func IsEncryptedFile(name string, data []byte) bool {
	if bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("-----BEGIN PGP MESSAGE-----")) {
		return true
	}
	lower := strings.ToLower(name)
	if len(data) == 0 || !(strings.HasSuffix(lower, ".pgp") || strings.HasSuffix(lower, ".gpg")) {
		return false
	}
	b := data[0]
	return b == 0xC1 || b&0xFC == 0x84
}

// decryptFiles replaces every attachment that is an encrypted OpenPGP
// message (IsEncryptedFile) with its plaintext, named without the
// encrypted suffix, and reports whether it decrypted any. The attachment
// limits are checked afterwards, on the plaintext; a file that cannot be
// decrypted is refused with a *validation.Error naming it.
func (s *Service) decryptFiles(ctx context.Context, p *store.Project, files []File) ([]File, bool, error) {
	out := make([]File, len(files))
	var any bool
	for i, f := range files {
		out[i] = f
		if !IsEncryptedFile(f.Name, f.Data) {
			continue
		}
		plain, err := s.decrypt(ctx, p, "attachment", SanitizeFilename(f.Name)+" is encrypted", f.Data)
		if err != nil {
			return nil, false, err
		}
		name := f.Name
		for _, suffix := range encryptedSuffixes {
			if len(name) > len(suffix) && strings.EqualFold(name[len(name)-len(suffix):], suffix) {
				name = name[:len(name)-len(suffix)]
				break
			}
		}
		out[i], any = File{Name: name, Data: plain}, true
	}
	return out, any, nil
}
