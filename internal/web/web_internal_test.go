// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/audit"
	"embargo/internal/validation"
)

// TestEveryViewIsDeclared finds every constant of type view in the
// package's source and checks that allViews lists it, so that start-up
// parsing covers every page a handler can render.
func TestEveryViewIsDeclared(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var found []view
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			spec, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			if id, ok := spec.Type.(*ast.Ident); !ok || id.Name != "view" {
				return true
			}
			for _, v := range spec.Values {
				if lit, ok := v.(*ast.BasicLit); ok {
					found = append(found, view(strings.Trim(lit.Value, `"`)))
				}
			}
			return true
		})
	}
	if len(found) == 0 {
		t.Fatal("found no view constants; the test no longer matches the code")
	}
	for _, v := range found {
		if !slices.Contains(allViews, v) {
			t.Errorf("view %q is declared as a constant but missing from allViews", v)
		}
	}
	// Parsing panics on a missing template or block.
	mustParseViews(loadAssets())
}

func TestSafeNext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"", "/"},
		{"/", "/"},
		{"/cases/ACME-1", "/cases/ACME-1"},
		{"/projects/acme?state=open&page=2", "/projects/acme?state=open&page=2"},
		{"//evil.example/x", "/"},
		{"/\\evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"cases/ACME-1", "/"},
		{"/x\r\nSet-Cookie: a=b", "/"},
	}
	for _, tt := range tests {
		if got := safeNext(tt.in); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFieldMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		field, msg, want string
	}{
		{"title", "is required", "Title is required."},
		{"body", "is too long (5 characters, at most 4)", "Note is too long (5 characters, at most 4)."},
		{"password", "password must be at least 12 characters long", "Password must be at least 12 characters long."},
		{"time_zone", `unknown time zone "Mars/Base"`, `Unknown time zone "Mars/Base".`},
		{"new_password_confirm", "must match the new password", "Repeated password must match the new password."},
	}
	for _, tt := range tests {
		got := fieldMessage(&validation.Error{Field: tt.field, Message: tt.msg})
		if got != tt.want {
			t.Errorf("fieldMessage(%s, %q) = %q, want %q", tt.field, tt.msg, got, tt.want)
		}
	}
}

func TestDescribeEvent(t *testing.T) {
	t.Parallel()
	names := map[int64]string{1: "Alice", 2: "Bob", 3: "Carol"}
	tests := []struct {
		name   string
		event  audit.Event
		text   string
		reason string
	}{
		{
			name:  "create",
			event: audit.Event{Action: "case.create", ActorLabel: "alice@example.org"},
			text:  "alice@example.org created the case",
		},
		{
			name: "transition",
			event: audit.Event{Action: "case.transition", ActorLabel: "alice@example.org",
				Before: []byte(`{"state":"new","resolution":""}`), After: []byte(`{"state":"acknowledged","resolution":""}`)},
			text: "alice@example.org moved the case from new → acknowledged",
		},
		{
			name: "rejection with reason",
			event: audit.Event{Action: "case.transition", ActorLabel: "bob@example.org",
				Before: []byte(`{"state":"triage","resolution":""}`),
				After:  []byte(`{"state":"rejected","resolution":"duplicate","reason":"same as ACME-3"}`)},
			text:   "bob@example.org moved the case from triage → rejected (duplicate)",
			reason: "same as ACME-3",
		},
		{
			name: "update",
			event: audit.Event{Action: "case.update", ActorLabel: "alice@example.org",
				Before: []byte(`{"severity":"low","description":"a"}`), After: []byte(`{"severity":"high","description":"b"}`)},
			text: "alice@example.org changed the severity from low → high and the description",
		},
		{
			name: "assignment",
			event: audit.Event{Action: "case.assign", ActorLabel: "alice@example.org",
				Before: []byte(`{"coordinator":0,"assignees":[2]}`), After: []byte(`{"coordinator":1,"assignees":[3]}`)},
			text: "alice@example.org made Alice coordinator, assigned Carol and unassigned Bob",
		},
		{
			name:  "note",
			event: audit.Event{Action: "note.create", ActorLabel: "carol@example.org", After: []byte(`{"body":"x"}`)},
			text:  "carol@example.org added a note",
		},
		{
			name:  "block by address",
			event: audit.Event{Action: "report.block", ActorLabel: "bob@example.org", After: []byte(`{"kind":"address"}`)},
			text:  "bob@example.org blocked the address the report came from",
		},
		{
			name:  "unblock a key",
			event: audit.Event{Action: "report.unblock", ActorLabel: "alice@example.org", Before: []byte(`{"kind":"key","case":"ACME-1"}`)},
			text:  "alice@example.org unblocked the reporter's OpenPGP key",
		},
		{
			name:  "unknown action",
			event: audit.Event{Action: "case.frobnicate", ActorLabel: "cli"},
			text:  "cli made a change this version cannot describe",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := describeEvent(&tt.event, names)
			if diff := cmp.Diff(tt.text, got.Text); diff != "" {
				t.Errorf("text (-want +got):\n%s", diff)
			}
			if got.Reason != tt.reason {
				t.Errorf("reason = %q, want %q", got.Reason, tt.reason)
			}
		})
	}
}

// TestEveryCaseEventHasASentence finds every event kind the domain
// packages record on a case (string literals such as "case.link" or
// "report.message" outside the access policy and tests) and checks that
// the history tells each in a sentence, never as a raw code.
func TestEveryCaseEventHasASentence(t *testing.T) {
	files, err := filepath.Glob("../*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || strings.HasPrefix(filepath.ToSlash(f), "../authz/") {
			continue // the policy names actions, not events
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			v := strings.Trim(lit.Value, "\"`")
			for _, prefix := range []string{"case.", "report.", "note.", "deadline."} {
				if rest, ok := strings.CutPrefix(v, prefix); ok && rest != "" && strings.Trim(rest, "abcdefghijklmnopqrstuvwxyz_") == "" {
					kinds[v] = true
				}
			}
			return true
		})
	}
	if len(kinds) < 20 {
		t.Fatalf("found only %d event kinds (%v): the scan is broken", len(kinds), kinds)
	}
	t.Logf("event kinds: %v", slices.Sorted(maps.Keys(kinds)))
	for kind := range kinds {
		it := describeEvent(&audit.Event{Action: kind, ActorLabel: "Ann", Before: []byte(`{}`), After: []byte(`{}`)}, nil)
		if strings.Contains(it.Text, kind) || strings.Contains(it.Text, "cannot describe") {
			t.Errorf("%s is told as %q", kind, it.Text)
		}
	}
}
