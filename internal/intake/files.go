// SPDX-License-Identifier: AGPL-3.0-or-later

package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"embargo/internal/store"
	"embargo/internal/validation"
)

// Attachment limits, shown on the form.
const (
	MaxFileBytes  = 10 << 20 // per file
	MaxFiles      = 5        // per report or message
	MaxTotalBytes = 25 << 20 // all files of one report or message
	MaxFilename   = 200
	// MaxFieldBytes bounds all the text fields of one multipart post
	// together (the description alone may be 64 Ki characters, and an
	// encrypted one up to 512 KiB).
	MaxFieldBytes = 1 << 20
	// MaxRequestBytes bounds a whole report post: files, fields and the
	// multipart framing.
	MaxRequestBytes = MaxTotalBytes + MaxFieldBytes + 64<<10
	// maxParts bounds the number of parts, files or not, of one post.
	maxParts = 64
)

// File is an attachment as received: its name as the sender gave it and
// its bytes.
type File struct {
	Name string
	Data []byte
}

// checkedFile is a File ready to store.
type checkedFile struct {
	name, contentType, sum string
	data                   []byte
}

// ErrTooLarge means a post exceeded MaxRequestBytes or a file limit while
// being read; the message says which.
type ErrTooLarge struct{ Message string }

func (e *ErrTooLarge) Error() string { return e.Message }

// checkFiles enforces the attachment limits and cleans names and types.
func checkFiles(files []File) ([]checkedFile, error) {
	if len(files) > MaxFiles {
		return nil, validation.Errorf("attachment", "at most %d files", MaxFiles)
	}
	var total int
	out := make([]checkedFile, 0, len(files))
	for _, f := range files {
		// A file name is read as a name: "invoice\u202Efdp.exe" must not
		// pass for "invoiceexe.pdf". Refused, not cleaned, so that the
		// sender sees why and nobody reads a name the sender did not give.
		// Control characters, which no file system shows as anything, are
		// still just dropped by SanitizeFilename.
		name := strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return -1
			}
			return r
		}, f.Name)
		if r, at := validation.FindDeceptive(name); at >= 0 {
			shown, _ := validation.RevealDeceptive(name)
			return nil, validation.Errorf("attachment", "the file name %q must not contain %s; rename the file and attach it again",
				SanitizeFilename(shown), validation.DescribeDeceptive(r))
		}
		if len(f.Data) > MaxFileBytes {
			return nil, validation.Errorf("attachment", "%s is larger than %d MiB", SanitizeFilename(f.Name), MaxFileBytes>>20)
		}
		if len(f.Data) == 0 {
			return nil, validation.Errorf("attachment", "%s is empty", SanitizeFilename(f.Name))
		}
		total += len(f.Data)
		if total > MaxTotalBytes {
			return nil, validation.Errorf("attachment", "the files together are larger than %d MiB", MaxTotalBytes>>20)
		}
		sum := sha256.Sum256(f.Data)
		out = append(out, checkedFile{name: SanitizeFilename(f.Name), contentType: SniffType(f.Data),
			sum: hex.EncodeToString(sum[:]), data: f.Data})
	}
	return out, nil
}

// storeFiles writes checked files for a case (and message, when not 0).
func storeFiles(ctx context.Context, tx *store.Tx, caseID, messageID int64, files []checkedFile, now int64) error {
	for _, f := range files {
		a := &store.ReportAttachment{CaseID: caseID, MessageID: messageID, Filename: f.name, ContentType: f.contentType,
			Size: int64(len(f.data)), SHA256: f.sum, Data: f.data, CreatedAt: now}
		if err := tx.CreateReportAttachment(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// SanitizeFilename makes a sender's file name safe to show and to offer
// as a download name. It is never used as a path: directories (either
// slash), control and format characters, quotes and leading dots are
// removed, and the result is at most MaxFilename characters; an empty
// result becomes "attachment".
func SanitizeFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base("/" + name)
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), r == '"', r == '/', r == ':', r == '<', r == '>',
			r == '|', r == '*', r == '?', r == ';':
			continue
		case unicode.IsSpace(r):
			b.WriteRune(' ')
		default:
			b.WriteRune(r)
		}
	}
	out := strings.TrimLeft(strings.TrimSpace(b.String()), ".")
	out = strings.TrimSpace(out)
	if utf8.RuneCountInString(out) > MaxFilename {
		runes := []rune(out)
		out = string(runes[len(runes)-MaxFilename:])
	}
	if out == "" {
		return "attachment"
	}
	return out
}

// SniffType returns the content type of data by its bytes, never by what
// the sender declared. Types a browser would render or run are reported
// as their harmless equivalent; downloads are forced anyway.
func SniffType(data []byte) string {
	ct := http.DetectContentType(data)
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "application/octet-stream"
	}
	switch {
	case strings.HasPrefix(mt, "text/"):
		return "text/plain"
	case mt == "application/pdf", mt == "application/zip", mt == "application/x-gzip",
		mt == "image/png", mt == "image/jpeg", mt == "image/gif", mt == "image/webp":
		return mt
	default:
		return "application/octet-stream"
	}
}

// Multipart is a multipart/form-data post read within the limits: its
// text fields and its files (parts named "attachment").
type Multipart struct {
	Fields map[string][]string
	Files  []File
}

// Value returns the first value of a text field, or "".
func (m *Multipart) Value(name string) string {
	if v := m.Fields[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// ReadMultipart reads a multipart/form-data body with the given boundary.
// Parts named "attachment" are files (an empty one, which browsers send
// when no file is chosen, is skipped); every other part is a text field.
// It enforces MaxFiles, MaxFileBytes, MaxTotalBytes and MaxFieldBytes
// while reading, so a hostile post costs at most those amounts of memory,
// and returns an *ErrTooLarge or a *validation.Error.
func ReadMultipart(body io.Reader, boundary string) (*Multipart, error) {
	mr := multipart.NewReader(body, boundary)
	out := &Multipart{Fields: map[string][]string{}}
	var fieldBytes, fileBytes, parts int
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, tooLargeOr(err, validation.Errorf("", "the form could not be read"))
		}
		parts++
		if parts > maxParts {
			return nil, validation.Errorf("", "the form has too many parts")
		}
		name := p.FormName()
		if name == "attachment" {
			data, err := io.ReadAll(io.LimitReader(p, MaxFileBytes+1))
			if err != nil {
				return nil, tooLargeOr(err, validation.Errorf("attachment", "a file could not be read"))
			}
			if len(data) == 0 {
				continue // a file input left empty
			}
			if len(out.Files) >= MaxFiles {
				return nil, validation.Errorf("attachment", "at most %d files", MaxFiles)
			}
			if len(data) > MaxFileBytes {
				return nil, &ErrTooLarge{Message: fmt.Sprintf("a file is larger than %d MiB", MaxFileBytes>>20)}
			}
			fileBytes += len(data)
			if fileBytes > MaxTotalBytes {
				return nil, &ErrTooLarge{Message: fmt.Sprintf("the files together are larger than %d MiB", MaxTotalBytes>>20)}
			}
			out.Files = append(out.Files, File{Name: p.FileName(), Data: data})
			continue
		}
		if name == "" || len(name) > 100 {
			return nil, validation.Errorf("", "the form has a part without a usable name")
		}
		data, err := io.ReadAll(io.LimitReader(p, int64(MaxFieldBytes-fieldBytes+1)))
		if err != nil {
			return nil, tooLargeOr(err, validation.Errorf(name, "could not be read"))
		}
		fieldBytes += len(data)
		if fieldBytes > MaxFieldBytes {
			return nil, &ErrTooLarge{Message: fmt.Sprintf("the text of the form is larger than %d MiB", MaxFieldBytes>>20)}
		}
		if len(out.Fields) >= maxParts {
			return nil, validation.Errorf("", "the form has too many fields")
		}
		out.Fields[name] = append(out.Fields[name], string(data))
	}
}

// tooLargeOr maps an http.MaxBytesReader overrun to *ErrTooLarge and any
// other read error to other.
func tooLargeOr(err, other error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &ErrTooLarge{Message: fmt.Sprintf("the request is larger than %d MiB", MaxRequestBytes>>20)}
	}
	return other
}
