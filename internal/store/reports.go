// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"context"
	"database/sql"
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
}

const reportColumns = `case_id, reference, product, versions, steps, impact, contact_name, contact_email, reporter_key,
	credit_name, credit_preference, disclosure, already_public, exploited, public_references, contacted_others,
	share_contact, arrived_encrypted, link_hash, link_issued_at, submitted_at, ack_due_at, acknowledged_at, acknowledged_by`

func scanReport(row interface{ Scan(...any) error }) (*Report, error) {
	var r Report
	var public, exploited, share, enc int
	var link sql.NullString
	var ackBy sql.NullInt64
	if err := row.Scan(&r.CaseID, &r.Reference, &r.Product, &r.Versions, &r.Steps, &r.Impact, &r.ContactName,
		&r.ContactEmail, &r.ReporterKey, &r.CreditName, &r.CreditPreference, &r.Disclosure, &public, &exploited,
		&r.PublicReferences, &r.ContactedOthers, &share, &enc, &link, &r.LinkIssuedAt, &r.SubmittedAt, &r.AckDueAt, &r.AcknowledgedAt, &ackBy); err != nil {
		return nil, err
	}
	r.AcknowledgedBy = nullTime(ackBy)
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
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)`,
		r.CaseID, r.Reference, r.Product, r.Versions, r.Steps, r.Impact, r.ContactName, r.ContactEmail, r.ReporterKey,
		r.CreditName, r.CreditPreference, r.Disclosure, b2i(r.AlreadyPublic), b2i(r.Exploited), r.PublicReferences,
		r.ContactedOthers, b2i(r.ShareContact), b2i(r.ArrivedEncrypted), nullableString(r.LinkHash), r.LinkIssuedAt,
		r.SubmittedAt, r.AckDueAt, r.AcknowledgedAt, nullable(r.AcknowledgedBy))
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
