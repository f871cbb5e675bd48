// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"errors"
	"net/http"

	"embargo/internal/pgp"
	"embargo/internal/router"
	"embargo/internal/validation"
)

// pgpKeyJSON is a project's public OpenPGP key.
type pgpKeyJSON struct {
	Fingerprint string    `json:"fingerprint"`
	PublicKey   string    `json:"public_key"`
	CreatedAt   timestamp `json:"created_at"`
}

func pgpKeyOut(k *pgp.PublicKey) pgpKeyJSON {
	return pgpKeyJSON{Fingerprint: k.Fingerprint, PublicKey: k.Armored, CreatedAt: timestamp(k.CreatedAt.UnixMilli())}
}

// pgpKeyShow answers GET /projects/{slug}/pgp-key with the project's public
// key, or 404 when it has none.
func (a *api) pgpKeyShow(w http.ResponseWriter, r *router.Request) {
	k, err := a.Keys.ProjectPublicKey(r.Context(), r.Project.ID)
	if errors.Is(err, pgp.ErrNoKey) {
		err = &validation.NotFound{What: "OpenPGP key of project " + r.Project.Slug}
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, pgpKeyOut(k))
}
