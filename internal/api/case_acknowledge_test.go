// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"net/http"
	"strings"
	"testing"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

func TestAcknowledgeAPI(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		h := newHarness(t, s)
		h.project("acme")
		_, viewer := h.user("viewer@example.test", false)
		h.member("acme", "viewer@example.test", "viewer")
		h.must(http.StatusCreated, "POST", "/api/v1/projects/acme/reports", "", map[string]any{
			"title": "Overflow", "description": "d", "contact": map[string]any{"email": "ada@example.org"}})
		team := h.newCase("acme", h.admin, map[string]any{"title": "opened by the team"})

		h.must(http.StatusForbidden, "POST", "/api/v1/cases/ACME-1/acknowledge", viewer, map[string]any{})
		h.must(http.StatusNotFound, "POST", "/api/v1/cases/"+team+"/acknowledge", h.admin, map[string]any{})
		h.must(http.StatusUnprocessableEntity, "POST", "/api/v1/cases/ACME-1/acknowledge", h.admin, map[string]any{"message": "a\x00b"})

		c := h.must(http.StatusOK, "POST", "/api/v1/cases/ACME-1/acknowledge", h.admin, map[string]any{}).object()
		if c["state"] != "acknowledged" || c["key"] != "ACME-1" {
			t.Errorf("case %v", c)
		}
		msgs := h.must(http.StatusOK, "GET", "/api/v1/cases/ACME-1/messages", h.admin, nil).list("messages")
		if len(msgs) != 1 || !strings.Contains(msgs[0].(map[string]any)["body"].(string), "First assessment: by") {
			t.Errorf("thread %v", msgs)
		}
		h.must(http.StatusConflict, "POST", "/api/v1/cases/ACME-1/acknowledge", h.admin, map[string]any{"message": "again"})

		h.must(http.StatusOK, "PATCH", "/api/v1/projects/acme", h.admin, map[string]any{"settings": map[string]any{"auto_acknowledge": true}})
		h.must(http.StatusCreated, "POST", "/api/v1/projects/acme/reports", "", map[string]any{"title": "Second", "description": "d"})
		if got := h.must(http.StatusOK, "GET", "/api/v1/cases/ACME-3", h.admin, nil).object()["state"]; got != "acknowledged" {
			t.Errorf("auto-acknowledged case is %v", got)
		}
	})
}
