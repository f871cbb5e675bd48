// SPDX-License-Identifier: AGPL-3.0-or-later

package api

import (
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"embargo/internal/intake"
	"embargo/internal/router"
)

// reportCreated is the answer to a report: the reference to quote and the
// private reporter link, which is shown this once.
type reportCreated struct {
	Reference   string `json:"reference"`
	ReporterURL string `json:"reporter_url"`
}

// reportCreate answers POST /projects/{slug}/reports: anyone may report a
// vulnerability, as JSON or as multipart/form-data with a "report" part
// holding the JSON and up to intake.MaxFiles "attachment" parts.
func (a *api) reportCreate(w http.ResponseWriter, r *router.Request) {
	if wait, ok := a.Gate.AllowReport(r.Context(), clientIP(r.Request), r.Project.ID); !ok {
		tooManyRequests(w, wait, "too many reports from this address or to this project; try again later")
		return
	}
	var rep intake.Report
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		if err := a.decodeReportMultipart(w, r, params["boundary"], &rep); err != nil {
			a.fail(w, r, err)
			return
		}
	} else if err := decode(w, r, &rep); err != nil {
		a.fail(w, r, err)
		return
	}
	rep.ClientAddress = clientIP(r.Request)
	// A signed-in sender can follow the report from their account too.
	rep.SubmitterID = r.Actor.UserID
	receipt, err := a.Intake.Submit(r.Context(), r.Project, rep)
	if errors.Is(err, intake.ErrBlocked) {
		writeError(w, http.StatusForbidden, "forbidden", intake.BlockedMessage, "")
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, reportCreated{Reference: receipt.Reference,
		ReporterURL: a.BaseURL + "/r/" + receipt.Token})
}

// decodeReportMultipart reads a multipart report within the intake
// limits: the "report" part is decoded as strictly as a JSON body.
func (a *api) decodeReportMultipart(w http.ResponseWriter, r *router.Request, boundary string, rep *intake.Report) error {
	tooLarge := func(msg string) error {
		return &badRequest{status: http.StatusRequestEntityTooLarge, code: "too_large", message: msg}
	}
	if boundary == "" {
		return &badRequest{status: http.StatusBadRequest, code: "invalid_body", message: "the multipart body has no boundary"}
	}
	if r.ContentLength > intake.MaxRequestBytes {
		return tooLarge(fmt.Sprintf("the request body is larger than %d bytes", intake.MaxRequestBytes))
	}
	form, err := intake.ReadMultipart(http.MaxBytesReader(w, r.Body, intake.MaxRequestBytes), boundary)
	var big *intake.ErrTooLarge
	if errors.As(err, &big) {
		return tooLarge(big.Message)
	}
	if err != nil {
		return err
	}
	for name, vs := range form.Fields {
		if name != "report" || len(vs) != 1 {
			return &badRequest{status: http.StatusBadRequest, code: "invalid_body",
				message: `send exactly one "report" part (the JSON report) and "attachment" file parts`, field: name}
		}
	}
	data := []byte(form.Value("report"))
	if len(data) == 0 {
		return &badRequest{status: http.StatusBadRequest, code: "invalid_body", message: `the "report" part is missing`, field: "report"}
	}
	if !utf8.Valid(data) {
		return invalidJSON("the report part is not valid UTF-8")
	}
	if err := checkShape(data); err != nil {
		return err
	}
	if err := decodeValue(data, rep, ""); err != nil {
		return err
	}
	rep.Attachments = form.Files
	return nil
}

// tooManyRequests answers 429 with Retry-After.
func tooManyRequests(w http.ResponseWriter, wait time.Duration, msg string) {
	w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())))
	writeError(w, http.StatusTooManyRequests, "rate_limited", msg, "")
}

// clientIP is the client address without its port (the app has already
// replaced it with the proxy's view when it trusts one).
func clientIP(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}
