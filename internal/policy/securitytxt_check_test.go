// SPDX-License-Identifier: AGPL-3.0-or-later

package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheckSecurityTxt(t *testing.T) {
	// now is 2026-11-23T12:30:15Z.
	const valid = "# comment\nContact: mailto:security@example.org\nExpires: 2027-05-01T00:00:00Z\n"
	tests := []struct {
		name string
		text string
		want []Problem
	}{
		{"minimal valid", valid, nil},
		{"valid with CRLF", strings.ReplaceAll(valid, "\n", "\r\n"), nil},
		{"every known field", "Contact: https://example.org/report\nContact: tel:+1-201-555-0123\n" +
			"Encryption: https://example.org/key.asc\nEncryption: openpgp4fpr:0123456789ABCDEF\n" +
			"Acknowledgments: https://example.org/thanks\nPolicy: https://example.org/policy\n" +
			"Hiring: https://example.org/jobs\nCSAF: https://example.org/.well-known/csaf/provider-metadata.json\n" +
			"Preferred-Languages: en, de-CH\nCanonical: https://example.org/.well-known/security.txt\n" +
			"Expires: 2027-05-01T00:00:00+02:00\nX-Extension: anything goes\n", nil},
		{"mixed line endings", "Contact: mailto:a@example.org\r\nExpires: 2027-05-01T00:00:00Z\n",
			[]Problem{{0, "mixes CRLF and LF line endings"}}},
		{"no contact, no expires", "# nothing\n",
			[]Problem{{0, "Contact is required"}, {0, "Expires is required"}}},
		{"expires twice", valid + "Expires: 2027-05-02T00:00:00Z\n",
			[]Problem{{4, "Expires must not appear more than once"}}},
		{"expires in the past", "Contact: mailto:a@example.org\nExpires: 2026-01-01T00:00:00Z\n",
			[]Problem{{2, "Expires 2026-01-01T00:00:00Z is in the past"}}},
		{"expires too far ahead", "Contact: mailto:a@example.org\nExpires: 2028-01-01T00:00:00Z\n",
			[]Problem{{2, "Expires 2028-01-01T00:00:00Z is more than a year ahead"}}},
		{"expires not RFC 3339", "Contact: mailto:a@example.org\nExpires: Tue, 1 Jun 2027 00:00:00 GMT\n",
			[]Problem{{2, `Expires "Tue, 1 Jun 2027 00:00:00 GMT" is not an RFC 3339 date-time`}}},
		{"canonical and languages twice", valid + "Canonical: https://a.example/.well-known/security.txt\n" +
			"Canonical: https://b.example/.well-known/security.txt\nPreferred-Languages: en\nPreferred-Languages: de\n",
			[]Problem{{5, "Canonical must not appear more than once"}, {7, "Preferred-Languages must not appear more than once"}}},
		{"plain http contact", "Contact: http://example.org/\nExpires: 2027-05-01T00:00:00Z\n",
			[]Problem{{1, `Contact "http://example.org/" must use one of the schemes https, mailto, tel`}}},
		{"relative policy", valid + "Policy: /security\n",
			[]Problem{{4, `Policy "/security" is not an absolute URI`}}},
		{"not a field", valid + "Contact mailto:b@example.org\n",
			[]Problem{{4, `not a comment and not a field of the form "Name: value"`}}},
		{"bad field name", valid + "Bad Name: x\n",
			[]Problem{{4, `not a comment and not a field of the form "Name: value"`}}},
		{"empty value", valid + "Policy:\n", []Problem{{4, "Policy has no value"}}},
		{"bad language", valid + "Preferred-Languages: en, 12\n",
			[]Problem{{4, `Preferred-Languages: "12" is not a language tag`}}},
		{"signed", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n" + valid + "- -dash line is a comment? no\n" +
			"-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n",
			[]Problem{{4, `not a comment and not a field of the form "Name: value"`}}},
		{"broken signature framework", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n" + valid,
			[]Problem{{0, "malformed OpenPGP cleartext signature framework"}}},
		{"not UTF-8", "Contact: mailto:\xff@example.org\n", []Problem{{0, "not valid UTF-8"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, CheckSecurityTxt([]byte(tt.text), now)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}
