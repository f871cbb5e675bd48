// SPDX-License-Identifier: AGPL-3.0-or-later

package cases_test

import (
	"errors"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"embargo/internal/cases"
	"embargo/internal/store"
	"embargo/internal/validation"
)

func TestParseFilter(t *testing.T) {
	tests := []struct {
		name     string
		query    string
		want     store.CaseFilter
		badField string
	}{
		{name: "none hides spam", query: "", want: store.CaseFilter{HideSpam: true}},
		{name: "open expands", query: "state=open", want: store.CaseFilter{States: cases.OpenStates, HideSpam: true}},
		{name: "states repeated and comma-separated, once each", query: "state=new,triage&state=new",
			want: store.CaseFilter{States: []string{"new", "triage"}, HideSpam: true}},
		{name: "rejected shows spam", query: "state=rejected", want: store.CaseFilter{States: []string{"rejected"}}},
		{name: "include_spam 1", query: "include_spam=1", want: store.CaseFilter{}},
		{name: "include_spam true", query: "include_spam=true", want: store.CaseFilter{}},
		{name: "every filter", query: "severity=high&priority=P1&assignee=me&component=libfoo&label=Needs-CVE&q=overflow",
			want: store.CaseFilter{Severity: "high", Priority: "P1", AssigneeID: 7, Component: "libfoo", Label: "needs-cve",
				Query: "overflow", HideSpam: true}},
		{name: "assignee by ID", query: "assignee=42", want: store.CaseFilter{AssigneeID: 42, HideSpam: true}},
		{name: "unknown state", query: "state=done", badField: "state"},
		{name: "unknown severity", query: "severity=huge", badField: "severity"},
		{name: "unknown priority", query: "priority=P9", badField: "priority"},
		{name: "bad assignee", query: "assignee=-1", badField: "assignee"},
		{name: "repeated severity", query: "severity=low&severity=high", badField: "severity"},
		{name: "bad include_spam", query: "include_spam=yes", badField: "include_spam"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := cases.ParseFilter(q, 7)
			if tc.badField != "" {
				var verr *validation.Error
				if !errors.As(err, &verr) || verr.Field != tc.badField {
					t.Fatalf("err = %v, want a validation error naming %s", err, tc.badField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("filter (-want +got):\n%s", diff)
			}
		})
	}
}
