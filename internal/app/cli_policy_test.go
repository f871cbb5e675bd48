// SPDX-License-Identifier: AGPL-3.0-or-later

package app

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/config"
	"embargo/internal/projects"
	"embargo/internal/store/storetest"
)

// TestCLIPolicySecurityMD prints SECURITY.md for a project on every
// engine, with the base URL from the flag or the environment, and the
// project's key when it has one.
func TestCLIPolicySecurityMD(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			cleanEnv(t)
			dsn := e.DSN(t)
			s := storetest.Open(t, dsn)
			dbFlag := dsn
			if e.Name == "sqlite" {
				dbFlag = "sqlite://" + dsn
			}
			ctx := context.Background()
			a := Build(&config.Config{Addr: "127.0.0.1:0", BaseURL: "https://desk.example", ShutdownTimeout: time.Second},
				s, slog.New(slog.DiscardHandler), clock.Real{})
			settings := projects.DefaultSettings()
			settings.SecurityContacts = []string{"security@acme.example"}
			settings.ReportChannels = []string{"web", "email"}
			admin := &authz.Actor{Via: "test"}
			acme, old := "Acme", "Old"
			p, err := a.Projects.Create(ctx, admin, "acme", projects.Input{Name: &acme, Settings: &settings})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Projects.Create(ctx, admin, "old", projects.Input{Name: &old}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Projects.SetArchived(ctx, admin, "old", true); err != nil {
				t.Fatal(err)
			}

			r := mustCLI(t, "", "policy", "security-md", "--database", dbFlag, "--base-url", "https://desk.example/", "--project", "acme")
			for _, want := range []string{"# Security policy\n", "<https://desk.example/p/acme/report>", "<security@acme.example>",
				"We do not publish an OpenPGP key", "within 3 business days", "<https://desk.example/p/acme/security>",
				"<https://desk.example/.well-known/security.txt>"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("SECURITY.md lacks %q:\n%s", want, r.stdout)
				}
			}
			if strings.Contains(r.stdout, "/api/v1") {
				t.Errorf("SECURITY.md offers the API, which is not a channel:\n%s", r.stdout)
			}

			pub, err := a.Keys.GenerateProjectKey(ctx, admin, p)
			if err != nil {
				t.Fatal(err)
			}
			t.Setenv("EMBARGO_BASE_URL", "https://env.example")
			r = mustCLI(t, "", "policy", "security-md", "--database", dbFlag, "--project", "acme")
			for _, want := range []string{"<https://env.example/p/acme/pgp-key.asc>", pub.Fingerprint[:4] + " " + pub.Fingerprint[4:8]} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("SECURITY.md lacks %q:\n%s", want, r.stdout)
				}
			}

			for _, tc := range []struct {
				name     string
				args     []string
				wantCode int
				wantErr  string
			}{
				{"no project flag", []string{}, 2, "--project is required"},
				{"unknown project", []string{"--project", "nope"}, 1, `no project with slug "nope"`},
				{"archived project", []string{"--project", "old"}, 1, `project "old" is archived`},
			} {
				t.Run(tc.name, func(t *testing.T) {
					r := cli(t, "", append([]string{"policy", "security-md", "--database", dbFlag}, tc.args...)...)
					if r.code != tc.wantCode || !strings.Contains(r.stderr, tc.wantErr) || r.stdout != "" {
						t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and %q", r.code, r.stdout, r.stderr, tc.wantCode, tc.wantErr)
					}
				})
			}
		})
	}
}
