// SPDX-License-Identifier: AGPL-3.0-or-later

package intake

import (
	"bytes"
	"errors"
	"mime/multipart"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"embargo/internal/validation"
)

func TestSanitizeFilename(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"poc.py":                        "poc.py",
		"../../etc/passwd":              "passwd",
		`C:\Users\x\evil.exe`:           "evil.exe",
		"a\x00b\x1fc\x7f.txt":           "abc.txt",
		"...hidden":                     "hidden",
		"":                              "attachment",
		"/":                             "attachment",
		"..":                            "attachment",
		"\"quoted\";x.html":             "quotedx.html",
		"new\nline.txt":                 "newline.txt",
		"rtl\u202egnp.exe":              "rtlgnp.exe",
		"bad\xffutf8.bin":               "badutf8.bin",
		strings.Repeat("a", 300) + ".c": strings.Repeat("a", MaxFilename-2) + ".c",
	}
	for in, want := range tests {
		if got := SanitizeFilename(in); got != want {
			t.Errorf("SanitizeFilename(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSniffTypeIgnoresClaims(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"<html><script>alert(1)</script>": "text/plain",
		"%PDF-1.7\n":                      "application/pdf",
		"\x89PNG\r\n\x1a\n0000":           "image/png",
		"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>": "text/plain",
		"\x00\x01\x02": "application/octet-stream",
	}
	for in, want := range tests {
		if got := SniffType([]byte(in)); got != want {
			t.Errorf("SniffType(%q) = %q, want %q", in, got, want)
		}
	}
}

// multipartBody builds a multipart body with text fields and files.
func multipartBody(t testing.TB, fields map[string]string, files map[string][]byte) (*bytes.Buffer, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, data := range files {
		fw, err := mw.CreateFormFile("attachment", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return &buf, mw.Boundary()
}

func TestReadMultipartLimits(t *testing.T) {
	t.Parallel()
	t.Run("fields and files", func(t *testing.T) {
		body, b := multipartBody(t, map[string]string{"report": "{}"}, map[string][]byte{"../x.txt": []byte("hi")})
		m, err := ReadMultipart(body, b)
		if err != nil {
			t.Fatal(err)
		}
		if m.Value("report") != "{}" || len(m.Files) != 1 || m.Files[0].Name != "x.txt" {
			t.Errorf("got %+v", m)
		}
	})
	t.Run("too many files", func(t *testing.T) {
		files := map[string][]byte{}
		for i := range MaxFiles + 1 {
			files[string(rune('a'+i))] = []byte("x")
		}
		body, b := multipartBody(t, nil, files)
		var ve *validation.Error
		if _, err := ReadMultipart(body, b); !errors.As(err, &ve) {
			t.Errorf("err = %v, want a validation error", err)
		}
	})
	t.Run("file too large", func(t *testing.T) {
		body, b := multipartBody(t, nil, map[string][]byte{"big": make([]byte, MaxFileBytes+1)})
		var tl *ErrTooLarge
		if _, err := ReadMultipart(body, b); !errors.As(err, &tl) {
			t.Errorf("err = %v, want ErrTooLarge", err)
		}
	})
	t.Run("files together too large", func(t *testing.T) {
		files := map[string][]byte{}
		for i := range 3 {
			files[string(rune('a'+i))] = make([]byte, MaxFileBytes)
		}
		body, b := multipartBody(t, nil, files)
		var tl *ErrTooLarge
		if _, err := ReadMultipart(body, b); !errors.As(err, &tl) {
			t.Errorf("err = %v, want ErrTooLarge", err)
		}
	})
	t.Run("text too large", func(t *testing.T) {
		body, b := multipartBody(t, map[string]string{"description": strings.Repeat("x", MaxFieldBytes+1)}, nil)
		var tl *ErrTooLarge
		if _, err := ReadMultipart(body, b); !errors.As(err, &tl) {
			t.Errorf("err = %v, want ErrTooLarge", err)
		}
	})
}

// FuzzReadMultipart: whatever arrives, reading never panics and never
// returns more than the limits allow; checked files have clean names.
func FuzzReadMultipart(f *testing.F) {
	body, b := multipartBody(f, map[string]string{"report": `{"title":"x"}`}, map[string][]byte{"../../a\x01.txt": []byte("<b>x</b>")})
	f.Add(body.Bytes(), b)
	f.Add([]byte("--x\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"a\"\r\n\r\nabc\r\n--x--\r\n"), "x")
	f.Add([]byte("--x\r\n\r\n--x--"), "x")
	f.Fuzz(func(t *testing.T, data []byte, boundary string) {
		if boundary == "" {
			return
		}
		m, err := ReadMultipart(bytes.NewReader(data), boundary)
		if err != nil {
			return
		}
		if len(m.Files) > MaxFiles {
			t.Fatalf("%d files", len(m.Files))
		}
		var total, text int
		for _, f := range m.Files {
			total += len(f.Data)
			if len(f.Data) > MaxFileBytes {
				t.Fatalf("file of %d bytes", len(f.Data))
			}
		}
		for _, vs := range m.Fields {
			for _, v := range vs {
				text += len(v)
			}
		}
		if total > MaxTotalBytes || text > MaxFieldBytes {
			t.Fatalf("total %d, text %d", total, text)
		}
		checked, err := checkFiles(m.Files)
		if err != nil {
			return
		}
		for _, c := range checked {
			if strings.ContainsAny(c.name, "/\\\"") || !utf8.ValidString(c.name) || c.name == "" {
				t.Fatalf("unsafe name %q", c.name)
			}
			for _, r := range c.name {
				if unicode.IsControl(r) {
					t.Fatalf("control character in %q", c.name)
				}
			}
		}
	})
}
