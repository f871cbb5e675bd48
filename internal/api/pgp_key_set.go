// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"net/http"

	"embargo/internal/pgp"
	"embargo/internal/router"
	"embargo/internal/validation"
)

type pgpKeySetRequest struct {
	Generate bool   `json:"generate"`
	Armored  string `json:"armored"`
}

// pgpKeySet answers POST /projects/{slug}/pgp-key: {"generate":true} makes
// a new key, {"armored":"-----BEGIN PGP PRIVATE KEY BLOCK-----…"} imports
// one. Either replaces the project's current key; the answer is the new
// public key, 201.
func (a *api) pgpKeySet(w http.ResponseWriter, r *router.Request) {
	var req pgpKeySetRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	var k *pgp.PublicKey
	var err error
	switch {
	case req.Generate && req.Armored != "":
		err = validation.Errorf("", `give either "generate": true or "armored", not both`)
	case req.Generate:
		k, err = a.Keys.GenerateProjectKey(r.Context(), r.Actor, r.Project)
	case req.Armored != "":
		k, err = a.Keys.ImportProjectKey(r.Context(), r.Actor, r.Project, []byte(req.Armored))
	default:
		err = validation.Errorf("", `give "generate": true to make a key, or "armored" with an ASCII-armored private key to import one`)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, pgpKeyOut(k))
}
