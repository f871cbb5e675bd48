// SPDX-License-Identifier: AGPL-3.0-or-later

package mail_test

import (
	"io"
	"mime"
	"mime/quotedprintable"
	"strings"
)

// mimeDecoder decodes RFC 2047 encoded words.
type mimeDecoder struct{ mime.WordDecoder }

func (d *mimeDecoder) decode(s string) (string, error) { return d.DecodeHeader(s) }

// qpReader decodes a quoted-printable body.
func qpReader(s string) io.Reader { return quotedprintable.NewReader(strings.NewReader(s)) }
