// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// TestAcceptanceFlow walks the path a client takes first: create a
// project, open a case, move it, fail an illegal move, write a note, and
// read it all back, including the history.
func TestAcceptanceFlow(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)

		res := h.must(http.StatusCreated, "POST", "/api/v1/projects", h.admin, map[string]any{"slug": "acme", "name": "Acme"})
		p := res.object()
		if p["slug"] != "acme" || p["name"] != "Acme" || p["role"] != "admin" || p["archived"] != false {
			t.Errorf("created project = %v", p)
		}
		if loc := res.header.Get("Location"); loc != "/api/v1/projects/acme" {
			t.Errorf("Location = %q", loc)
		}
		if _, ok := p["settings"].(map[string]any)["fix_target_days"]; !ok {
			t.Errorf("project has no settings: %v", p)
		}

		res = h.must(http.StatusCreated, "POST", "/api/v1/projects/acme/cases", h.admin,
			map[string]any{"title": "Heap overflow in parser", "description": "Send a long header.", "severity": "high", "component": "parser"})
		c := res.object()
		want := map[string]any{"key": "ACME-1", "number": 1.0, "project": "acme", "title": "Heap overflow in parser",
			"description": "Send a long header.", "severity": "high", "component": "parser", "state": "new",
			"resolution": nil, "coordinator_id": nil, "assignee_ids": []any{},
			"next_states": []any{"acknowledged", "triage", "rejected"},
			"created_at":  "2026-01-02T03:04:05.000Z", "updated_at": "2026-01-02T03:04:05.000Z"}
		for k, v := range want {
			if diff := cmp.Diff(v, c[k]); diff != "" {
				t.Errorf("created case %s (-want +got):\n%s", k, diff)
			}
		}
		if res.header.Get("Location") != "/api/v1/cases/ACME-1" {
			t.Errorf("Location = %q", res.header.Get("Location"))
		}

		got := h.must(http.StatusOK, "GET", "/api/v1/cases/ACME-1", h.admin, nil).object()
		if diff := cmp.Diff(c, got); diff != "" {
			t.Errorf("GET differs from the created case (-created +got):\n%s", diff)
		}
		// Keys are case-insensitive in paths.
		h.must(http.StatusOK, "GET", "/api/v1/cases/acme-1", h.admin, nil)

		h.clk.Advance(time.Minute)
		moved := h.must(http.StatusOK, "POST", "/api/v1/cases/ACME-1/transitions", h.admin,
			map[string]any{"to": "acknowledged", "reason": "reproduced"}).object()
		if moved["state"] != "acknowledged" || moved["updated_at"] != "2026-01-02T03:05:05.000Z" {
			t.Errorf("after transition: state %v, updated_at %v", moved["state"], moved["updated_at"])
		}

		res = h.must(http.StatusConflict, "POST", "/api/v1/cases/ACME-1/transitions", h.admin, map[string]any{"to": "closed"})
		if code, _ := res.errorCode(); code != "conflict" {
			t.Errorf("illegal transition code = %q", code)
		}
		if msg := res.object()["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "triage") {
			t.Errorf("illegal transition message does not name the legal moves: %q", msg)
		}
		res = h.must(http.StatusUnprocessableEntity, "POST", "/api/v1/cases/ACME-1/transitions", h.admin, map[string]any{"to": "rejected"})
		if _, field := res.errorCode(); field != "resolution" {
			t.Errorf("rejection without resolution: field %q", field)
		}

		note := h.must(http.StatusCreated, "POST", "/api/v1/cases/ACME-1/notes", h.admin, map[string]any{"body": "Affects 2.x only."}).object()
		if note["body"] != "Affects 2.x only." || note["case_key"] != "ACME-1" || note["author_name"] != "admin" {
			t.Errorf("note = %v", note)
		}
		notes := h.must(http.StatusOK, "GET", "/api/v1/cases/ACME-1/notes", h.admin, nil).list("notes")
		if diff := cmp.Diff([]any{note}, notes); diff != "" {
			t.Errorf("notes (-created +listed):\n%s", diff)
		}

		events := h.must(http.StatusOK, "GET", "/api/v1/cases/ACME-1/events", h.admin, nil).object()
		var actions []string
		var lastSeq float64 = 1 << 53
		for _, e := range events["events"].([]any) {
			e := e.(map[string]any)
			actions = append(actions, e["action"].(string))
			if seq := e["seq"].(float64); seq >= lastSeq {
				t.Errorf("events not newest first: %v after %v", seq, lastSeq)
			} else {
				lastSeq = seq
			}
			if e["actor"] != "admin@example.test" {
				t.Errorf("event actor = %v", e["actor"])
			}
			if _, err := time.Parse(time.RFC3339, e["at"].(string)); err != nil {
				t.Errorf("event at: %v", err)
			}
		}
		if diff := cmp.Diff([]string{"note.create", "case.transition", "case.create"}, actions); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		transition := events["events"].([]any)[1].(map[string]any)
		if diff := cmp.Diff(map[string]any{"state": "new", "resolution": ""}, transition["before"]); diff != "" {
			t.Errorf("transition before:\n%s", diff)
		}
		if diff := cmp.Diff(map[string]any{"state": "acknowledged", "resolution": "", "reason": "reproduced"}, transition["after"]); diff != "" {
			t.Errorf("transition after:\n%s", diff)
		}
		if events["has_more"] != false || events["next_before"] != nil {
			t.Errorf("one page expected: has_more %v next_before %v", events["has_more"], events["next_before"])
		}

		list := h.must(http.StatusOK, "GET", "/api/v1/projects/acme/cases", h.admin, nil).object()
		if n := len(list["cases"].([]any)); n != 1 || list["has_more"] != false || list["next_offset"] != nil {
			t.Errorf("case list = %v", list)
		}
	})
}

// TestEventPages walks a long history with ?before= and checks every
// event comes exactly once, newest first.
func TestEventPages(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		key := h.newCase("acme", h.admin, map[string]any{"title": "Many events"})
		for i := range 6 {
			h.must(http.StatusCreated, "POST", "/api/v1/cases/"+key+"/notes", h.admin, map[string]any{"body": "note " + string(rune('a'+i))})
		}
		var seqs []float64
		path := "/api/v1/cases/" + key + "/events?limit=3"
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("pagination does not end")
			}
			page := h.must(http.StatusOK, "GET", path, h.admin, nil).object()
			for _, e := range page["events"].([]any) {
				seqs = append(seqs, e.(map[string]any)["seq"].(float64))
			}
			if page["has_more"] == false {
				if page["next_before"] != nil {
					t.Errorf("last page has next_before %v", page["next_before"])
				}
				break
			}
			next := page["next_before"].(float64)
			path = "/api/v1/cases/" + key + "/events?limit=3&before=" + strconv.FormatFloat(next, 'f', 0, 64)
		}
		if len(seqs) != 7 {
			t.Fatalf("saw %d events, want 7 (create + 6 notes): %v", len(seqs), seqs)
		}
		for i := 1; i < len(seqs); i++ {
			if seqs[i] >= seqs[i-1] {
				t.Errorf("events out of order: %v", seqs)
			}
		}
	})
}
