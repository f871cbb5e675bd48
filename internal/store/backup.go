// SPDX-License-Identifier: AGPL-3.0-or-later

package store

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A backup is one gzip-compressed stream of JSON values, one per line:
//
//	{"format":"embargo-backup","version":1,"schema_version":1,"engine":"sqlite","created_at":1767225600000}
//	{"table":"users","columns":["id","email",...]}
//	[1,"a@example.org",...]
//	...one array per row, then the next table...
//	{"end":true,"tables":14,"rows":1234}
//
// Tables come in the order of backupTables, rows in primary-key order.
// Values are JSON null, numbers (64-bit integers, written exactly), strings,
// or, for bytes that are not UTF-8 text, {"type":"blob"|"text","base64":…}.
// The end line lets a restore tell a complete backup from one cut short at
// a line boundary.
const (
	BackupFormat  = "embargo-backup"
	BackupVersion = 1
)

// ErrBadBackup is wrapped by every error about a backup file that is not
// one this binary can restore: not a backup, damaged, truncated, or from
// another schema version.
var ErrBadBackup = errors.New("store: unusable backup")

// ErrNotEmpty is wrapped by Restore's refusal to load into a database that
// already holds data.
var ErrNotEmpty = errors.New("store: the database is not empty")

// restoreMode says how Restore treats rows already in a table.
type restoreMode int

const (
	// restoreInto needs the table empty: any row there is data a restore
	// would silently mix with the backup's.
	restoreInto restoreMode = iota
	// restoreOver replaces the rows the migrations seed (the audit head,
	// the applied schema versions) with the backup's.
	restoreOver
	// restoreDiscard drops rows that only matter on an empty instance: a
	// server started on the new database has already made a first-admin
	// setup link, and that must not block or outlive the restore.
	restoreDiscard
)

// backupTable is one table a backup carries.
type backupTable struct {
	name    string
	orderBy string // a unique key, so the same data always dumps the same way
	mode    restoreMode
}

// backupTables lists every table of the schema in an order that satisfies
// the foreign keys when restoring. A table missing here would be silently
// left out of backups; TestBackupCoversEveryTable fails when one is.
var backupTables = []backupTable{
	{"users", "id", restoreInto},
	{"recovery_codes", "id", restoreInto},
	{"sessions", "id_hash", restoreInto},
	{"api_tokens", "id", restoreInto},
	{"setup_tokens", "token_hash", restoreDiscard},
	{"projects", "id", restoreInto},
	{"project_members", "project_id, user_id", restoreInto},
	{"invitations", "id", restoreInto},
	{"project_keys", "project_id", restoreInto},
	{"instance_keys", "id", restoreInto},
	{"cases", "id", restoreInto},
	{"case_assignees", "case_id, user_id", restoreInto},
	{"case_notes", "id", restoreInto},
	{"case_cvss", "id", restoreInto},
	{"case_cwes", "case_id, cwe_id", restoreInto},
	{"case_triage", "case_id", restoreInto},
	{"case_priority_overrides", "case_id", restoreInto},
	{"case_plans", "case_id", restoreInto},
	{"project_labels", "id", restoreInto},
	{"case_labels", "case_id, label_id", restoreInto},
	{"case_links", "id", restoreInto},
	{"saved_views", "id", restoreInto},
	{"reports", "case_id", restoreInto},
	{"report_messages", "id", restoreInto},
	{"report_attachments", "id", restoreInto},
	{"report_addresses", "case_id", restoreInto},
	{"report_blocks", "id", restoreInto},
	{"outbox", "id", restoreInto},
	{"case_deadlines", "case_id, kind", restoreInto},
	{"case_embargo_extensions", "id", restoreInto},
	{"case_participants", "id", restoreInto},
	{"jobs", "id", restoreInto},
	{"job_schedules", "name", restoreInto},
	{"audit_events", "seq", restoreInto},
	{"audit_head", "id", restoreOver},
	{"schema_version", "version", restoreOver},
}

// derivedTables are the tables a backup leaves out because they hold
// only what can be computed from the others: the full-text index (on
// SQLite an FTS5 table and its shadow tables), which its triggers rebuild
// as a restore inserts the rows it is computed from, on either engine,
// and the metrics' kept months, which the next view computes again.
var derivedTables = map[Engine][]string{
	SQLite:   {"case_search", "case_search_config", "case_search_data", "case_search_docsize", "case_search_idx", "metric_months"},
	Postgres: {"case_search", "metric_months"},
}

// DerivedTables returns the names of the tables of engine e's schema that
// backups leave out (see derivedTables).
func DerivedTables(e Engine) []string {
	return slices.Clone(derivedTables[e])
}

// ephemeralTables are the tables a backup leaves out because what they
// hold matters only for a short while: the rate-limit counters, which
// count attempts within the current hour.
var ephemeralTables = []string{"rate_counters"}

// EphemeralTables returns the names of the tables backups leave out
// because their rows are short-lived (see ephemeralTables).
func EphemeralTables() []string {
	return slices.Clone(ephemeralTables)
}

// BackupTables returns the names of the tables a backup holds, in the order
// it holds them.
func BackupTables() []string {
	names := make([]string, len(backupTables))
	for i, t := range backupTables {
		names[i] = t.name
	}
	return names
}

// BackupInfo describes a backup: what its header says and how much it holds.
type BackupInfo struct {
	SchemaVersion int
	Engine        Engine // the engine the backup was taken from
	CreatedAt     int64  // UTC Unix milliseconds
	Tables        int
	Rows          int64
}

type backupHeader struct {
	Format        string `json:"format"`
	Version       int    `json:"version"`
	SchemaVersion int    `json:"schema_version"`
	Engine        Engine `json:"engine"`
	CreatedAt     int64  `json:"created_at"`
}

type backupTableLine struct {
	Table   string   `json:"table"`
	Columns []string `json:"columns"`
}

type backupEndLine struct {
	End    bool  `json:"end"`
	Tables int   `json:"tables"`
	Rows   int64 `json:"rows"`
}

// backupMarker is any object line after the header: a table line or the
// end line.
type backupMarker struct {
	Table   string   `json:"table"`
	Columns []string `json:"columns"`
	End     bool     `json:"end"`
	Tables  int      `json:"tables"`
	Rows    int64    `json:"rows"`
}

// encodedBytes carries a value JSON strings cannot hold exactly: encoding/json
// would replace invalid UTF-8 with U+FFFD, changing the data (and breaking
// the audit chain if it were part of an event).
type encodedBytes struct {
	Type   string `json:"type"` // "blob" for a BLOB/bytea, "text" for a non-UTF-8 TEXT value
	Base64 string `json:"base64"`
}

// Backup writes a consistent snapshot of every table to w in the backup
// format (see BackupFormat). Everything is read in one read transaction, a
// snapshot on both engines, so it can run while a server writes. now (UTC
// Unix milliseconds) is recorded in the header. The database must be at
// this binary's schema version.
func (s *Store) Backup(ctx context.Context, w io.Writer, now int64) (*BackupInfo, error) {
	zw := gzip.NewWriter(w)
	bw := bufio.NewWriterSize(zw, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	info := &BackupInfo{Engine: s.engine, CreatedAt: now}
	err := s.Read(ctx, func(tx *Tx) error {
		v, err := tx.currentSchemaVersion(ctx)
		if err != nil {
			return err
		}
		if latest := s.LatestSchemaVersion(); v != latest {
			return fmt.Errorf("store: the database is at schema version %d but this binary knows %d; run embargo migrate with the matching version first", v, latest)
		}
		info.SchemaVersion = v
		hdr := backupHeader{Format: BackupFormat, Version: BackupVersion, SchemaVersion: v, Engine: s.engine, CreatedAt: now}
		if err := enc.Encode(hdr); err != nil {
			return fmt.Errorf("store: unable to write backup: %w", err)
		}
		for _, bt := range backupTables {
			n, err := tx.dumpTable(ctx, bt, enc)
			if err != nil {
				return err
			}
			info.Tables++
			info.Rows += n
		}
		if err := enc.Encode(backupEndLine{End: true, Tables: info.Tables, Rows: info.Rows}); err != nil {
			return fmt.Errorf("store: unable to write backup: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("store: unable to write backup: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("store: unable to write backup: %w", err)
	}
	return info, nil
}

// dumpTable writes one table's line and its rows and returns the row count.
func (t *Tx) dumpTable(ctx context.Context, bt backupTable, enc *json.Encoder) (int64, error) {
	rows, err := t.query(ctx, `SELECT * FROM `+quoteIdent(bt.name)+` ORDER BY `+bt.orderBy)
	if err != nil {
		return 0, fmt.Errorf("store: unable to back up %s: %w", bt.name, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, fmt.Errorf("store: unable to back up %s: %w", bt.name, err)
	}
	if err := enc.Encode(backupTableLine{Table: bt.name, Columns: cols}); err != nil {
		return 0, fmt.Errorf("store: unable to write backup: %w", err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, fmt.Errorf("store: unable to back up %s: %w", bt.name, err)
		}
		for i, v := range vals {
			if vals[i], err = backupValue(v); err != nil {
				return n, fmt.Errorf("store: unable to back up %s.%s: %w", bt.name, cols[i], err)
			}
		}
		if err := enc.Encode(vals); err != nil {
			return n, fmt.Errorf("store: unable to write backup: %w", err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("store: unable to back up %s: %w", bt.name, err)
	}
	return n, nil
}

// backupValue turns what a driver scanned into a JSON value that decodes
// back to the same column value on either engine.
func backupValue(v any) (any, error) {
	switch x := v.(type) {
	case nil, int64, bool, float64:
		return x, nil
	case int32:
		return int64(x), nil // PostgreSQL INTEGER columns, e.g. audit_head.id
	case int:
		return int64(x), nil
	case string:
		if !utf8.ValidString(x) {
			return encodedBytes{Type: "text", Base64: base64.StdEncoding.EncodeToString([]byte(x))}, nil
		}
		return x, nil
	case []byte:
		return encodedBytes{Type: "blob", Base64: base64.StdEncoding.EncodeToString(x)}, nil
	default:
		// Refusing beats writing a backup that restores something else.
		return nil, fmt.Errorf("unsupported column type %T", v)
	}
}

// restoreValue is backupValue's inverse for a value decoded with UseNumber.
func restoreValue(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool:
		return x, nil
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i, nil
		}
		f, err := x.Float64()
		if err != nil {
			return nil, fmt.Errorf("bad number %s", x)
		}
		return f, nil
	case map[string]any:
		typ, _ := x["type"].(string)
		b64, _ := x["base64"].(string)
		if len(x) != 2 || (typ != "blob" && typ != "text") {
			return nil, fmt.Errorf("unknown encoded value %v", x)
		}
		b, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return nil, fmt.Errorf("bad base64 value: %w", err)
		}
		if typ == "text" {
			return string(b), nil
		}
		return b, nil
	default:
		return nil, fmt.Errorf("unexpected value %v", v)
	}
}

// Restore loads a backup made by Backup, on either engine, into this
// database in one transaction. The database must be migrated to this
// binary's schema version and hold no data (ErrNotEmpty otherwise); the
// backup must be of the same schema version and intact (ErrBadBackup
// otherwise). On any error nothing is changed. On PostgreSQL the identity
// sequences are moved past the restored IDs, so new rows get fresh ones.
func (s *Store) Restore(ctx context.Context, r io.Reader) (*BackupInfo, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: not a gzip-compressed Embargo backup (%v)", ErrBadBackup, err)
	}
	dec := json.NewDecoder(bufio.NewReaderSize(zr, 64<<10))
	dec.UseNumber()
	var hdr backupHeader
	if err := decodeStrict(dec, &hdr); err != nil || hdr.Format != BackupFormat {
		return nil, fmt.Errorf("%w: the file does not start with an Embargo backup header", ErrBadBackup)
	}
	if hdr.Version != BackupVersion {
		return nil, fmt.Errorf("%w: backup format version %d, this binary reads version %d", ErrBadBackup, hdr.Version, BackupVersion)
	}
	if latest := s.LatestSchemaVersion(); hdr.SchemaVersion != latest {
		return nil, fmt.Errorf("%w: the backup is of schema version %d but this binary's is %d; restore it with the Embargo version that made it",
			ErrBadBackup, hdr.SchemaVersion, latest)
	}
	info := &BackupInfo{SchemaVersion: hdr.SchemaVersion, Engine: hdr.Engine, CreatedAt: hdr.CreatedAt}
	err = s.Write(ctx, func(tx *Tx) error {
		v, err := tx.currentSchemaVersion(ctx)
		if err != nil {
			return err
		}
		if v != hdr.SchemaVersion {
			return fmt.Errorf("store: the database is at schema version %d, the backup at %d; run embargo migrate first", v, hdr.SchemaVersion)
		}
		if err := tx.checkEmpty(ctx); err != nil {
			return err
		}
		if err := tx.loadTables(ctx, dec, info); err != nil {
			return err
		}
		return tx.resetIdentities(ctx)
	})
	if err != nil {
		return nil, err
	}
	return info, nil
}

// decodeStrict decodes the next value into v, refusing unknown fields so a
// line of the wrong kind is not mistaken for another.
func decodeStrict(dec *json.Decoder, v any) error {
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	return unmarshalStrict(raw, v)
}

func unmarshalStrict(raw []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

// checkEmpty refuses a database that holds data, naming what it holds, and
// clears the rows restoreDiscard tables may hold.
func (t *Tx) checkEmpty(ctx context.Context) error {
	var held []string
	for _, bt := range backupTables {
		if bt.mode != restoreInto {
			continue
		}
		var n int64
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM `+quoteIdent(bt.name)).Scan(&n); err != nil {
			return fmt.Errorf("store: unable to count %s: %w", bt.name, err)
		}
		if n > 0 {
			held = append(held, fmt.Sprintf("%s: %d", bt.name, n))
		}
	}
	if len(held) > 0 {
		return fmt.Errorf("%w (%s); restore only into a new database: point --data or --database at an empty one", ErrNotEmpty, strings.Join(held, ", "))
	}
	for _, bt := range backupTables {
		if bt.mode == restoreInto {
			continue
		}
		if _, err := t.exec(ctx, `DELETE FROM `+quoteIdent(bt.name)); err != nil {
			return fmt.Errorf("store: unable to clear %s: %w", bt.name, err)
		}
	}
	return nil
}

// loadTables reads every line after the header and inserts the rows.
func (t *Tx) loadTables(ctx context.Context, dec *json.Decoder, info *BackupInfo) error {
	next := 0 // index in backupTables of the table line expected next
	var cur *tableLoader
	defer func() {
		if cur != nil {
			cur.stmt.Close()
		}
	}()
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if errors.Is(err, io.EOF) {
				return fmt.Errorf("%w: the file ends before its end line; it is truncated", ErrBadBackup)
			}
			return fmt.Errorf("%w: the file is damaged or truncated after %d rows (%v)", ErrBadBackup, info.Rows, err)
		}
		if len(raw) > 0 && raw[0] == '[' {
			if cur == nil {
				return fmt.Errorf("%w: a row comes before any table line", ErrBadBackup)
			}
			if err := cur.insert(ctx, raw); err != nil {
				return err
			}
			info.Rows++
			continue
		}
		var m backupMarker
		if err := unmarshalStrict(raw, &m); err != nil {
			return fmt.Errorf("%w: unexpected line after %d rows: %v", ErrBadBackup, info.Rows, err)
		}
		if cur != nil {
			cur.stmt.Close()
			cur = nil
		}
		if m.End {
			if next != len(backupTables) {
				return fmt.Errorf("%w: the backup ends without table %s", ErrBadBackup, backupTables[next].name)
			}
			if m.Tables != info.Tables || m.Rows != info.Rows {
				return fmt.Errorf("%w: the end line counts %d tables and %d rows, the file holds %d and %d",
					ErrBadBackup, m.Tables, m.Rows, info.Tables, info.Rows)
			}
			break
		}
		if next >= len(backupTables) || m.Table != backupTables[next].name {
			want := "the end line"
			if next < len(backupTables) {
				want = "table " + backupTables[next].name
			}
			return fmt.Errorf("%w: found table %q where %s was expected", ErrBadBackup, m.Table, want)
		}
		var err error
		if cur, err = t.newTableLoader(ctx, backupTables[next], m.Columns); err != nil {
			return err
		}
		next++
		info.Tables++
	}
	// Reading on to the end also makes gzip check its CRC, which catches
	// damage past the last line.
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err == nil {
			return fmt.Errorf("%w: data follows the end line", ErrBadBackup)
		}
		return fmt.Errorf("%w: the file is damaged (%v)", ErrBadBackup, err)
	}
	return nil
}

// tableLoader inserts the rows of one table.
type tableLoader struct {
	table   string
	columns []string
	stmt    *sql.Stmt
	row     int64
}

func (t *Tx) newTableLoader(ctx context.Context, bt backupTable, columns []string) (*tableLoader, error) {
	have, err := t.columns(ctx, bt.name)
	if err != nil {
		return nil, err
	}
	if a, b := slices.Sorted(slices.Values(columns)), slices.Sorted(slices.Values(have)); !slices.Equal(a, b) {
		return nil, fmt.Errorf("%w: table %s has columns %v in the backup but %v in the database", ErrBadBackup, bt.name, columns, have)
	}
	quoted := make([]string, len(columns))
	params := make([]string, len(columns))
	for i, c := range columns {
		quoted[i] = quoteIdent(c) // checked against the database's own columns above
		params[i] = "$" + strconv.Itoa(i+1)
	}
	stmt, err := t.q.PrepareContext(ctx, `INSERT INTO `+quoteIdent(bt.name)+` (`+strings.Join(quoted, ", ")+`) VALUES (`+strings.Join(params, ", ")+`)`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to restore %s: %w", bt.name, err)
	}
	return &tableLoader{table: bt.name, columns: columns, stmt: stmt}, nil
}

func (l *tableLoader) insert(ctx context.Context, raw []byte) error {
	l.row++
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var vals []any
	if err := d.Decode(&vals); err != nil {
		return fmt.Errorf("%w: table %s row %d: %v", ErrBadBackup, l.table, l.row, err)
	}
	if len(vals) != len(l.columns) {
		return fmt.Errorf("%w: table %s row %d has %d values for %d columns", ErrBadBackup, l.table, l.row, len(vals), len(l.columns))
	}
	for i, v := range vals {
		var err error
		if vals[i], err = restoreValue(v); err != nil {
			return fmt.Errorf("%w: table %s row %d column %s: %v", ErrBadBackup, l.table, l.row, l.columns[i], err)
		}
	}
	if _, err := l.stmt.ExecContext(ctx, vals...); err != nil {
		return fmt.Errorf("store: unable to restore %s row %d: %w", l.table, l.row, err)
	}
	return nil
}

// columns returns a table's column names in definition order.
func (t *Tx) columns(ctx context.Context, table string) ([]string, error) {
	rows, err := t.query(ctx, `SELECT * FROM `+quoteIdent(table)+` WHERE 1 = 0`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the columns of %s: %w", table, err)
	}
	defer rows.Close()
	return rows.Columns()
}

// resetIdentities moves every PostgreSQL identity sequence past the largest
// restored ID; the rows came with explicit IDs, which do not advance it.
// SQLite's INTEGER PRIMARY KEY needs nothing: it continues from MAX(id).
func (t *Tx) resetIdentities(ctx context.Context) error {
	if t.engine != Postgres {
		return nil
	}
	rows, err := t.query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name`)
	if err != nil {
		return fmt.Errorf("store: unable to list identity columns: %w", err)
	}
	type ident struct{ table, column string }
	var idents []ident
	for rows.Next() {
		var id ident
		if err := rows.Scan(&id.table, &id.column); err != nil {
			rows.Close()
			return fmt.Errorf("store: unable to list identity columns: %w", err)
		}
		idents = append(idents, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: unable to list identity columns: %w", err)
	}
	for _, id := range idents {
		_, err := t.exec(ctx, `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(`+quoteIdent(id.column)+`), 0) + 1, false) FROM `+quoteIdent(id.table),
			quoteIdent(id.table), id.column)
		if err != nil {
			return fmt.Errorf("store: unable to reset the id sequence of %s: %w", id.table, err)
		}
	}
	return nil
}

// currentSchemaVersion reads the applied schema version without creating
// anything, so it works in read-only transactions on both engines.
func (t *Tx) currentSchemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := t.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: unable to read schema version: %w", err)
	}
	return v, nil
}

// Tables returns the names of the database's tables, sorted: on PostgreSQL
// those of the current schema, on SQLite all but SQLite's own.
func (t *Tx) Tables(ctx context.Context) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`
	if t.engine == Postgres {
		q = `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	rows, err := t.query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("store: unable to list tables: %w", err)
		}
		out = append(out, name)
	}
	return out, rows.Err()
}

// quoteIdent quotes a table or column name for either engine.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
