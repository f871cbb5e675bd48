// SPDX-License-Identifier: AGPL-3.0-or-later

package intake

import (
	"context"
	"errors"
	"strconv"

	"embargo/internal/audit"
	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/pgp"
	"embargo/internal/store"
	"embargo/internal/validation"
)

// ErrBlocked is Submit's refusal of a report from a client address or
// reporter key the project has blocked. Nothing is stored; the answer to
// the sender must not say which of the two matched.
var ErrBlocked = errors.New("intake: the sender is blocked")

// BlockedMessage is the generic answer to a blocked sender.
const BlockedMessage = "this report cannot be accepted"

// SpamReason is the reason recorded when a case is rejected as spam.
const SpamReason = "Marked as spam."

// Spam says what marking a case as spam blocks besides rejecting it.
type Spam struct {
	BlockAddress bool // the client address the report came from
	BlockKey     bool // the reporter's OpenPGP key
}

// MarkSpam rejects case key with the resolution "spam" (a move cases.Move
// allows, else a *validation.Conflict) and, as asked, blocks the report's
// client address and reporter key for the case's project, all in one
// transaction with an audit event for each change. Asking to block what
// the report does not have (a case not from a report, a report without a
// recorded address or key) is a *validation.Error; blocking what is already
// blocked is not an error.
func (s *Service) MarkSpam(ctx context.Context, actor *authz.Actor, key string, sp Spam) (*store.Case, error) {
	var c *store.Case
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		var err error
		c, err = s.Cases.MoveIn(ctx, tx, actor, key, cases.Transition{To: cases.StateRejected, Resolution: cases.ResolutionSpam, Reason: SpamReason, Outcome: true})
		if err != nil {
			return err
		}
		if sp.BlockAddress {
			address, err := tx.ReportAddress(ctx, c.ID)
			if errors.Is(err, store.ErrNotFound) {
				return validation.Errorf("block_address", "no client address was recorded for this case's report")
			}
			if err != nil {
				return err
			}
			if err := s.block(ctx, tx, actor, c, store.BlockAddress, address); err != nil {
				return err
			}
		}
		if sp.BlockKey {
			r, err := tx.ReportByCase(ctx, c.ID, false)
			if errors.Is(err, store.ErrNotFound) || (err == nil && r.ReporterKey == "") {
				return validation.Errorf("block_key", "this case's report came without an OpenPGP key")
			}
			if err != nil {
				return err
			}
			fp, err := pgp.PublicKeyFingerprint(r.ReporterKey)
			if err != nil {
				return validation.Errorf("block_key", "the report's OpenPGP key could not be read, so it cannot be blocked")
			}
			if err := s.block(ctx, tx, actor, c, store.BlockKey, fp); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// block adds one block for c's project, caused by c, unless it exists.
func (s *Service) block(ctx context.Context, tx *store.Tx, actor *authz.Actor, c *store.Case, kind, value string) error {
	b := &store.ReportBlock{ProjectID: c.ProjectID, Kind: kind, Value: value, CaseID: c.ID,
		CreatedBy: actor.UserID, CreatedAt: clock.Millis(s.Clock.Now())}
	if err := tx.CreateReportBlock(ctx, b); errors.Is(err, store.ErrConflict) {
		return nil
	} else if err != nil {
		return err
	}
	// The audit log names the kind, never the address: the log outlives
	// the block and is read by more people than the settings page.
	return s.Cases.Record(ctx, tx, actor, "report.block", c, "report_block", blockID(b.ID), nil,
		map[string]any{"kind": kind})
}

// Blocks returns project p's blocked senders, newest first.
func (s *Service) Blocks(ctx context.Context, p *store.Project) ([]*store.ReportBlock, error) {
	var out []*store.ReportBlock
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListReportBlocks(ctx, p.ID)
		return err
	})
	return out, err
}

// Unblock removes project p's block id and records it. An unknown id is a
// *validation.NotFound.
func (s *Service) Unblock(ctx context.Context, actor *authz.Actor, p *store.Project, id int64) error {
	return s.Store.Write(ctx, func(tx *store.Tx) error {
		b, err := tx.ReportBlockByID(ctx, p.ID, id)
		if errors.Is(err, store.ErrNotFound) {
			return &validation.NotFound{What: "block"}
		}
		if err != nil {
			return err
		}
		if err := tx.DeleteReportBlock(ctx, p.ID, id); err != nil {
			return err
		}
		e, err := audit.NewEvent(clock.Millis(s.Clock.Now()), actor.UserID, actor.Label(), "report.unblock",
			map[string]any{"kind": b.Kind, "case": b.CaseKey}, nil)
		if err != nil {
			return err
		}
		e.ProjectID, e.CaseID = p.ID, b.CaseID
		e.SubjectType, e.SubjectID = "report_block", blockID(b.ID)
		return tx.AppendEvent(ctx, e)
	})
}

// blocked reports whether p blocks the sender of rep: its client address
// or, when it carries one that parses, its OpenPGP key.
func (s *Service) blocked(ctx context.Context, p *store.Project, rep *Report) (bool, error) {
	fp := ""
	if rep.ReporterKey != "" {
		fp, _ = pgp.PublicKeyFingerprint(rep.ReporterKey)
	}
	if rep.ClientAddress == "" && fp == "" {
		return false, nil
	}
	var blocked bool
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		blocked, err = tx.ReportBlocked(ctx, p.ID, rep.ClientAddress, fp)
		return err
	})
	return blocked, err
}

func blockID(id int64) string {
	return strconv.FormatInt(id, 10)
}
