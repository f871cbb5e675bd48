// SPDX-License-Identifier: AGPL-3.0-or-later

package mail_test

import (
	"strings"
	"testing"

	"embargo/internal/mail"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestEnqueueRevealsDeceptive checks that a mail quoting a stranger's text
// never carries a direction-changing or invisible character raw.
func TestEnqueueRevealsDeceptive(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		for _, tc := range []struct {
			name, subject, body, wantSubject, wantBody string
			note                                       bool
		}{
			{"subject", "Re: Fix in auth\u202Egpj.exe", "Thanks.", "Re: Fix in auth⟨U+202E⟩gpj.exe", "Thanks.\n", true},
			{"body", "Report received", "You wrote:\n> run a\u2066b\u2069 and\u200Bsee\n", "Report received", "> run a⟨U+2066⟩b⟨U+2069⟩ and⟨U+200B⟩see\n", true},
			{"clean", "Report received", "Thanks 👩\u200D👩\u200D👧", "Report received", "Thanks 👩\u200D👩\u200D👧", false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				m := &store.OutboxMessage{To: "ann@example.org", Subject: tc.subject, Body: tc.body, CreatedAt: 1}
				if err := s.Write(ctx, func(tx *store.Tx) error { return mail.Enqueue(ctx, tx, m) }); err != nil {
					t.Fatal(err)
				}
				if m.Subject != tc.wantSubject {
					t.Errorf("subject %q, want %q", m.Subject, tc.wantSubject)
				}
				if !strings.Contains(m.Body, tc.wantBody) {
					t.Errorf("body %q lacks %q", m.Body, tc.wantBody)
				}
				if note := strings.Contains(m.Body, "shown as its code point"); note != tc.note {
					t.Errorf("body %q: note present = %v, want %v", m.Body, note, tc.note)
				}
				for _, r := range m.Subject + m.Body {
					if r == 0x202E || r == 0x2066 || r == 0x2069 || r == 0x200B {
						t.Errorf("mail holds %U raw", r)
					}
				}
			})
		}
	})
}
