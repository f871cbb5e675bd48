// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Participant is a third party invited to one case under embargo.
type Participant struct {
	ID           int64
	CaseID       int64
	Email        string
	Organization string
	Role         string
	Message      string
	InvitedBy    int64
	InvitedAt    int64
	TokenHash    string
	// AcceptedAt and AcceptedUserID record who accepted the embargo terms
	// and when (0: not yet).
	AcceptedAt     int64
	AcceptedUserID int64
	RevokedAt      int64
	// Summary is what the team chose to share with this participant.
	Summary string
}

const participantColumns = `id, case_id, email, organization, role, message, invited_by, invited_at, token_hash,
	accepted_at, accepted_user_id, revoked_at, summary`

func scanParticipant(row interface{ Scan(...any) error }) (*Participant, error) {
	var p Participant
	var by, acc, accBy, rev sql.NullInt64
	if err := row.Scan(&p.ID, &p.CaseID, &p.Email, &p.Organization, &p.Role, &p.Message, &by, &p.InvitedAt,
		&p.TokenHash, &acc, &accBy, &rev, &p.Summary); err != nil {
		return nil, err
	}
	p.InvitedBy, p.AcceptedAt, p.AcceptedUserID, p.RevokedAt = nullTime(by), nullTime(acc), nullTime(accBy), nullTime(rev)
	return &p, nil
}

// CreateParticipant stores p and sets its ID.
func (t *Tx) CreateParticipant(ctx context.Context, p *Participant) error {
	p.Email = NormalizeEmail(p.Email)
	err := t.queryRow(ctx, `INSERT INTO case_participants (case_id, email, organization, role, message, invited_by,
		invited_at, token_hash, summary) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		p.CaseID, p.Email, p.Organization, p.Role, p.Message, nullable(p.InvitedBy), p.InvitedAt, p.TokenHash,
		p.Summary).Scan(&p.ID)
	if err != nil {
		return fmt.Errorf("store: unable to create participant: %w", err)
	}
	return nil
}

// ParticipantByHash returns the unrevoked participant whose link has that
// token hash, accepted or not, or ErrNotFound.
func (t *Tx) ParticipantByHash(ctx context.Context, hash string) (*Participant, error) {
	p, err := scanParticipant(t.queryRow(ctx, `SELECT `+participantColumns+` FROM case_participants
		WHERE token_hash = $1 AND revoked_at IS NULL`, hash))
	if err != nil {
		return nil, notFound(err, "participant")
	}
	return p, nil
}

// ParticipantOf returns the accepted, unrevoked participant of case caseID
// that user userID accepted, or ErrNotFound.
func (t *Tx) ParticipantOf(ctx context.Context, caseID, userID int64) (*Participant, error) {
	p, err := scanParticipant(t.queryRow(ctx, `SELECT `+participantColumns+` FROM case_participants
		WHERE case_id = $1 AND accepted_user_id = $2 AND accepted_at IS NOT NULL AND revoked_at IS NULL
		ORDER BY id LIMIT 1`, caseID, userID))
	if err != nil {
		return nil, notFound(err, "participant")
	}
	return p, nil
}

// Participant returns participant id of case caseID, or ErrNotFound.
func (t *Tx) Participant(ctx context.Context, caseID, id int64) (*Participant, error) {
	p, err := scanParticipant(t.queryRow(ctx, `SELECT `+participantColumns+` FROM case_participants
		WHERE case_id = $1 AND id = $2`, caseID, id))
	if err != nil {
		return nil, notFound(err, "participant")
	}
	return p, nil
}

// ListParticipants returns every participant of a case, revoked ones too,
// in the order they were invited.
func (t *Tx) ListParticipants(ctx context.Context, caseID int64) ([]*Participant, error) {
	rows, err := t.query(ctx, `SELECT `+participantColumns+` FROM case_participants WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to load participants: %w", err)
	}
	defer rows.Close()
	var out []*Participant
	for rows.Next() {
		p, err := scanParticipant(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to load participants: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AcceptParticipant records that userID accepted participant id's terms;
// ErrNotFound if it is revoked or already accepted.
func (t *Tx) AcceptParticipant(ctx context.Context, id, userID, now int64) error {
	res, err := t.exec(ctx, `UPDATE case_participants SET accepted_at = $3, accepted_user_id = $2
		WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL`, id, userID, now)
	if err != nil {
		return fmt.Errorf("store: unable to accept participation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// RevokeParticipant ends participant id's access to case caseID;
// ErrNotFound if there is no such unrevoked participant.
func (t *Tx) RevokeParticipant(ctx context.Context, caseID, id, now int64) error {
	res, err := t.exec(ctx, `UPDATE case_participants SET revoked_at = $3
		WHERE id = $1 AND case_id = $2 AND revoked_at IS NULL`, id, caseID, now)
	if err != nil {
		return fmt.Errorf("store: unable to revoke participant: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// SetParticipantSummary replaces what is shared with participant id of
// case caseID; ErrNotFound if there is no such unrevoked participant.
func (t *Tx) SetParticipantSummary(ctx context.Context, caseID, id int64, summary string) error {
	res, err := t.exec(ctx, `UPDATE case_participants SET summary = $3
		WHERE id = $1 AND case_id = $2 AND revoked_at IS NULL`, id, caseID, summary)
	if err != nil {
		return fmt.Errorf("store: unable to share with participant: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ParticipatesAnywhere reports whether user userID is an accepted,
// unrevoked participant of any case.
func (t *Tx) ParticipatesAnywhere(ctx context.Context, userID int64) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM case_participants
		WHERE accepted_user_id = $1 AND accepted_at IS NOT NULL AND revoked_at IS NULL`, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: unable to load participants: %w", err)
	}
	return n > 0, nil
}
