// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"embargo/internal/authz"
	"embargo/internal/router"
)

// projectPage starts a page inside a project: the project header and its
// tabs, with current marking the one shown. Tabs the actor cannot open
// are left out.
func projectPage(r *router.Request, title, current string) *page {
	p := newPage(r, title)
	p.Project = r.Project
	base := "/projects/" + r.Project.Slug
	p.Tabs = []tab{{Label: "Cases", URL: base}, {Label: "Metrics", URL: base + "/metrics"}, {Label: "Members", URL: base + "/members"}}
	// Settings are closed while the project is archived; the archive
	// banner carries the button that restores it.
	if can(r, authz.ActionProjectEdit) {
		p.Tabs = append(p.Tabs, tab{Label: "Settings", URL: base + "/settings"})
	}
	p.CanUnarchive = r.Project.ArchivedAt != 0 && can(r, authz.ActionProjectArchive)
	for i := range p.Tabs {
		p.Tabs[i].Current = p.Tabs[i].Label == current
	}
	return p
}
