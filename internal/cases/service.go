// SPDX-License-Identifier: AGPL-3.0-or-later

package cases

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"embargo/internal/audit"
	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/store"
	"embargo/internal/triage"
	"embargo/internal/validation"
)

// Field limits. Descriptions hold a full write-up with reproduction steps.
const (
	MaxTitle       = 200
	MaxDescription = 64 * 1024
	MaxComponent   = 200
	MaxNote        = 32 * 1024
	MaxReason      = 2000
	MaxAssignees   = 50
)

// Service changes and reads cases.
type Service struct {
	Store *store.Store
	Clock clock.Clock
}

// Input is the editable content of a case. On update, nil fields are left
// unchanged.
type Input struct {
	Title       *string
	Description *string
	Severity    *string
	Component   *string
}

func (in *Input) validate(c *store.Case) error {
	var err error
	if in.Title != nil {
		if c.Title, err = validation.Text("title", *in.Title, true, MaxTitle, false); err != nil {
			return err
		}
	}
	if in.Description != nil {
		if c.Description, err = validation.Text("description", *in.Description, false, MaxDescription, true); err != nil {
			return err
		}
	}
	if in.Severity != nil {
		sev := strings.TrimSpace(*in.Severity)
		if sev == "" {
			sev = "unknown"
		}
		if err := validation.OneOf("severity", sev, Severities...); err != nil {
			return err
		}
		c.Severity = sev
	}
	if in.Component != nil {
		if c.Component, err = validation.Text("component", *in.Component, false, MaxComponent, false); err != nil {
			return err
		}
	}
	return nil
}

// snapshot is what the audit log records of a case's content.
func snapshot(c *store.Case) map[string]any {
	return map[string]any{"title": c.Title, "description": c.Description, "severity": c.Severity,
		"component": c.Component, "state": c.State, "resolution": c.Resolution}
}

func (s *Service) record(ctx context.Context, tx *store.Tx, actor *authz.Actor, action string, c *store.Case, subjectType, subjectID string, before, after any) error {
	e, err := audit.NewEvent(clock.Millis(s.Clock.Now()), actor.UserID, actor.Label(), action, before, after)
	if err != nil {
		return err
	}
	e.ProjectID, e.CaseID = c.ProjectID, c.ID
	e.SubjectType, e.SubjectID = subjectType, subjectID
	if e.SubjectType == "" {
		e.SubjectType, e.SubjectID = "case", c.Key
	}
	return tx.AppendEvent(ctx, e)
}

// Key returns the case key for a project's case number, e.g. ACME-7.
func Key(projectSlug string, number int64) string {
	return strings.ToUpper(projectSlug) + "-" + strconv.FormatInt(number, 10)
}

// Create opens a new case in project p. Title is required.
func (s *Service) Create(ctx context.Context, actor *authz.Actor, p *store.Project, in Input) (*store.Case, error) {
	return s.CreateWith(ctx, actor, p, in, "case.create", nil, nil)
}

// load reads a case for update inside tx, mapping absence to a NotFound.
func load(ctx context.Context, tx *store.Tx, key string) (*store.Case, error) {
	c, err := tx.CaseByKey(ctx, key, true)
	if errors.Is(err, store.ErrNotFound) {
		return nil, &validation.NotFound{What: "case " + key}
	}
	return c, err
}

// Update changes a case's content fields.
func (s *Service) Update(ctx context.Context, actor *authz.Actor, key string, in Input) (*store.Case, error) {
	var c *store.Case
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = load(ctx, tx, key); err != nil {
			return err
		}
		before := snapshot(c)
		if err := in.validate(c); err != nil {
			return err
		}
		after := snapshot(c)
		changedBefore, changedAfter := diff(before, after)
		if len(changedAfter) == 0 {
			return nil
		}
		c.UpdatedAt = clock.Millis(s.Clock.Now())
		if err := tx.UpdateCase(ctx, c); err != nil {
			return err
		}
		if err := syncPriority(ctx, tx, c); err != nil {
			return err
		}
		if before["severity"] != after["severity"] {
			if err := s.syncDeadlines(ctx, tx, c); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, actor, "case.update", c, "", "", changedBefore, changedAfter)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func diff(before, after map[string]any) (map[string]any, map[string]any) {
	b, a := map[string]any{}, map[string]any{}
	for k, v := range after {
		if before[k] != v {
			b[k], a[k] = before[k], v
		}
	}
	return b, a
}

// Transition is a request to move a case to another state.
type Transition struct {
	To         string
	Resolution string // required when To is rejected
	Reason     string // required for rejections and reopening
	// Outcome is set by internal/intake for the moves that only an
	// outcome may make, because it does in the same transaction what the
	// move promises: waiting on the reporter (it posts the question) and
	// the resolutions duplicate, not-security, no-response and spam (it
	// links the original, tells the reporter, blocks the sender).
	Outcome bool
}

// outcomeHint says which action makes a move that only an outcome may.
func outcomeHint(to, resolution string) string {
	switch {
	case to == StateNeedsInfo:
		return "ask the reporter a question instead (POST /api/v1/cases/{key}/request-info, or \"Ask the reporter\" on the case page): the case waits on their answer"
	case resolution == ResolutionDuplicate:
		return "mark the case a duplicate instead (POST /api/v1/cases/{key}/duplicate), which links the original and tells the reporter"
	case resolution == ResolutionNotSecurity:
		return "use \"not a security issue\" instead (POST /api/v1/cases/{key}/not-security), which tells the reporter why"
	case resolution == ResolutionSpam:
		return "mark the case as spam instead (POST /api/v1/cases/{key}/spam)"
	case resolution == ResolutionNoResponse:
		return "a case is closed for no response by itself when the reporter's time to answer runs out"
	}
	return ""
}

// Move applies a legal transition. An unknown state or missing resolution
// or reason is a *validation.Error; an illegal move is a
// *validation.Conflict naming the legal ones.
func (s *Service) Move(ctx context.Context, actor *authz.Actor, key string, tr Transition) (*store.Case, error) {
	var c *store.Case
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		var err error
		c, err = s.MoveIn(ctx, tx, actor, key, tr)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// MoveIn is Move inside tx, for domain packages that change a case's
// state together with what hangs off it (acknowledging a report moves the
// case and writes to the reporter thread in one transaction).
func (s *Service) MoveIn(ctx context.Context, tx *store.Tx, actor *authz.Actor, key string, tr Transition) (*store.Case, error) {
	to := strings.TrimSpace(tr.To)
	if !ValidState(to) {
		return nil, validation.Errorf("to", "unknown state %q; states are %s", tr.To, strings.Join(States, ", "))
	}
	reason, err := validation.Text("reason", tr.Reason, false, MaxReason, true)
	if err != nil {
		return nil, err
	}
	c, err := load(ctx, tx, key)
	if err != nil {
		return nil, err
	}
	from := c.State
	if !CanTransition(from, to) {
		next := NextStates(from)
		return nil, validation.Conflictf("a case cannot move from %s to %s; from %s it can move to %s",
			from, to, from, strings.Join(next, ", "))
	}
	resolution := ""
	if to == StateRejected {
		allowed := ManualResolutions
		if tr.Outcome {
			allowed = Resolutions
		}
		if err := validation.OneOf("resolution", tr.Resolution, Resolutions...); err != nil {
			return nil, err
		}
		if !slices.Contains(allowed, tr.Resolution) {
			return nil, validation.Errorf("resolution", "%s", outcomeHint(to, tr.Resolution))
		}
		resolution = tr.Resolution
		if reason == "" {
			return nil, validation.Errorf("reason", "is required when rejecting a case")
		}
	}
	if to == StateNeedsInfo && !tr.Outcome {
		return nil, validation.Errorf("to", "%s", outcomeHint(to, ""))
	}
	if IsReopen(from, to) && reason == "" {
		return nil, validation.Errorf("reason", "is required when reopening a case")
	}
	if err := requireFields(ctx, tx, c, to); err != nil {
		return nil, err
	}
	before := map[string]any{"state": from, "resolution": c.Resolution}
	c.State, c.Resolution = to, resolution
	c.UpdatedAt = clock.Millis(s.Clock.Now())
	ReachMilestones(c, from, to, c.UpdatedAt)
	if err := tx.UpdateCase(ctx, c); err != nil {
		return nil, err
	}
	if from == StateRejected && before["resolution"] == ResolutionDuplicate {
		// Reopened: it is no longer a duplicate of anything.
		if err := tx.DeleteDuplicateLink(ctx, c.ID); err != nil {
			return nil, err
		}
	}
	if from == StateNeedsInfo && c.WaitingUntil != 0 {
		c.WaitingUntil = 0
		if err := tx.SetCaseWaitingUntil(ctx, c.ID, 0); err != nil {
			return nil, err
		}
	}
	if err := s.syncDeadlines(ctx, tx, c); err != nil {
		return nil, err
	}
	after := map[string]any{"state": to, "resolution": resolution}
	if reason != "" {
		after["reason"] = reason
	}
	if err := s.record(ctx, tx, actor, "case.transition", c, "", "", before, after); err != nil {
		return nil, err
	}
	return c, nil
}

// Assignment sets who handles a case: one coordinator (0 for none) who owns
// contact with the reporter, and any number of assignees. All must be
// responders or admins of the case's project.
type Assignment struct {
	CoordinatorID int64
	AssigneeIDs   []int64
}

// Assign replaces a case's coordinator and assignees.
func (s *Service) Assign(ctx context.Context, actor *authz.Actor, key string, a Assignment) (*store.Case, error) {
	if len(a.AssigneeIDs) > MaxAssignees {
		return nil, validation.Errorf("assignees", "at most %d people", MaxAssignees)
	}
	ids := slices.Clone(a.AssigneeIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var c *store.Case
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = load(ctx, tx, key); err != nil {
			return err
		}
		check := func(field string, id int64) error { return checkHandler(ctx, tx, c.ProjectID, field, id) }
		if a.CoordinatorID != 0 {
			if err := check("coordinator", a.CoordinatorID); err != nil {
				return err
			}
		}
		for _, id := range ids {
			if err := check("assignees", id); err != nil {
				return err
			}
		}
		oldAssignees, err := tx.Assignees(ctx, c.ID)
		if err != nil {
			return err
		}
		before := map[string]any{"coordinator": c.CoordinatorID, "assignees": nonNil(oldAssignees)}
		c.CoordinatorID = a.CoordinatorID
		c.UpdatedAt = clock.Millis(s.Clock.Now())
		if err := tx.UpdateCase(ctx, c); err != nil {
			return err
		}
		if err := tx.SetAssignees(ctx, c.ID, ids); err != nil {
			return err
		}
		after := map[string]any{"coordinator": c.CoordinatorID, "assignees": nonNil(ids)}
		return s.record(ctx, tx, actor, "case.assign", c, "", "", before, after)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// checkHandler refuses user id as a handler of a case of project
// projectID unless they are a responder or admin there.
func checkHandler(ctx context.Context, tx *store.Tx, projectID int64, field string, id int64) error {
	m, err := tx.Membership(ctx, projectID, id)
	if errors.Is(err, store.ErrNotFound) {
		return validation.Errorf(field, "user %d is not a member of this project", id)
	}
	if err != nil {
		return err
	}
	if m.Role != string(authz.RoleAdmin) && m.Role != string(authz.RoleResponder) {
		return validation.Errorf(field, "%s is a viewer; only responders and admins can handle cases", m.Email)
	}
	return nil
}

// AddAssignee adds user id to case key's assignees, with the checks of
// Assign, and records a "case.assign" event; a user assigned already
// leaves the case as it is.
func (s *Service) AddAssignee(ctx context.Context, actor *authz.Actor, key string, id int64) (*store.Case, error) {
	var c *store.Case
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = load(ctx, tx, key); err != nil {
			return err
		}
		if err := checkHandler(ctx, tx, c.ProjectID, "assignee_id", id); err != nil {
			return err
		}
		old, err := tx.Assignees(ctx, c.ID)
		if err != nil {
			return err
		}
		if slices.Contains(old, id) {
			return nil
		}
		if len(old) >= MaxAssignees {
			return validation.Errorf("assignee_id", "at most %d people", MaxAssignees)
		}
		ids := append(slices.Clone(old), id)
		slices.Sort(ids)
		c.UpdatedAt = clock.Millis(s.Clock.Now())
		if err := tx.UpdateCase(ctx, c); err != nil {
			return err
		}
		if err := tx.SetAssignees(ctx, c.ID, ids); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "case.assign", c, "", "",
			map[string]any{"coordinator": c.CoordinatorID, "assignees": nonNil(old)},
			map[string]any{"coordinator": c.CoordinatorID, "assignees": ids})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func nonNil(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

// AddNote writes an internal note on a case.
func (s *Service) AddNote(ctx context.Context, actor *authz.Actor, key, body string) (*store.Note, error) {
	body, err := validation.Text("body", body, true, MaxNote, true)
	if err != nil {
		return nil, err
	}
	var n *store.Note
	err = s.Store.Write(ctx, func(tx *store.Tx) error {
		c, err := load(ctx, tx, key)
		if err != nil {
			return err
		}
		n = &store.Note{CaseID: c.ID, AuthorID: actor.UserID, AuthorName: actor.Name, Body: body,
			CreatedAt: clock.Millis(s.Clock.Now())}
		if err := tx.CreateNote(ctx, n); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "note.create", c, "note", strconv.FormatInt(n.ID, 10), nil, map[string]any{"body": body})
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// Detail is everything the case page shows.
type Detail struct {
	Case      *store.Case
	Project   *store.Project
	Assignees []int64
	Members   []*store.Member
	Notes     []*store.Note
	Events    []*audit.Event
}

// Get loads a case with its notes, assignees and latest events (newest
// first, at most eventLimit).
func (s *Service) Get(ctx context.Context, key string, eventLimit int) (*Detail, error) {
	d := &Detail{}
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		if d.Case, err = tx.CaseByKey(ctx, key, false); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return &validation.NotFound{What: "case " + key}
			}
			return err
		}
		if d.Project, err = tx.ProjectByID(ctx, d.Case.ProjectID); err != nil {
			return err
		}
		if d.Assignees, err = tx.Assignees(ctx, d.Case.ID); err != nil {
			return err
		}
		if d.Members, err = tx.ListMembers(ctx, d.Case.ProjectID); err != nil {
			return err
		}
		if d.Notes, err = tx.ListNotes(ctx, d.Case.ID); err != nil {
			return err
		}
		d.Events, err = tx.CaseEvents(ctx, d.Case.ID, 0, eventLimit)
		return err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Events returns a page of a case's history, newest first.
func (s *Service) Events(ctx context.Context, caseID, beforeSeq int64, limit int) ([]*audit.Event, error) {
	var out []*audit.Event
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.CaseEvents(ctx, caseID, beforeSeq, limit)
		return err
	})
	return out, err
}

// List returns a page of a project's cases: newest first, or, when
// f.Query is set, the cases matching it as Search finds them, the most
// relevant first.
func (s *Service) List(ctx context.Context, f store.CaseFilter) ([]*store.Case, bool, error) {
	if strings.TrimSpace(f.Query) != "" {
		res, err := s.Search(ctx, f)
		if err != nil {
			return nil, false, err
		}
		out := make([]*store.Case, len(res.Hits))
		for i, h := range res.Hits {
			out[i] = h.Case
		}
		return out, res.More, nil
	}
	if err := s.checkFilter(&f); err != nil {
		return nil, false, err
	}
	var out []*store.Case
	var more bool
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, more, err = tx.ListCases(ctx, f)
		return err
	})
	return out, more, err
}

// checkFilter validates the filters of a list or search and normalises
// the component and label.
func (s *Service) checkFilter(f *store.CaseFilter) error {
	for _, st := range f.States {
		if !ValidState(st) {
			return validation.Errorf("state", "unknown state %q", st)
		}
	}
	if f.Severity != "" {
		if err := validation.OneOf("severity", f.Severity, Severities...); err != nil {
			return err
		}
	}
	if f.Priority != "" {
		if err := validation.OneOf("priority", f.Priority, triage.Priorities...); err != nil {
			return err
		}
	}
	if f.Component != "" {
		c, err := validation.Text("component", f.Component, false, MaxComponent, false)
		if err != nil {
			return err
		}
		f.Component = c
	}
	if f.Label != "" {
		l, err := NormaliseLabel("label", f.Label)
		if err != nil {
			return err
		}
		f.Label = l
	}
	return nil
}

// OpenCountCap is where OpenCounts stops counting.
const OpenCountCap = 1000

// OpenCounts returns how many open cases (see OpenStates) each of the
// given projects has, up to OpenCountCap; projects without open cases are
// absent.
func (s *Service) OpenCounts(ctx context.Context, projectIDs []int64) (map[int64]int, error) {
	var out map[int64]int
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.CountCasesUpTo(ctx, projectIDs, OpenStates, OpenCountCap)
		return err
	})
	return out, err
}

// Assignees returns the assignees of each of the given cases, user IDs
// ascending; cases without assignees are absent from the map.
func (s *Service) Assignees(ctx context.Context, caseIDs []int64) (map[int64][]int64, error) {
	var out map[int64][]int64
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.AssigneesOfCases(ctx, caseIDs)
		return err
	})
	return out, err
}

// Notes returns a case's internal notes, oldest first.
func (s *Service) Notes(ctx context.Context, caseID int64) ([]*store.Note, error) {
	var out []*store.Note
	err := s.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListNotes(ctx, caseID)
		return err
	})
	return out, err
}
