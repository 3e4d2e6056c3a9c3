package replicator

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vpslink/vpslink"
	"modernc.org/sqlite"
)

// Metadata describes a snapshot. It is stored beside the snapshot as
// "<name>.json" so that a human can inspect it, and checked by verify.
type Metadata struct {
	Key           string           `json:"key"`
	Time          time.Time        `json:"time"`
	SHA256        string           `json:"sha256"`  // of the compressed object
	Size          int64            `json:"size"`    // of the compressed object
	DBSize        int64            `json:"db_size"` // of the database copy
	SchemaVersion int              `json:"schema_version"`
	RowCounts     map[string]int64 `json:"row_counts"`
}

// CreateSnapshot writes a snapshot of the database at dbPath, taken at now,
// into dir as SnapshotName(now) plus its metadata sidecar, written last. The
// copy is made with SQLite's online backup API in one read transaction, so
// it is consistent while the service keeps writing; it is integrity-checked
// before it is compressed and it is never held in memory as a whole.
func CreateSnapshot(ctx context.Context, dbPath, dir string, now time.Time) (Metadata, error) {
	meta := Metadata{Key: SnapshotName(now), Time: now.UTC().Truncate(time.Second)}
	dst := filepath.Join(dir, meta.Key)
	if _, err := os.Stat(dst); err == nil {
		return Metadata{}, vpslink.Errorf(vpslink.ECONFLICT, "snapshot %s already exists", dst)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Metadata{}, fmt.Errorf("create %s: %w", dir, err)
	}

	copyPath := filepath.Join(dir, "."+meta.Key+".copy")
	defer removeDB(copyPath)
	if err := backupDB(ctx, dbPath, copyPath); err != nil {
		return Metadata{}, err
	}
	var err error
	if meta.SchemaVersion, meta.RowCounts, err = checkDB(ctx, copyPath); err != nil {
		return Metadata{}, fmt.Errorf("snapshot of %s: %w", dbPath, err)
	}

	src, err := os.Open(copyPath)
	if err != nil {
		return Metadata{}, err
	}
	defer src.Close()
	err = writeFileAtomic(dst, func(w io.Writer) error {
		hash := sha256.New()
		counter := &countingWriter{w: io.MultiWriter(w, hash)}
		zw, _ := gzip.NewWriterLevel(counter, gzip.BestSpeed) // level 6 is 12x slower for 30% less
		zw.Name, zw.ModTime = "whatsapp.db", meta.Time
		if meta.DBSize, err = io.Copy(zw, src); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		meta.SHA256, meta.Size = hex.EncodeToString(hash.Sum(nil)), counter.n
		return nil
	})
	if err != nil {
		return Metadata{}, err
	}
	if err := writeMetadata(filepath.Join(dir, meta.Key+metaSuffix), meta); err != nil {
		os.Remove(dst)
		return Metadata{}, err
	}
	return meta, nil
}

func writeMetadata(path string, meta Metadata) error {
	return writeFileAtomic(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(meta)
	})
}

func readMetadata(r io.Reader) (Metadata, error) {
	var meta Metadata
	if err := json.NewDecoder(r).Decode(&meta); err != nil {
		return Metadata{}, fmt.Errorf("read snapshot metadata: %w", err)
	}
	return meta, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// sqliteDSN returns a modernc DSN for path. mode=rw never creates a missing
// database: a wrong path is an error, not a new empty file.
func sqliteDSN(path, mode string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=" + mode + "&_pragma=busy_timeout(10000)"
}

// backupDB copies the database at src to dst with the online backup API in
// a single step: one read transaction, so the copy is a consistent state
// and, in WAL mode, writers are not blocked while it runs.
func backupDB(ctx context.Context, src, dst string) error {
	if _, err := os.Stat(src); err != nil {
		return vpslink.Errorf(vpslink.ENOTFOUND, "database %s: %v", src, errors.Unwrap(err))
	}
	db, err := sql.Open("sqlite", sqliteDSN(src, "rw"))
	if err != nil {
		return fmt.Errorf("open %s: %w", src, err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("open %s: %w", src, err)
	}
	defer conn.Close()
	err = conn.Raw(func(c any) error {
		b, err := c.(interface {
			NewBackup(string) (*sqlite.Backup, error)
		}).NewBackup(tempDSN(dst))
		if err != nil {
			return err
		}
		if _, err := b.Step(-1); err != nil {
			b.Finish()
			return err
		}
		return b.Finish()
	})
	if err != nil {
		return fmt.Errorf("online backup of %s: %w", src, err)
	}
	// The copy inherits WAL mode from its source; a rollback-journal file
	// is self-contained, which is what a snapshot should be.
	return execDB(ctx, dst, "PRAGMA journal_mode=DELETE")
}

// tempDSN opens a temporary copy without durability: it is checked and
// compressed, then deleted, and a 300 MB fsync would stall the service's
// own commits on the same disk.
func tempDSN(path string) string {
	return sqliteDSN(path, "rwc") + "&_pragma=synchronous(OFF)"
}

func execDB(ctx context.Context, path, query string) error {
	db, err := sql.Open("sqlite", tempDSN(path))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, query); err != nil {
		return fmt.Errorf("%s on %s: %w", query, path, err)
	}
	return nil
}

// checkDB runs integrity_check on the database at path and returns its
// schema version (the highest applied migration, 0 without a migrations
// table) and the row count of every table.
func checkDB(ctx context.Context, path string) (version int, counts map[string]int64, err error) {
	db, err := sql.Open("sqlite", sqliteDSN(path, "ro"))
	if err != nil {
		return 0, nil, err
	}
	defer db.Close()

	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return 0, nil, fmt.Errorf("integrity_check: %w", err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return 0, nil, fmt.Errorf("integrity_check: %w", err)
		}
		problems = append(problems, line)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("integrity_check: %w", err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		return 0, nil, fmt.Errorf("integrity_check failed: %s", strings.Join(problems, "; "))
	}

	tables, err := tableNames(ctx, db)
	if err != nil {
		return 0, nil, err
	}
	counts = make(map[string]int64, len(tables))
	for _, table := range tables {
		var n int64
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM "`+strings.ReplaceAll(table, `"`, `""`)+`"`).Scan(&n); err != nil {
			return 0, nil, fmt.Errorf("count rows of %s: %w", table, err)
		}
		counts[table] = n
		if table == "schema_migrations" {
			if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
				return 0, nil, fmt.Errorf("read schema version: %w", err)
			}
		}
	}
	return version, counts, nil
}

func tableNames(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
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

// removeDB removes a database file and any journal SQLite left beside it.
// It is best effort: it cleans up temporary copies.
func removeDB(path string) {
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}
