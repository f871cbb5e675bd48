// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"

	"embargo/internal/router"
	"embargo/internal/store"
)

// settingsBlocks loads the project's blocked senders for the settings
// page; a failure is logged and shows an empty list rather than no page.
func (h *web) settingsBlocks(r *router.Request) []*store.ReportBlock {
	bs, err := h.Intake.Blocks(r.Context(), r.Project)
	if err != nil {
		h.Log.Error("unable to load report blocks", "project", r.Project.Slug, "err", err)
		return nil
	}
	return bs
}

// reportUnblock lifts one of the project's blocks on a spam sender.
func (h *web) reportUnblock(w http.ResponseWriter, r *router.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Intake.Unblock(r.Context(), r.Actor, r.Project, id); err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, "/projects/"+r.Project.Slug+"/settings#blocks", "sender-unblocked")
}
