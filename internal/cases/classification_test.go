// SPDX-License-Identifier: AGPL-3.0-or-later

package cases_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/cases"
	"embargo/internal/store"
	"embargo/internal/store/storetest"
	"embargo/internal/validation"
)

const (
	heartbleed = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
	v40Crit    = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
	noImpact   = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"
)

func TestSetCVSS(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		if _, err := f.cases.Create(ctx, f.actor, f.project, cases.Input{Title: ptr("Leak")}); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			name         string
			vector       string
			wantSeverity string
			wantCurrent  string // "" for none
			wantHistory  int
		}{
			{"set v3.1", heartbleed, "high", heartbleed, 1},
			{"same vector again changes nothing", "  " + heartbleed + " ", "high", heartbleed, 1},
			{"set v4.0", v40Crit, "critical", v40Crit, 2},
			{"no impact rates none", noImpact, "none", noImpact, 3},
			{"clear keeps the severity", "", "none", "", 4},
			{"clear again changes nothing", "", "none", "", 4},
		}
		for _, st := range steps {
			c, err := f.cases.SetCVSS(ctx, f.actor, "ACME-1", st.vector)
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			cl, err := f.cases.Classification(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			current := ""
			if cl.CVSS != nil {
				current = cl.CVSS.Vector
			}
			got := []any{c.Severity, current, len(cl.History)}
			if diff := cmp.Diff([]any{st.wantSeverity, st.wantCurrent, st.wantHistory}, got); diff != "" {
				t.Errorf("%s: severity, current vector, history length (-want +got):\n%s", st.name, diff)
			}
		}
		events, err := f.cases.Events(ctx, 1, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var cvssEvents []string
		for _, e := range events {
			if e.Action == "case.cvss" {
				cvssEvents = append(cvssEvents, string(e.Before)+" -> "+string(e.After))
			}
		}
		if len(cvssEvents) != 4 {
			t.Fatalf("%d case.cvss events, want 4: %v", len(cvssEvents), cvssEvents)
		}
		var first map[string]any
		if err := json.Unmarshal(events[len(events)-2].After, &first); err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"cvss_vector": heartbleed, "cvss_score": "7.5", "cvss_rating": "High", "severity": "high"}
		if diff := cmp.Diff(want, first); diff != "" {
			t.Errorf("first case.cvss event's after (-want +got):\n%s", diff)
		}
	})
}

func TestEditRefusals(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		if _, err := f.cases.Create(ctx, f.actor, f.project, cases.Input{Title: ptr("Leak")}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name, field, message string
			edit                 cases.Edit
		}{
			{"bad metric value", "cvss_vector", `metric "AV" has invalid value "Q"`,
				cases.Edit{Input: cases.Input{Title: ptr("changed")}, CVSSVector: ptr(strings.Replace(heartbleed, "AV:N", "AV:Q", 1))}},
			{"severity contradicts rating", "severity", `contradicts the CVSS rating "high"`,
				cases.Edit{Input: cases.Input{Severity: ptr("low")}, CVSSVector: ptr(heartbleed)}},
			{"unknown CWE", "cwe_ids", "CWE-99999 is not in CWE 4.15",
				cases.Edit{CVSSVector: ptr(heartbleed), CWEIDs: &[]string{"CWE-79", "CWE-99999"}}},
			{"bad title after a good vector", "title", "is required",
				cases.Edit{Input: cases.Input{Title: ptr(" ")}, CVSSVector: ptr(heartbleed)}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.cases.Edit(ctx, f.actor, "ACME-1", tt.edit)
				var v *validation.Error
				if !errors.As(err, &v) || v.Field != tt.field || !strings.Contains(v.Message, tt.message) {
					t.Fatalf("Edit = %v, want a %s error containing %q", err, tt.field, tt.message)
				}
				d, err := f.cases.Get(ctx, "ACME-1", 10)
				if err != nil {
					t.Fatal(err)
				}
				cl, err := f.cases.Classification(ctx, d.Case.ID)
				if err != nil {
					t.Fatal(err)
				}
				if d.Case.Title != "Leak" || d.Case.Severity != "unknown" || len(cl.History) != 0 || len(cl.CWEs) != 0 {
					t.Errorf("a refused edit changed the case: %+v, %+v", d.Case, cl)
				}
			})
		}
	})
}

func TestSetCWEs(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		c, err := f.cases.Create(ctx, f.actor, f.project, cases.Input{Title: ptr("XSS")})
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			ids  []string
			want []string
		}{
			{"set, normalised and sorted", []string{"787", "cwe-79", "CWE-79"}, []string{"CWE-79", "CWE-787"}},
			{"replace", []string{"CWE-89"}, []string{"CWE-89"}},
			{"clear", []string{}, nil},
		}
		for _, tt := range tests {
			if _, err := f.cases.SetCWEs(ctx, f.actor, "ACME-1", tt.ids); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			cl, err := f.cases.Classification(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range cl.CWEs {
				got = append(got, e.Key())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.name, diff)
			}
		}
		if _, err := f.cases.SetCWEs(ctx, f.actor, "ACME-1", []string{"CWE-1003"}); err == nil || !strings.Contains(err.Error(), "is a view") {
			t.Errorf("SetCWEs with a view = %v, want a refusal", err)
		}
	})
}
