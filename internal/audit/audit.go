// SPDX-License-Identifier: AGPL-3.0-or-later

// Package audit defines Embargo's append-only, hash-chained event log: the
// event record, how its hash is computed, and how a chain is verified.
// Storage lives in internal/store, which appends events inside the same
// transaction as the change they describe.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
)

// Event is one recorded change. Seq numbers are contiguous from 1; each
// event carries the hash of its predecessor, so deleting, inserting or
// editing any event breaks the chain at that point.
type Event struct {
	Seq         int64           `json:"seq"`
	At          int64           `json:"at"` // UTC Unix milliseconds
	ActorID     int64           `json:"actor_id,omitempty"`
	ActorLabel  string          `json:"actor"`
	Action      string          `json:"action"`
	ProjectID   int64           `json:"project_id,omitempty"`
	CaseID      int64           `json:"case_id,omitempty"`
	SubjectType string          `json:"subject_type,omitempty"`
	SubjectID   string          `json:"subject_id,omitempty"`
	Before      json.RawMessage `json:"before,omitempty"`
	After       json.RawMessage `json:"after,omitempty"`
	PrevHash    string          `json:"prev_hash"`
	Hash        string          `json:"hash"`
}

// ComputeHash returns the hex SHA-256 over every field of e except Hash,
// each length-prefixed so that no two different events serialise alike.
func ComputeHash(e *Event) string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
		h.Write([]byte{';'})
	}
	field("embargo-audit-v1")
	field(strconv.FormatInt(e.Seq, 10))
	field(strconv.FormatInt(e.At, 10))
	field(strconv.FormatInt(e.ActorID, 10))
	field(e.ActorLabel)
	field(e.Action)
	field(strconv.FormatInt(e.ProjectID, 10))
	field(strconv.FormatInt(e.CaseID, 10))
	field(e.SubjectType)
	field(e.SubjectID)
	field(string(e.Before))
	field(string(e.After))
	field(e.PrevHash)
	return hex.EncodeToString(h.Sum(nil))
}

// Seal sets e.Seq, e.PrevHash and e.Hash so that e follows an event with
// sequence number prevSeq and hash prevHash.
func Seal(e *Event, prevSeq int64, prevHash string) {
	e.Seq = prevSeq + 1
	e.PrevHash = prevHash
	e.Hash = ComputeHash(e)
}

// Problem describes the first point where a chain stops verifying.
type Problem struct {
	Seq    int64
	Reason string
}

func (p *Problem) Error() string {
	return fmt.Sprintf("audit: event %d: %s", p.Seq, p.Reason)
}

// Verifier checks events fed to it in sequence order. The zero value
// expects the chain to start at sequence 1.
type Verifier struct {
	lastSeq  int64
	lastHash string
	count    int64
}

// Next checks e against its predecessor and returns a *Problem naming the
// first missing, reordered or altered event.
func (v *Verifier) Next(e *Event) error {
	if e.Seq != v.lastSeq+1 {
		return &Problem{Seq: v.lastSeq + 1, Reason: fmt.Sprintf("missing (next present event is %d)", e.Seq)}
	}
	if e.PrevHash != v.lastHash {
		return &Problem{Seq: e.Seq, Reason: "previous-hash link does not match the event before it"}
	}
	if ComputeHash(e) != e.Hash {
		return &Problem{Seq: e.Seq, Reason: "contents do not match its hash (altered)"}
	}
	v.lastSeq, v.lastHash = e.Seq, e.Hash
	v.count++
	return nil
}

// Finish checks the end of the chain against the head the store recorded,
// which catches events deleted from the tail.
func (v *Verifier) Finish(headSeq int64, headHash string) error {
	if headSeq != v.lastSeq {
		return &Problem{Seq: v.lastSeq + 1, Reason: fmt.Sprintf("missing: the log head says %d events, found %d", headSeq, v.lastSeq)}
	}
	if headHash != v.lastHash {
		return &Problem{Seq: v.lastSeq, Reason: "last event's hash does not match the recorded head"}
	}
	return nil
}

// Count reports how many events verified.
func (v *Verifier) Count() int64 { return v.count }

// NewEvent builds an unsealed event; before and after are encoded as JSON
// (nil stays empty). The store seals it when appending.
func NewEvent(at, actorID int64, actorLabel, action string, before, after any) (*Event, error) {
	e := &Event{At: at, ActorID: actorID, ActorLabel: actorLabel, Action: action}
	var err error
	if e.Before, err = encode(before); err != nil {
		return nil, fmt.Errorf("audit: encode before: %w", err)
	}
	if e.After, err = encode(after); err != nil {
		return nil, fmt.Errorf("audit: encode after: %w", err)
	}
	return e, nil
}

func encode(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	return json.Marshal(v)
}
