// SPDX-License-Identifier: AGPL-3.0-or-later

package intake_test

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"embargo/internal/authz"
	"embargo/internal/cases"
	"embargo/internal/clock"
	"embargo/internal/intake"
	"embargo/internal/projects"
	"embargo/internal/store"
)

// BenchmarkSubmit measures Submit on SQLite in a temporary directory, with
// the report shape of bench/loadgen -intake and 64 × GOMAXPROCS
// concurrent submitters: that benchmark's load without HTTP. Profile it with: go test ./internal/intake -run '^$' -bench Submit
// -cpuprofile cpu.out.
func BenchmarkSubmit(b *testing.B) {
	s, err := store.Open(ctx, filepath.Join(b.TempDir(), "embargo.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	clk := clock.Real{}
	u := &store.User{Email: "lead@example.org", Name: "Lead", CreatedAt: 1, UpdatedAt: 1}
	if err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
		b.Fatal(err)
	}
	lead := &authz.Actor{UserID: u.ID, Email: u.Email, Name: u.Name, Via: "test"}
	name := "Acme"
	p, err := (&projects.Service{Store: s, Clock: clk}).Create(ctx, lead, "acme", projects.Input{Name: &name})
	if err != nil {
		b.Fatal(err)
	}
	svc := &intake.Service{Store: s, Clock: clk, Cases: &cases.Service{Store: s, Clock: clk}}
	desc := "A project name containing markup is rendered without escaping. " + strings.Repeat("Details of the finding. ", 30)
	b.SetParallelism(64)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			_, err := svc.Submit(ctx, p, intake.Report{Title: "Stored XSS #" + strconv.Itoa(i), Description: desc,
				Product: "acme-server", Versions: "2.3.0 to 2.4.1", Steps: "1. Create a project.\n2. Open it.",
				Impact: "Script runs.", Contact: &intake.Contact{Name: "Ada", Email: "ada@example.org"},
				CreditPreference: "anonymous", Disclosure: "90 days", ClientAddress: "192.0.2.1"})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
}
