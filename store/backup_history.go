package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// BackupRecord is one snapshot attempt, as a row of backup_history.
type BackupRecord struct {
	At       time.Time
	File     string // the snapshot's name
	Size     int64  // bytes written, 0 when it failed
	Location string // where it went: a bucket URL or a directory
	Err      error  // nil when it succeeded
}

// backupHistoryFields maps each field of a record to the column names a
// hand-made backup_history table may use for it, in order of preference.
var backupHistoryFields = [][]string{
	{"timestamp", "created_at", "backup_time", "time"},
	{"file", "filename", "file_name", "path", "name"},
	{"size", "size_bytes", "file_size", "bytes"},
	{"location", "destination", "target", "remote"},
	{"status"},
	{"error", "error_message", "message", "notes"},
}

// backupHistoryColumns returns the columns of backup_history, or nil when
// the database has no such table. vpslink never creates it; a database that
// has one (its owner's scripts record their backups there) gets a row for
// every snapshot, so that their queries keep telling the truth.
func (db *DB) backupHistoryColumns(ctx context.Context) ([]string, error) {
	rows, err := db.write.QueryContext(ctx, `SELECT name FROM pragma_table_info('backup_history')`)
	if err != nil {
		return nil, fmt.Errorf("read backup_history: %w", describe(err))
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, strings.ToLower(c))
	}
	return cols, rows.Err()
}

// backupRecord builds the INSERT of one record into a backup_history table
// with the given columns, or "" when there is none.
func backupRecord(cols []string, at, file string, size int64, location, status, errText string) (string, []any) {
	if len(cols) == 0 {
		return "", nil
	}
	values := []any{at, file, size, location, status, errText}
	var names []string
	var args []any
	for i, candidates := range backupHistoryFields {
		for _, c := range candidates {
			if slices.Contains(cols, c) {
				names = append(names, fmt.Sprintf("%q", c))
				args = append(args, values[i])
				break
			}
		}
	}
	if len(names) == 0 {
		return "", nil
	}
	return fmt.Sprintf(`INSERT INTO backup_history (%s) VALUES (%s)`,
		strings.Join(names, ", "), strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ")), args
}

// RecordBackup adds r to backup_history when the database has that table,
// and does nothing otherwise.
func (db *DB) RecordBackup(ctx context.Context, r BackupRecord) error {
	cols, err := db.backupHistoryColumns(ctx)
	if err != nil || len(cols) == 0 {
		return err
	}
	status, errText := "success", ""
	if r.Err != nil {
		status, errText = "failed", r.Err.Error()
	}
	q, args := backupRecord(cols, fmtTime(r.At), r.File, r.Size, r.Location, status, errText)
	if q == "" {
		return nil
	}
	return db.UpdateQuiet(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("record backup in backup_history: %w", describe(err))
		}
		return nil
	})
}

// RecordBackupFile adds r to the backup_history table of the database file
// at path, as RecordBackup does, for a process that does not keep the
// database open (the snapshot job records each snapshot through a child
// process, as it copies the database).
func RecordBackupFile(ctx context.Context, path string, r BackupRecord) error {
	conn, err := sql.Open("sqlite3", fileDSN(path, "rw"))
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	db := &DB{path: path, write: conn, read: conn, Now: time.Now}
	return db.RecordBackup(ctx, r)
}
