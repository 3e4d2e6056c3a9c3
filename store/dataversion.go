package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// dataVersion is the one connection that answers DataVersion. SQLite's
// PRAGMA data_version changes when any other connection, of this process or
// another, commits; it does not change for the asking connection's own
// commits, so this connection is read-only (query_only) and never writes,
// and it is pinned: a value from another connection would not compare.
type dataVersion struct {
	mu   sync.Mutex
	pool *sql.DB
	conn *sql.Conn
	// generation counts the connections opened, one more after a failed
	// read: a number from one connection does not compare with another's.
	generation int64
	closed     bool // the DB was closed: no connection is opened again
}

// DataVersion returns a number that stays the same as long as no
// connection has committed a change to the database, whether through this
// DB, another DB on the same file (the CLI while serve runs) or any other
// SQLite client. Callers compare it with an earlier value to know that what
// they read then is still current. Read it before reading the data it
// vouches for: a commit in between then only makes the next value differ.
func (db *DB) DataVersion(ctx context.Context) (int64, error) {
	v := &db.version
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return 0, errors.New("read data version: the database is closed")
	}
	if v.conn == nil {
		if err := db.openVersionConn(ctx); err != nil {
			return 0, err
		}
	}
	var n int64
	// The statement takes microseconds: a cancellable context would only
	// add the goroutine database/sql starts to watch it, per request.
	if err := v.conn.QueryRowContext(context.WithoutCancel(ctx), `PRAGMA data_version`).Scan(&n); err != nil {
		// The next call opens a new connection, under a new generation.
		v.conn.Close()
		v.conn = nil
		return 0, fmt.Errorf("read data version: %w", describe(err))
	}
	// data_version is a 32-bit counter of this connection alone, so the
	// connection's generation goes above it: a new connection's numbers
	// never equal an old one's.
	return v.generation<<32 | n&0xffffffff, nil
}

// openVersionConn opens the pinned connection on first use, so that CLI
// commands that never ask pay nothing. v.mu is held.
func (db *DB) openVersionConn(ctx context.Context) error {
	v := &db.version
	if v.pool == nil {
		mode := "rw"
		if db.readOnly {
			mode = "ro"
		}
		pool, err := sql.Open(readerDriver, dsn(db.path, mode, false))
		if err != nil {
			return fmt.Errorf("open data version connection: %w", err)
		}
		pool.SetMaxOpenConns(1)
		v.pool = pool
	}
	conn, err := v.pool.Conn(ctx)
	if err != nil {
		return fmt.Errorf("open data version connection: %w", describe(err))
	}
	v.conn = conn
	v.generation++
	return nil
}

func (v *dataVersion) close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.closed = true
	if v.conn != nil {
		v.conn.Close()
		v.conn = nil
	}
	if v.pool == nil {
		return nil
	}
	err := v.pool.Close()
	v.pool = nil
	return err
}
