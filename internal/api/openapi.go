// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	_ "embed"
	"encoding/json"
	"net/http"

	"embargo/internal/router"
)

// openAPIDocument describes every route in routes.go; TestOpenAPIMatchesRoutes
// fails when the two disagree.
//
//go:embed openapi.json
var openAPIDocument []byte

func init() {
	// A broken document is a build mistake; refuse to start with it.
	if !json.Valid(openAPIDocument) {
		panic("api: openapi.json is not valid JSON")
	}
}

// openAPI answers GET /openapi.json with the OpenAPI 3.1 description of
// this API. It is public: it describes the interface, not any data.
func (a *api) openAPI(w http.ResponseWriter, r *router.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(openAPIDocument)
}
