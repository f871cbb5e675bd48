// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/http"
	"path"
	"time"

	"embargo/internal/router"
)

//go:embed static
var staticFS embed.FS

// asset is one embedded static file.
type asset struct {
	body    []byte
	version string // a content hash: it changes exactly when the file does
}

// assets are the static files, read once at start.
type assets struct {
	files map[string]*asset
}

// loadAssets reads every embedded static file and hashes it for its
// versioned URL.
func loadAssets() *assets {
	a := &assets{files: map[string]*asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		a.files[p[len("static/"):]] = &asset{body: body, version: hex.EncodeToString(sum[:6])}
		return nil
	})
	if err != nil {
		panic(err)
	}
	return a
}

// url returns the versioned address of a static file for templates, or
// an error (failing the render) for a file that does not exist.
func (a *assets) url(name string) (string, error) {
	f, ok := a.files[name]
	if !ok {
		return "", errors.New("web: no static file " + name)
	}
	return "/static/" + name + "?v=" + f.version, nil
}

// static serves an embedded file. Versioned URLs (the only ones pages
// use) are cached for a year, since a new version gets a new URL; anything
// else must be revalidated.
func (h *web) static(w http.ResponseWriter, r *router.Request) {
	name := r.PathValue("file")
	f, ok := h.assets.files[path.Clean(name)]
	if !ok || name != path.Clean(name) {
		h.errorPage(w, r.Request, r.Actor, http.StatusNotFound, "Not found", "There is no such file.")
		return
	}
	if r.URL.Query().Get("v") == f.version {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("ETag", `"`+f.version+`"`)
	http.ServeContent(w, r.Request, name, time.Time{}, bytes.NewReader(f.body))
}
