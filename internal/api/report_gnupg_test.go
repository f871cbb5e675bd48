// SPDX-License-Identifier: AGPL-3.0-or-later

package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os/exec"
	"testing"

	"embargo/internal/store"
	"embargo/internal/store/storetest"
)

// gnupg runs gpg in a throwaway home directory; it skips the test when
// gpg is not installed (.ci/run installs Debian's gnupg).
func gnupg(t *testing.T) func(stdin []byte, args ...string) []byte {
	t.Helper()
	gpg, err := exec.LookPath("gpg")
	if err != nil {
		t.Skip("gpg not on PATH: install Debian's gnupg to run the GnuPG interoperability test")
	}
	home := t.TempDir()
	t.Cleanup(func() { exec.Command("gpgconf", "--homedir", home, "--kill", "all").Run() })
	return func(stdin []byte, args ...string) []byte {
		t.Helper()
		cmd := exec.Command(gpg, append([]string{"--homedir", home, "--batch", "--no-tty", "--quiet"}, args...)...)
		cmd.Stdin = bytes.NewReader(stdin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("gpg %v: %v\n%s", args, err, stderr.String())
		}
		return out
	}
}

// TestReportEncryptedWithGnuPG encrypts a report and an attachment with
// GnuPG to the project's key, as a researcher would, submits them through
// the report API, and checks that the team's case holds the plaintext.
func TestReportEncryptedWithGnuPG(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		// A GnuPG home per engine: both import keys with the same user IDs.
		gpg := gnupg(t)
		h := newHarness(t, s)
		h.project("acme")
		key := h.must(http.StatusCreated, "POST", "/api/v1/projects/acme/pgp-key", h.admin, map[string]any{"generate": true}).object()
		// Exported through the public download, as a researcher finds it.
		status, pub := h.portal("/p/acme/pgp-key.asc")
		if status != http.StatusOK {
			t.Fatalf("GET /p/acme/pgp-key.asc: %d", status)
		}
		gpg([]byte(pub), "--import")
		encrypt := func(plain string, armor bool) []byte {
			args := []string{"--trust-model", "always", "--encrypt", "-r", key["fingerprint"].(string)}
			if armor {
				args = append(args, "--armor")
			}
			return gpg([]byte(plain), args...)
		}
		const description = "Stack overflow in parser.c:42\nwhen the header is longer than 64 KiB."
		report, _ := json.Marshal(map[string]any{"title": "Parser overflow",
			"description": string(encrypt(description, true)), "steps_to_reproduce": string(encrypt("1. curl -H @big", true))})
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		ph := textproto.MIMEHeader{}
		ph.Set("Content-Disposition", `form-data; name="report"`)
		ph.Set("Content-Type", "application/json")
		pw, _ := mw.CreatePart(ph)
		pw.Write(report)
		fw, _ := mw.CreateFormFile("attachment", "poc.py.gpg")
		fw.Write(encrypt("print('proof')\n", false))
		mw.Close()
		h.must(http.StatusCreated, "POST", "/api/v1/projects/acme/reports", "", body.Bytes(), "Content-Type", mw.FormDataContentType())

		c := h.must(http.StatusOK, "GET", "/api/v1/cases/ACME-1", h.admin, nil).object()
		if c["description"] != description {
			t.Errorf("the case's description is %q, want the plaintext %q", c["description"], description)
		}
		var rep *store.Report
		var atts []*store.ReportAttachment
		err := s.Read(context.Background(), func(tx *store.Tx) error {
			sc, err := tx.CaseByKey(context.Background(), "ACME-1", false)
			if err != nil {
				return err
			}
			if rep, err = tx.ReportByCase(context.Background(), sc.ID, false); err != nil {
				return err
			}
			atts, err = tx.ListReportAttachments(context.Background(), sc.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Steps != "1. curl -H @big" || !rep.ArrivedEncrypted {
			t.Errorf("steps %q, arrived encrypted %v", rep.Steps, rep.ArrivedEncrypted)
		}
		if len(atts) != 1 || atts[0].Filename != "poc.py" || atts[0].ContentType != "text/plain" {
			t.Fatalf("attachments %+v", atts)
		}
		var data []byte
		err = s.Read(context.Background(), func(tx *store.Tx) error {
			a, err := tx.ReportAttachmentData(context.Background(), atts[0].CaseID, atts[0].ID)
			if err == nil {
				data = a.Data
			}
			return err
		})
		if err != nil || string(data) != "print('proof')\n" {
			t.Errorf("attachment %q, %v", data, err)
		}

		// Encrypted to another key: refused as unreadable, nothing stored.
		gpg(nil, "--quick-generate-key", "--passphrase", "", "other@example.org", "future-default", "default", "never")
		other, _ := json.Marshal(map[string]any{"title": "t", "description": string(gpg([]byte("x"),
			"--trust-model", "always", "--armor", "--encrypt", "-r", "other@example.org"))})
		res := h.must(http.StatusUnprocessableEntity, "POST", "/api/v1/projects/acme/reports", "", other, "Content-Type", "application/json")
		if _, field := res.errorCode(); field != "description" {
			t.Errorf("error field %q: %s", field, res.body)
		}
	})
}
