// SPDX-License-Identifier: AGPL-3.0-or-later

package app

import (
	"context"
	"errors"
	"fmt"

	"embargo/internal/audit"
	"embargo/internal/store"
)

// auditVerifyCommand checks the whole hash chain, for an operator or an
// auditor who wants evidence that no event was altered, removed or
// inserted since it was written.
var auditVerifyCommand = &command{
	name:    "audit verify",
	summary: "check the audit log's hash chain from the first event to the recorded head",
	keys:    storageKeys,
	run:     runAuditVerify,
}

func runAuditVerify(ctx context.Context, env *cliEnv) error {
	if err := noArgs(env); err != nil {
		return err
	}
	s, err := openMigrated(ctx, env)
	if err != nil {
		return err
	}
	defer s.Close()
	n, head, err := verifyAuditLog(ctx, s)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "audit log verified: %s\n", describeChain(n, head))
	return nil
}

// verifyAuditLog walks every event in one read transaction, so the events
// and the head it checks them against come from the same moment even while
// a server appends. It returns the number of events and the head hash, or
// an error naming the first bad event.
func verifyAuditLog(ctx context.Context, s *store.Store) (int64, string, error) {
	var v audit.Verifier
	var head string
	err := s.Read(ctx, func(tx *store.Tx) error {
		if err := tx.WalkEvents(ctx, v.Next); err != nil {
			return err
		}
		seq, hash, err := tx.AuditHead(ctx)
		if err != nil {
			return err
		}
		head = hash
		return v.Finish(seq, hash)
	})
	var p *audit.Problem
	if errors.As(err, &p) {
		return 0, "", fmt.Errorf("audit log broken at event %d: %s", p.Seq, p.Reason)
	}
	if err != nil {
		return 0, "", err
	}
	return v.Count(), head, nil
}

func describeChain(n int64, head string) string {
	if n == 0 {
		return "0 events (the log is empty)"
	}
	return fmt.Sprintf("%d events, head %s", n, head)
}
