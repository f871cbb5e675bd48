// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"net/http"
	"net/url"

	"embargo/internal/authz"
	"embargo/internal/router"
	"embargo/internal/store"
)

// adminUsersData is the user administration page's content.
type adminUsersData struct {
	Users []*store.User
}

// adminUsersPage loads the user list; a nil page means it failed and the
// error page is already written.
func (h *web) adminUsersPage(w http.ResponseWriter, r *router.Request) *page {
	users, err := h.Accounts.Users(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return nil
	}
	p := newPage(r, "Users")
	p.Data = adminUsersData{Users: users}
	return p
}

// adminUsers lists every account, for instance admins.
func (h *web) adminUsers(w http.ResponseWriter, r *router.Request) {
	if p := h.adminUsersPage(w, r); p != nil {
		h.render(w, r.Request, http.StatusOK, viewAdminUsers, p)
	}
}

// adminUserCreate creates an account with a password the admin passes on.
func (h *web) adminUserCreate(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f := r.PostForm
	_, err := h.Accounts.CreateUser(r.Context(), r.Actor, authz.NewUser{Email: f.Get("email"), Name: f.Get("name"),
		Password: f.Get("password"), Admin: f.Get("admin") == "1"})
	if err != nil {
		p := h.adminUsersPage(w, r)
		if p == nil {
			return
		}
		// Everything but the password comes back for correcting.
		p.Form = url.Values{"email": {f.Get("email")}, "name": {f.Get("name")}, "admin": {f.Get("admin")}}
		h.formError(w, r, viewAdminUsers, p, err, "email", "name", "password")
		return
	}
	redirect(w, r, "/admin/users", "user-created")
}

// adminUserDisable disables an account and ends its sessions.
func (h *web) adminUserDisable(w http.ResponseWriter, r *router.Request) {
	h.setUserDisabled(w, r, true)
}

// adminUserEnable lets a disabled account sign in again.
func (h *web) adminUserEnable(w http.ResponseWriter, r *router.Request) {
	h.setUserDisabled(w, r, false)
}

// setUserDisabled disables or re-enables the account named by {id}.
func (h *web) setUserDisabled(w http.ResponseWriter, r *router.Request, disabled bool) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Accounts.SetDisabled(r.Context(), r.Actor, id, disabled); err != nil {
		if p := h.adminUsersPage(w, r); p != nil {
			h.formError(w, r, viewAdminUsers, p, err)
		}
		return
	}
	notice := "user-enabled"
	if disabled {
		notice = "user-disabled"
	}
	redirect(w, r, "/admin/users", notice)
}
