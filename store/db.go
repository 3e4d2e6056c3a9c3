// Package store keeps vpslink's state in one SQLite file, opened with
// mattn/go-sqlite3: one writer connection (writes are serialised anyway, and
// one connection avoids SQLITE_BUSY between our own writers) and a pool of
// readers that WAL lets run beside it.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/vpslink/vpslink"
)

// DB is the opened database.
type DB struct {
	path     string
	readOnly bool
	write    *sql.DB
	read     *sql.DB
	version  dataVersion

	// Now returns the current time; tests replace it.
	Now func() time.Time

	report []string // what Open's migration changed or flagged

	// SettingsBase is the settings' starting values (from the
	// configuration), under the values saved in the database; set it
	// right after Open. Default: vpslink.DefaultSettings().
	SettingsBase vpslink.Settings

	mu        sync.Mutex
	onWrite   []func()
	onRefused []func(kind string, err error)
	results   []sendResult // send outcomes for the next write transaction
	retrying  bool         // a retry of requeued outcomes is scheduled
	closed    bool         // Close began: no retry is scheduled any more
}

// Open opens (creating it and its directory if needed) the database at path
// for reading and writing and brings its schema up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create database directory: %w", err)
	}
	db := &DB{path: path, Now: time.Now, SettingsBase: vpslink.DefaultSettings()}
	var err error
	db.write = sql.OpenDB(writerConnector{dsn(path, "rwc", true)})
	db.write.SetMaxOpenConns(1)
	db.write.SetConnMaxIdleTime(0)
	if db.read, err = sql.Open(readerDriver, dsn(path, "rw", false)); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	// Every open connection stays open: database/sql keeps only two idle
	// by default, so four concurrent readers closed and reopened one
	// every few requests, each time paying for its PRAGMAs, the schema
	// and its prepared statements again (the API list's tail).
	readers := max(4, runtime.NumCPU())
	db.read.SetMaxOpenConns(readers)
	db.read.SetMaxIdleConns(readers)
	if err := db.verifyWAL(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if db.report, err = db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// OpenReadOnly opens an existing database for reading only. It never creates
// a file: a missing or corrupt database is an error, as is one whose schema
// is not vpslink's.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("database %s does not exist (run `vpslink db migrate` or `vpslink serve` first)", path)
		}
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	db := &DB{path: path, readOnly: true, Now: time.Now, SettingsBase: vpslink.DefaultSettings()}
	var err error
	if db.read, err = sql.Open(readerDriver, dsn(path, "ro", false)); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.read.SetMaxOpenConns(2)
	db.write = db.read
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'scheduled_messages'`).Scan(&n); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s is not readable: %w", path, describe(err))
	} else if n == 0 {
		db.Close()
		return nil, fmt.Errorf("database %s has no vpslink schema (run `vpslink db migrate`)", path)
	}
	// Reads rely on every migration's tables; a file that only a writer of
	// an older version (or the seed SQL alone) has touched is brought up to
	// date by a writer, never here.
	if v, err := db.SchemaVersion(ctx); err != nil || v < latestVersion() {
		db.Close()
		return nil, fmt.Errorf("database %s has an older schema than this vpslink (run `vpslink db migrate`)", path)
	}
	return db, nil
}

// dsn builds the connection string. Every PRAGMA is a DSN parameter so that
// each new pooled connection gets it, not only the first.
func dsn(path, mode string, writer bool) string {
	q := url.Values{}
	q.Set("mode", mode)
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "5000")
	// Reuse prepared statements: re-preparing an INSERT with its triggers
	// costs more than running it.
	q.Set("_stmt_cache_size", "64")
	if mode != "ro" {
		q.Set("_journal_mode", "WAL")
		// FULL: a send's claim must survive a power cut before the network call.
		q.Set("_synchronous", "FULL")
	}
	if !writer {
		q.Set("_query_only", "true")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// walAutocheckpoint is how many WAL pages the writer lets accumulate before
// a commit checkpoints them (32 MiB of 4 KiB pages). With SQLite's default
// of 1,000, a commit in every few dozen paid for a checkpoint (copying the
// WAL into the database and an fsync of it), which set the p99 of API
// writes; 8,192 makes that one commit in several hundred. The WAL file keeps
// its size between checkpoints and is overwritten, which keeps commits'
// fsyncs short; litestream's own checkpoints are unaffected.
const walAutocheckpoint = 8192

// writerConnector opens the writer's connections. wal_autocheckpoint has no
// DSN parameter in mattn/go-sqlite3, so it is set as each connection opens,
// which reaches every connection the pool ever makes, as a DSN parameter
// would.
type writerConnector struct{ dsn string }

var writerDriver = &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
	if _, err := c.Exec(fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", walAutocheckpoint), nil); err != nil {
		return err
	}
	return registerFunctions(c)
}}

func (c writerConnector) Connect(context.Context) (driver.Conn, error) {
	return writerDriver.Open(c.dsn)
}
func (c writerConnector) Driver() driver.Driver { return writerDriver }

func (db *DB) verifyWAL(ctx context.Context) error {
	var mode string
	if err := db.write.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		return fmt.Errorf("read journal mode of %s: %w", db.path, describe(err))
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("database %s is in %q journal mode, not WAL", db.path, mode)
	}
	return nil
}

// MigrateReport returns what Open's migration changed in the schema or the
// rows, and what it kept as it was and flagged for a person to look at.
func (db *DB) MigrateReport() []string { return db.report }

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// Close writes queued send outcomes and closes both pools.
func (db *DB) Close() error {
	db.mu.Lock()
	db.closed = true
	db.mu.Unlock()
	var errs []error
	if db.write != nil && db.write != db.read {
		errs = append(errs, db.FlushResults(context.Background()), db.write.Close())
	}
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	errs = append(errs, db.version.close())
	return errors.Join(errs...)
}

// OnWrite registers fn to run after every committed write transaction. The
// scheduler uses it to re-plan at once after an API or CLI change.
func (db *DB) OnWrite(fn func()) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.onWrite = append(db.onWrite, fn)
}

// OnRefused registers fn to run when the database refuses by its rules to
// record a send outcome, with the kind of send (vpslink.SendKindMessage or
// SendKindJob); the scheduler reports it on /health and in its metrics.
func (db *DB) OnRefused(fn func(kind string, err error)) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.onRefused = append(db.onRefused, fn)
}

func (db *DB) refused(kind string, err error) {
	db.mu.Lock()
	fns := db.onRefused
	db.mu.Unlock()
	for _, fn := range fns {
		fn(kind, err)
	}
}

func (db *DB) notify() {
	db.mu.Lock()
	fns := db.onWrite
	db.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// Reader returns the read pool, for queries outside this package's helpers
// (benchmarks, checks).
func (db *DB) Reader() *sql.DB { return db.read }

// newID returns a random 128-bit identifier as 32 hex digits, the same form
// the schema's column default produces for rows inserted by other tools.
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return hex.EncodeToString(b[:])
}

// IsRefused reports whether err is the database refusing a write by its
// rules: a constraint or a trigger that raises, or a statement naming a
// column or table it lacks. Trying again fails the same way every time,
// unlike a busy database, a full disk or an I/O error.
func IsRefused(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrConstraint || se.Code == sqlite3.ErrError)
}

// describe turns SQLite's constraint errors into application errors and
// leaves others as they are.
func describe(err error) error {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return err
	}
	switch {
	case se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey:
		return vpslink.Errorf(vpslink.ECONFLICT, "already exists")
	case se.ExtendedCode == sqlite3.ErrConstraintForeignKey:
		return vpslink.Errorf(vpslink.ECONFLICT, "still referenced by other records")
	case se.Code == sqlite3.ErrNotADB || se.Code == sqlite3.ErrCorrupt:
		return fmt.Errorf("file is not a valid SQLite database: %w", err)
	}
	return err
}
