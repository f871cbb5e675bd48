// SPDX-License-Identifier: AGPL-3.0-or-later

package e2e

import (
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOperatorAndAPI follows an operator and a script through one
// installation: the operator creates an admin and an API token with the
// CLI; a script drives a case through the API over HTTP; the operator
// verifies the audit chain, takes a backup, restores it elsewhere and
// verifies the copy. It runs on SQLite, and on PostgreSQL when
// EMBARGO_TEST_POSTGRES is set.
func TestOperatorAndAPI(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) { testOperatorAndAPI(t, engine) })
	}
}

func testOperatorAndAPI(t *testing.T, engine string) {
	db := storeArgs(t, engine) // skips the postgres variant when it is not configured
	dataDir := t.TempDir()
	storage := append([]string{"--data", dataDir}, db...)
	with := func(args ...string) []string { return append(args, storage...) }

	const email, password = "ada@example.com", "correct horse battery staple"
	mustCLI(t, password+"\n", with("user", "create", "--email", email, "--name", "Ada Admin", "--admin", "--password-stdin")...)

	out := mustCLI(t, "", with("token", "create", "--email", email, "--name", "e2e")...)
	token := strings.TrimSpace(out.Stdout)
	if token == "" || strings.ContainsAny(token, " \t\n") {
		t.Fatalf("token create should print only the token, got stdout %q", out.Stdout)
	}

	base, setupLink := startServer(t, dataDir, db...)
	if setupLink != "" {
		t.Errorf("the server printed a setup link although a user exists: %s", setupLink)
	}
	v1 := base + "/api/v1"

	t.Run("unauthenticated", func(t *testing.T) {
		for _, tok := range []string{"", "emb_not-a-real-token"} {
			r := api(t, "GET", v1+"/projects", tok, nil)
			if r.Status != http.StatusUnauthorized {
				t.Errorf("GET /projects with token %q: status %d, want 401; body %s", tok, r.Status, r.Body)
			}
			checkErrorBody(t, r)
		}
	})

	r := api(t, "POST", v1+"/projects", token, map[string]any{"slug": "acme", "name": "Acme"})
	wantStatus(t, r, http.StatusCreated, "create project")

	r = api(t, "POST", v1+"/projects/acme/cases", token, map[string]any{"title": "t", "description": "d"})
	wantStatus(t, r, http.StatusCreated, "create case")
	if got := r.JSON["key"]; got != "ACME-1" {
		t.Errorf("new case key = %v, want ACME-1; body %s", got, r.Body)
	}
	if got := r.JSON["state"]; got != "new" {
		t.Errorf("new case state = %v, want new; body %s", got, r.Body)
	}

	r = api(t, "POST", v1+"/cases/ACME-1/transitions", token, map[string]any{"to": "acknowledged"})
	wantStatus(t, r, http.StatusOK, "acknowledge")
	if got := r.JSON["state"]; got != "acknowledged" {
		t.Errorf("state after acknowledging = %v, want acknowledged; body %s", got, r.Body)
	}

	r = api(t, "POST", v1+"/cases/ACME-1/transitions", token, map[string]any{"to": "closed"})
	if r.Status != http.StatusConflict && r.Status != http.StatusUnprocessableEntity {
		t.Errorf("illegal move acknowledged → closed: status %d, want 409 or 422; body %s", r.Status, r.Body)
	}
	checkErrorBody(t, r)

	const note = "Reproduced with the attached file."
	r = api(t, "POST", v1+"/cases/ACME-1/notes", token, map[string]any{"body": note})
	wantStatus(t, r, http.StatusCreated, "add note")

	r = api(t, "GET", v1+"/cases/ACME-1/events", token, nil)
	wantStatus(t, r, http.StatusOK, "list events")
	actions := eventActions(t, r)
	for _, want := range []string{"case.create", "case.transition", "note.create"} {
		if !slices.Contains(actions, want) {
			t.Errorf("case events %v lack %s", actions, want)
		}
	}

	r = api(t, "GET", v1+"/cases/ACME-1", token, nil)
	wantStatus(t, r, http.StatusOK, "show case")
	if got := r.JSON["state"]; got != "acknowledged" {
		t.Errorf("case state = %v, want acknowledged", got)
	}

	// The CLI runs beside the live server, as an operator would.
	verify := mustCLI(t, "", with("audit", "verify")...)
	t.Logf("audit verify: %s", strings.TrimSpace(verify.Stdout+verify.Stderr))

	backup := filepath.Join(t.TempDir(), "embargo.backup")
	mustCLI(t, "", with("backup", "--out", backup)...)

	// Restore into a fresh data directory (and, on PostgreSQL, a fresh
	// schema), then check that the copy verifies and serves the case.
	restoredDir := t.TempDir()
	restoredDB := storeArgs(t, engine)
	restored := append([]string{"--data", restoredDir}, restoredDB...)
	// Flags go before FILE: the flag package stops at the first argument.
	mustCLI(t, "", append(append([]string{"restore"}, restored...), backup)...)
	mustCLI(t, "", append([]string{"audit", "verify"}, restored...)...)

	base2, link2 := startServer(t, restoredDir, restoredDB...)
	if link2 != "" {
		t.Errorf("the restored server printed a setup link although it has users: %s", link2)
	}
	r = api(t, "GET", base2+"/api/v1/cases/ACME-1", token, nil)
	wantStatus(t, r, http.StatusOK, "show case on the restored copy")
	if got := r.JSON["state"]; got != "acknowledged" {
		t.Errorf("restored case state = %v, want acknowledged", got)
	}
}

// wantStatus fails the test unless r has the status.
func wantStatus(t *testing.T, r apiResponse, status int, what string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d; body %s", what, r.Status, status, r.Body)
	}
}

// checkErrorBody checks the API's error shape: {"error":{"code","message"}}.
func checkErrorBody(t *testing.T, r apiResponse) {
	t.Helper()
	e, ok := r.JSON["error"].(map[string]any)
	if !ok {
		t.Errorf("error response is not {\"error\":{…}}: %s", r.Body)
		return
	}
	for _, k := range []string{"code", "message"} {
		if s, _ := e[k].(string); s == "" {
			t.Errorf("error response lacks a non-empty %q: %s", k, r.Body)
		}
	}
}

// eventActions returns the "action" of every event in an events list.
func eventActions(t *testing.T, r apiResponse) []string {
	t.Helper()
	list, ok := r.JSON["events"].([]any)
	if !ok {
		t.Fatalf("events response has no \"events\" list: %s", r.Body)
	}
	var out []string
	for _, e := range list {
		m, _ := e.(map[string]any)
		out = append(out, fmt.Sprint(m["action"]))
	}
	return out
}
