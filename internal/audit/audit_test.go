// SPDX-License-Identifier: AGPL-3.0-or-later

package audit

import (
	"encoding/json"
	"errors"
	"testing"
)

func chain(n int) []*Event {
	var out []*Event
	var seq int64
	var hash string
	for i := 0; i < n; i++ {
		e := &Event{At: int64(1000 + i), ActorLabel: "a@example.org", Action: "case.create", CaseID: 7,
			After: json.RawMessage(`{"state":"new"}`)}
		Seal(e, seq, hash)
		seq, hash = e.Seq, e.Hash
		out = append(out, e)
	}
	return out
}

func verifyAll(events []*Event, headSeq int64, headHash string) error {
	var v Verifier
	for _, e := range events {
		if err := v.Next(e); err != nil {
			return err
		}
	}
	return v.Finish(headSeq, headHash)
}

func TestVerify(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func([]*Event) []*Event
		wantSeq int64 // 0 means the chain verifies
	}{
		{"intact", func(e []*Event) []*Event { return e }, 0},
		{"edited field", func(e []*Event) []*Event { e[2].Action = "case.delete"; return e }, 3},
		{"edited payload", func(e []*Event) []*Event { e[1].After = json.RawMessage(`{"state":"x"}`); return e }, 2},
		{"removed middle", func(e []*Event) []*Event { return append(e[:2:2], e[3:]...) }, 3},
		{"rehashed edit breaks the next link", func(e []*Event) []*Event {
			e[1].ActorLabel = "mallory"
			e[1].Hash = ComputeHash(e[1])
			return e
		}, 3},
		{"removed tail", func(e []*Event) []*Event { return e[:4] }, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			events := chain(5)
			headSeq, headHash := events[4].Seq, events[4].Hash
			err := verifyAll(tc.mutate(events), headSeq, headHash)
			if tc.wantSeq == 0 {
				if err != nil {
					t.Fatalf("verify: %v", err)
				}
				return
			}
			var p *Problem
			if !errors.As(err, &p) {
				t.Fatalf("verify = %v, want a Problem at %d", err, tc.wantSeq)
			}
			if p.Seq != tc.wantSeq {
				t.Errorf("problem at %d (%s), want %d", p.Seq, p.Reason, tc.wantSeq)
			}
		})
	}
}

func TestHashSeparatesFields(t *testing.T) {
	a := &Event{ActorLabel: "ab", Action: "c"}
	b := &Event{ActorLabel: "a", Action: "bc"}
	if ComputeHash(a) == ComputeHash(b) {
		t.Fatal("field boundaries do not affect the hash")
	}
}
