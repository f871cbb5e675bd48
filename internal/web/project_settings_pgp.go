// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"errors"
	"io"
	"net/http"

	"embargo/internal/pgp"
	"embargo/internal/router"
)

// settingsPGPKey returns r's project's public key for the settings page,
// or nil when it has none (or it cannot be read, which is logged: the
// rest of the page still works).
func (h *web) settingsPGPKey(r *router.Request) *pgp.PublicKey {
	if h.Keys == nil {
		return nil
	}
	k, err := h.Keys.ProjectPublicKey(r.Context(), r.Project.ID)
	if err != nil {
		if !errors.Is(err, pgp.ErrNoKey) {
			h.Log.Error("unable to load project key", "project", r.Project.Slug, "err", err)
		}
		return nil
	}
	return k
}

// pgpKeyGenerate makes a new OpenPGP key for the project, replacing any
// earlier one.
func (h *web) pgpKeyGenerate(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Keys.GenerateProjectKey(r.Context(), r.Actor, r.Project); err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, "/projects/"+r.Project.Slug+"/settings#pgp-key", "pgp-key-saved")
}

// pgpKeyImport stores a pasted ASCII-armored private key as the project's
// key, replacing any earlier one.
func (h *web) pgpKeyImport(w http.ResponseWriter, r *router.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Keys.ImportProjectKey(r.Context(), r.Actor, r.Project, []byte(r.PostForm.Get("armored"))); err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, "/projects/"+r.Project.Slug+"/settings#pgp-key", "pgp-key-saved")
}

// pgpKeyDownload answers GET /p/{slug}/pgp-key.asc, public, with the
// project's ASCII-armored public key, or 404 when it has none.
func (h *web) pgpKeyDownload(w http.ResponseWriter, r *router.Request) {
	k, err := h.Keys.ProjectPublicKey(r.Context(), r.Project.ID)
	hd := w.Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	if errors.Is(err, pgp.ErrNoKey) {
		hd.Set("Content-Type", "text/plain; charset=utf-8")
		hd.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "This project has no OpenPGP key.\n")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hd.Set("Content-Type", "application/pgp-keys")
	hd.Set("Content-Disposition", `inline; filename="`+r.Project.Slug+`.asc"`)
	hd.Set("Cache-Control", "public, max-age=300")
	io.WriteString(w, k.Armored)
}
