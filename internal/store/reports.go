// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Report is what a reporter sent with a case beyond its title and
// description, and the state of the private reporter link.
type Report struct {
	CaseID           int64
	Reference        string
	Product          string
	Versions         string
	Steps            string
	Impact           string
	ContactName      string
	ContactEmail     string
	ReporterKey      string // armored OpenPGP public key, or ""
	CreditName       string
	CreditPreference string // "name", "anonymous" or "none"
	Disclosure       string
	AlreadyPublic    bool
	Exploited        bool
	PublicReferences string
	ContactedOthers  string
	ShareContact     bool
	ArrivedEncrypted bool
	// LinkHash is the hash of the reporter link's token; "" when revoked.
	LinkHash     string
	LinkIssuedAt int64
	SubmittedAt  int64
	// AckDueAt is when the project promised to acknowledge the report,
	// computed from its policy on arrival; 0 for reports older than that.
	AckDueAt int64
	// AcknowledgedAt is when the report was acknowledged (0: not yet), and
	// AcknowledgedBy by whom (0: automatically, or a since-deleted user).
	AcknowledgedAt int64
	AcknowledgedBy int64
	// SubmitterID is the signed-in user who sent the report (0: sent by
	// someone not signed in, or by a since-deleted user). That user may
	// follow the report from their account as its reporter.
	SubmitterID int64
}

const reportColumns = `case_id, reference, product, versions, steps, impact, contact_name, contact_email, reporter_key,
	credit_name, credit_preference, disclosure, already_public, exploited, public_references, contacted_others,
	share_contact, arrived_encrypted, link_hash, link_issued_at, submitted_at, ack_due_at, acknowledged_at, acknowledged_by,
	submitter_id`

func scanReport(row interface{ Scan(...any) error }) (*Report, error) {
	var r Report
	var public, exploited, share, enc int
	var link sql.NullString
	var ackBy, submitter sql.NullInt64
	if err := row.Scan(&r.CaseID, &r.Reference, &r.Product, &r.Versions, &r.Steps, &r.Impact, &r.ContactName,
		&r.ContactEmail, &r.ReporterKey, &r.CreditName, &r.CreditPreference, &r.Disclosure, &public, &exploited,
		&r.PublicReferences, &r.ContactedOthers, &share, &enc, &link, &r.LinkIssuedAt, &r.SubmittedAt, &r.AckDueAt, &r.AcknowledgedAt, &ackBy,
		&submitter); err != nil {
		return nil, err
	}
	r.AcknowledgedBy, r.SubmitterID = nullTime(ackBy), nullTime(submitter)
	r.AlreadyPublic, r.Exploited, r.ShareContact, r.ArrivedEncrypted = public != 0, exploited != 0, share != 0, enc != 0
	r.LinkHash = link.String
	return &r, nil
}

func nullableString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateReport inserts r for its (already created) case.
func (t *Tx) CreateReport(ctx context.Context, r *Report) error {
	_, err := t.exec(ctx, `INSERT INTO reports (`+reportColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)`,
		r.CaseID, r.Reference, r.Product, r.Versions, r.Steps, r.Impact, r.ContactName, r.ContactEmail, r.ReporterKey,
		r.CreditName, r.CreditPreference, r.Disclosure, b2i(r.AlreadyPublic), b2i(r.Exploited), r.PublicReferences,
		r.ContactedOthers, b2i(r.ShareContact), b2i(r.ArrivedEncrypted), nullableString(r.LinkHash), r.LinkIssuedAt,
		r.SubmittedAt, r.AckDueAt, r.AcknowledgedAt, nullable(r.AcknowledgedBy), nullable(r.SubmitterID))
	if isUniqueViolation(err) {
		return ErrConflict
	}
	if err != nil {
		return fmt.Errorf("store: unable to create report: %w", err)
	}
	return nil
}

// ReportByCase returns the report of a case, or ErrNotFound when the case
// did not come from a report. On PostgreSQL the row is locked when
// forUpdate is set (only inside Store.Write), so concurrent changes to the
// link or credit serialise.
func (t *Tx) ReportByCase(ctx context.Context, caseID int64, forUpdate bool) (*Report, error) {
	q := `SELECT ` + reportColumns + ` FROM reports WHERE case_id = $1`
	if forUpdate {
		q += t.forUpdate()
	}
	r, err := scanReport(t.queryRow(ctx, q, caseID))
	if err != nil {
		return nil, notFound(err, "report")
	}
	return r, nil
}

// CaseByReporterLink returns the case whose live reporter link has the
// hash linkHash, or ErrNotFound (also for a revoked link).
func (t *Tx) CaseByReporterLink(ctx context.Context, linkHash string) (*Case, error) {
	c, err := scanCase(t.queryRow(ctx, `SELECT `+caseColumns+` FROM cases c JOIN projects p ON p.id = c.project_id
		JOIN reports r ON r.case_id = c.id WHERE r.link_hash = $1`, linkHash))
	if err != nil {
		return nil, notFound(err, "case")
	}
	return c, nil
}

// SetReporterLink replaces a report's link hash ("" revokes the link).
func (t *Tx) SetReporterLink(ctx context.Context, caseID int64, linkHash string, issuedAt int64) error {
	res, err := t.exec(ctx, `UPDATE reports SET link_hash = $2, link_issued_at = $3 WHERE case_id = $1`,
		caseID, nullableString(linkHash), issuedAt)
	if err != nil {
		return fmt.Errorf("store: unable to update reporter link: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// SetReportAcknowledged records that a case's report was acknowledged at
// by user by (0: automatically).
func (t *Tx) SetReportAcknowledged(ctx context.Context, caseID, at, by int64) error {
	res, err := t.exec(ctx, `UPDATE reports SET acknowledged_at = $2, acknowledged_by = $3 WHERE case_id = $1`,
		caseID, at, nullable(by))
	if err != nil {
		return fmt.Errorf("store: unable to record acknowledgement: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// SetReportCredit changes how the reporter wants to be credited.
func (t *Tx) SetReportCredit(ctx context.Context, caseID int64, name, preference string) error {
	res, err := t.exec(ctx, `UPDATE reports SET credit_name = $2, credit_preference = $3 WHERE case_id = $1`,
		caseID, name, preference)
	if err != nil {
		return fmt.Errorf("store: unable to update credit: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ReportMessage is one message of the thread between reporter and team.
type ReportMessage struct {
	ID           int64
	CaseID       int64
	FromReporter bool
	AuthorID     int64 // the team member who wrote it; 0 for the reporter
	AuthorName   string
	Body         string
	CreatedAt    int64
}

// CreateReportMessage inserts m and sets its ID.
func (t *Tx) CreateReportMessage(ctx context.Context, m *ReportMessage) error {
	err := t.queryRow(ctx, `INSERT INTO report_messages (case_id, from_reporter, author_id, author_name, body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		m.CaseID, b2i(m.FromReporter), nullable(m.AuthorID), m.AuthorName, m.Body, m.CreatedAt).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("store: unable to create message: %w", err)
	}
	return nil
}

// ListReportMessages returns a case's reporter thread, oldest first.
func (t *Tx) ListReportMessages(ctx context.Context, caseID int64) ([]*ReportMessage, error) {
	rows, err := t.query(ctx, `SELECT id, case_id, from_reporter, author_id, author_name, body, created_at
		FROM report_messages WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list messages: %w", err)
	}
	defer rows.Close()
	var out []*ReportMessage
	for rows.Next() {
		var m ReportMessage
		var from int
		var author sql.NullInt64
		if err := rows.Scan(&m.ID, &m.CaseID, &from, &author, &m.AuthorName, &m.Body, &m.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: unable to list messages: %w", err)
		}
		m.FromReporter, m.AuthorID = from != 0, nullTime(author)
		out = append(out, &m)
	}
	return out, rows.Err()
}

// ReportAttachment is a file sent with a report or a thread message.
// Data is only loaded by ReportAttachmentData.
type ReportAttachment struct {
	ID          int64
	CaseID      int64
	MessageID   int64 // 0 for files sent with the report itself
	Filename    string
	ContentType string
	Size        int64
	SHA256      string
	Data        []byte
	CreatedAt   int64
}

// CreateReportAttachment inserts a (with Data) and sets its ID.
func (t *Tx) CreateReportAttachment(ctx context.Context, a *ReportAttachment) error {
	err := t.queryRow(ctx, `INSERT INTO report_attachments (case_id, message_id, filename, content_type, size, sha256, data, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		a.CaseID, nullable(a.MessageID), a.Filename, a.ContentType, a.Size, a.SHA256, a.Data, a.CreatedAt).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("store: unable to create attachment: %w", err)
	}
	return nil
}

// ListReportAttachments returns a case's attachments without their bytes,
// oldest first.
func (t *Tx) ListReportAttachments(ctx context.Context, caseID int64) ([]*ReportAttachment, error) {
	rows, err := t.query(ctx, `SELECT id, case_id, message_id, filename, content_type, size, sha256, created_at
		FROM report_attachments WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list attachments: %w", err)
	}
	defer rows.Close()
	var out []*ReportAttachment
	for rows.Next() {
		var a ReportAttachment
		var msg sql.NullInt64
		if err := rows.Scan(&a.ID, &a.CaseID, &msg, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &a.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: unable to list attachments: %w", err)
		}
		a.MessageID = nullTime(msg)
		out = append(out, &a)
	}
	return out, rows.Err()
}

// ReportAttachmentData returns attachment id of case caseID with its
// bytes, or ErrNotFound (also when it belongs to another case).
func (t *Tx) ReportAttachmentData(ctx context.Context, caseID, id int64) (*ReportAttachment, error) {
	var a ReportAttachment
	var msg sql.NullInt64
	err := t.queryRow(ctx, `SELECT id, case_id, message_id, filename, content_type, size, sha256, data, created_at
		FROM report_attachments WHERE case_id = $1 AND id = $2`, caseID, id).Scan(
		&a.ID, &a.CaseID, &msg, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &a.Data, &a.CreatedAt)
	if err != nil {
		return nil, notFound(err, "attachment")
	}
	a.MessageID = nullTime(msg)
	return &a, nil
}

// ReportSubmitter returns the user who sent case caseID's report, 0 when
// the case did not come from a report or its sender was not signed in.
func (t *Tx) ReportSubmitter(ctx context.Context, caseID int64) (int64, error) {
	var id sql.NullInt64
	err := t.queryRow(ctx, `SELECT submitter_id FROM reports WHERE case_id = $1`, caseID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: unable to load report submitter: %w", err)
	}
	return nullTime(id), nil
}

// SubmittedReport is one line of a user's own list of reports.
type SubmittedReport struct {
	Case        *Case
	ProjectName string
	Reference   string
	SubmittedAt int64
	// LastActivityAt is the later of the case's last change and the
	// thread's last message.
	LastActivityAt int64
}

// ListSubmittedReports returns one page of the reports user userID sent
// while signed in, newest first, and whether more follow. limit is
// clamped to 1…200 (default 50).
func (t *Tx) ListSubmittedReports(ctx context.Context, userID int64, limit, offset int) ([]*SubmittedReport, bool, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := t.query(ctx, `SELECT `+caseColumns+`, p.name, r.reference, r.submitted_at,
		COALESCE((SELECT MAX(m.created_at) FROM report_messages m WHERE m.case_id = c.id), 0)
		FROM reports r JOIN cases c ON c.id = r.case_id JOIN projects p ON p.id = c.project_id
		WHERE r.submitter_id = $1 ORDER BY r.submitted_at DESC, r.case_id DESC LIMIT $2 OFFSET $3`,
		userID, limit+1, max(offset, 0))
	if err != nil {
		return nil, false, fmt.Errorf("store: unable to list submitted reports: %w", err)
	}
	defer rows.Close()
	var out []*SubmittedReport
	for rows.Next() {
		var sr SubmittedReport
		var lastMessage int64
		c, err := scanCase(scanFunc(func(dest ...any) error {
			return rows.Scan(append(dest, &sr.ProjectName, &sr.Reference, &sr.SubmittedAt, &lastMessage)...)
		}))
		if err != nil {
			return nil, false, fmt.Errorf("store: unable to list submitted reports: %w", err)
		}
		sr.Case, sr.LastActivityAt = c, max(c.UpdatedAt, lastMessage)
		out = append(out, &sr)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("store: unable to list submitted reports: %w", err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// scanFunc lets a row scan that reads extra columns after a shared set
// reuse that set's scan function.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }
