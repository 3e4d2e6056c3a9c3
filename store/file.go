package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/mattn/go-sqlite3"
	"github.com/vpslink/vpslink"
)

// CopyFile writes a consistent copy of the database file at src to the new
// file dst with SQLite's online backup, in one read transaction: the copy
// is one committed state, and in WAL mode writers go on while it runs. The
// copy is a self-contained rollback-journal file written without fsync: it
// is a temporary file to be checked, compressed or imported into, and a
// long fsync would stall the service's own commits on the same disk. src
// is only read, and a missing src is an error, never a new empty file.
func CopyFile(ctx context.Context, src, dst string) error {
	if _, err := os.Stat(src); err != nil {
		return vpslink.Errorf(vpslink.ENOTFOUND, "database %s: %v", src, errors.Unwrap(err))
	}
	db, err := sql.Open("sqlite3", fileDSN(src, "rw")+"&_query_only=true")
	if err != nil {
		return fmt.Errorf("open %s: %w", src, err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("open %s: %w", src, describe(err))
	}
	defer conn.Close()
	return backup(ctx, conn, dst)
}

// CopyTo writes a consistent copy of the opened database to a new file at
// path, as CopyFile does. It only reads the database, so it works on one
// opened read-only.
func (db *DB) CopyTo(ctx context.Context, path string) error {
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return fmt.Errorf("copy database: %w", describe(err))
	}
	defer conn.Close()
	return backup(ctx, conn, path)
}

// backup copies the database of src to the new file dst with the online
// backup API in a single step: one read transaction, so the copy is one
// consistent state.
func backup(ctx context.Context, src *sql.Conn, dst string) error {
	db, err := sql.Open("sqlite3", tempDSN(dst))
	if err != nil {
		return fmt.Errorf("copy database to %s: %w", dst, err)
	}
	defer db.Close()
	dstConn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("copy database to %s: %w", dst, describe(err))
	}
	defer dstConn.Close()
	err = dstConn.Raw(func(d any) error {
		return src.Raw(func(s any) error {
			b, err := d.(*sqlite3.SQLiteConn).Backup("main", s.(*sqlite3.SQLiteConn), "main")
			if err != nil {
				return err
			}
			if _, err := b.Step(-1); err != nil {
				b.Finish()
				return err
			}
			return b.Finish()
		})
	})
	if err != nil {
		return fmt.Errorf("copy database to %s: %w", dst, describe(err))
	}
	// The copy inherits WAL mode from its source; a rollback-journal file
	// is self-contained, which is what a copy to be moved should be.
	if _, err := db.ExecContext(ctx, "PRAGMA journal_mode=DELETE"); err != nil {
		return fmt.Errorf("copy database to %s: %w", dst, describe(err))
	}
	return nil
}

// FileCheck is what CheckFile found in a sound database file.
type FileCheck struct {
	// SchemaVersion is the highest applied migration, 0 for a file
	// without a migrations table.
	SchemaVersion int
	// RowCounts holds every table's row count by name.
	RowCounts map[string]int64
}

// CheckFile opens the database file at path read-only, runs SQLite's
// integrity_check and reads its schema version and the row count of every
// table. A file that fails the check is an error that lists the problems.
func CheckFile(ctx context.Context, path string) (FileCheck, error) {
	if _, err := os.Stat(path); err != nil {
		return FileCheck{}, vpslink.Errorf(vpslink.ENOTFOUND, "database %s: %v", path, errors.Unwrap(err))
	}
	db, err := sql.Open("sqlite3", fileDSN(path, "ro"))
	if err != nil {
		return FileCheck{}, fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	problems, err := integrityProblems(ctx, db)
	if err != nil {
		return FileCheck{}, err
	}
	if len(problems) > 0 {
		return FileCheck{}, fmt.Errorf("integrity_check failed: %s", strings.Join(problems, "; "))
	}
	tables, err := tableNames(ctx, db)
	if err != nil {
		return FileCheck{}, err
	}
	check := FileCheck{RowCounts: make(map[string]int64, len(tables))}
	for _, table := range tables {
		var n int64
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM "`+strings.ReplaceAll(table, `"`, `""`)+`"`).Scan(&n); err != nil {
			return FileCheck{}, fmt.Errorf("count rows of %s: %w", table, describe(err))
		}
		check.RowCounts[table] = n
		if table == "schema_migrations" {
			if check.SchemaVersion, err = schemaVersion(ctx, db); err != nil {
				return FileCheck{}, fmt.Errorf("read schema version: %w", describe(err))
			}
		}
	}
	return check, nil
}

func tableNames(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", describe(err))
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, rows.Err()
}

// fileDSN opens a database file as it is, for a copy or a check: none of
// the service's PRAGMAs, which would change the file (journal mode).
func fileDSN(path, mode string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=" + mode + "&_busy_timeout=10000"
}

// tempDSN opens a temporary copy without durability (see CopyFile).
func tempDSN(path string) string {
	return fileDSN(path, "rwc") + "&_synchronous=OFF"
}
