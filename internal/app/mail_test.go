// SPDX-License-Identifier: AGPL-3.0-or-later

package app

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/config"
	"embargo/internal/intake"
	"embargo/internal/mail"
	"embargo/internal/projects"
)

// TestServeDeliversMail checks that serve delivers the outbox into the
// data directory in the background.
func TestServeDeliversMail(t *testing.T) {
	cleanEnv(t)
	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := &config.Config{Addr: "127.0.0.1:0", DataDir: data, BaseURL: "https://embargo.example.org", ShutdownTimeout: 5 * time.Second}
	a, err := New(ctx, cfg, slog.New(slog.DiscardHandler), clock.Real{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	cli := &authz.Actor{Via: "cli"}
	u, err := a.Accounts.CreateUser(ctx, cli, authz.NewUser{Email: "ann@example.org", Name: "Ann", Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	name := "Acme"
	p, err := a.Projects.Create(ctx, &authz.Actor{UserID: u.ID, Email: u.Email, Via: "test"}, "acme", projects.Input{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Intake.Submit(ctx, p, intake.Report{Title: "T", Description: "d"}); err != nil {
		t.Fatal(err)
	}

	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, nil) }()
	dir := filepath.Join(data, mail.DirName)
	var body []byte
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if entries, _ := os.ReadDir(dir); len(entries) == 1 {
			body, _ = os.ReadFile(filepath.Join(dir, entries[0].Name()))
			if len(body) > 0 {
				break
			}
		}
	}
	cancel()
	if err := <-served; err != nil {
		t.Errorf("serve: %v", err)
	}
	msg := string(body)
	for _, want := range []string{"From: \"Embargo\" <noreply@embargo.example.org>", "To: <ann@example.org>",
		"Subject: New report ACME-1", "https://embargo.example.org/cases/ACME-1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("delivered mail lacks %q:\n%s", want, msg)
		}
	}
}
