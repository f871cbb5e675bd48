// SPDX-License-Identifier: AGPL-3.0-or-later

package authz

import (
	"errors"

	"embargo/internal/identity"
	"embargo/internal/validation"
)

// ErrNotInvitee matches (with errors.Is) the error CheckInvitee returns.
var ErrNotInvitee = errors.New("authz: the link was sent to another address")

// notInvitee is a *validation.Conflict, so both faces show its message,
// that also matches ErrNotInvitee.
type notInvitee struct{ *validation.Conflict }

func (e notInvitee) Unwrap() error        { return e.Conflict }
func (e notInvitee) Is(target error) bool { return target == ErrNotInvitee }

// CheckInvitee is the rule for every link that grants access and was sent
// to one email address (a project invitation, a case participant's link):
// only the account with that address may use it. A forwarded or leaked
// link is refused to anyone else. Both addresses are compared in their
// canonical form (identity.Canonical), the form accounts are stored in.
// The refusal names the invited address masked (identity.Mask), so its
// owner recognises it and anyone else learns little.
func CheckInvitee(actorEmail, invitedEmail string) error {
	if invitedEmail != "" && identity.Canonical(actorEmail) == identity.Canonical(invitedEmail) {
		return nil
	}
	return notInvitee{&validation.Conflict{Message: "this invitation is for " + identity.Mask(invitedEmail) +
		", not for the account you are signed in with (" + actorEmail + "); sign out and accept it as that address, " +
		"or ask whoever invited you to invite your own address"}}
}
