// SPDX-License-Identifier: AGPL-3.0-or-later

package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"embargo/internal/policy"
	"embargo/internal/router"
)

// securityTxt answers GET /.well-known/security.txt (RFC 9116) with the
// contacts and policies of every active project, built afresh on each
// request so that Expires always lies RenewalPeriod ahead, and
// cleartext-signed with the instance's OpenPGP key. An instance with no active
// project has no contact to publish and answers 404.
func (h *web) securityTxt(w http.ResponseWriter, r *router.Request) {
	ctx := r.Context()
	list, err := h.Projects.Active(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	keys := policy.FromPGP(h.Keys)
	ps := make([]policy.Project, 0, len(list))
	for _, sp := range list {
		p, err := policy.Load(ctx, sp, keys)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		ps = append(ps, p)
	}
	text, err := policy.SecurityTxt(h.BaseURL, ps, h.Clock.Now())
	hd := w.Header()
	hd.Set("Content-Type", "text/plain; charset=utf-8")
	hd.Set("X-Content-Type-Options", "nosniff")
	if errors.Is(err, policy.ErrNoContacts) {
		hd.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "This instance publishes no security contact yet.\n")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if h.Keys != nil {
		// A signature is a courtesy (RFC 9116 recommends it); when the
		// instance key is unusable the contacts still go out, unsigned.
		if signed, err := h.Keys.ClearSignInstance(ctx, text); err != nil {
			h.Log.Warn("security.txt served unsigned", "err", err)
		} else {
			text = signed
			if !bytes.HasSuffix(text, []byte("\n")) {
				text = append(text, '\n')
			}
		}
	}
	hd.Set("Cache-Control", "public, max-age=3600")
	w.Write(text)
}
