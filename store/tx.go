package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/mattn/go-sqlite3"
)

// Tx is a write transaction with the time it started, so that every row it
// writes carries the same timestamp.
//
// It runs on the writer connection with its own BEGIN IMMEDIATE and COMMIT
// rather than as a database/sql transaction, and its statements ignore the
// cancellation of their context. Both for speed: database/sql starts a
// goroutine per transaction to watch its context, and mattn/go-sqlite3 one
// per statement that could be interrupted; waking those across threads
// cost a third of the CPU of a send's claim (BENCHMARKS.md). A write
// transaction is short and ends in a commit or a rollback either way.
type Tx struct {
	conn *sql.Conn
	db   *DB
	now  time.Time
}

// Now returns the transaction's time.
func (tx *Tx) Now() time.Time { return tx.now }

// ExecContext runs a statement that returns no rows.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.conn.ExecContext(context.WithoutCancel(ctx), query, args...)
}

// QueryContext runs a query.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.conn.QueryContext(context.WithoutCancel(ctx), query, args...)
}

// QueryRowContext runs a query that returns at most one row.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.conn.QueryRowContext(context.WithoutCancel(ctx), query, args...)
}

// PrepareContext prepares a statement for repeated use in the transaction.
func (tx *Tx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return tx.conn.PrepareContext(context.WithoutCancel(ctx), query)
}

// Update runs fn in a write transaction and commits it when fn returns nil.
// Nothing is written when fn or the commit fails.
func (db *DB) Update(ctx context.Context, fn func(tx *Tx) error) error {
	if err := db.update(ctx, fn); err != nil {
		return err
	}
	db.notify()
	return nil
}

// UpdateQuiet is Update without notifying OnWrite listeners; the scheduler
// uses it for its own progress writes, which need no re-plan.
func (db *DB) UpdateQuiet(ctx context.Context, fn func(tx *Tx) error) error {
	return db.update(ctx, fn)
}

// update runs fn in a synced write transaction that first writes the queued
// send outcomes. They leave the queue for this transaction alone, so that
// no other transaction writes them again, and go back if it does not
// commit (a panic included).
func (db *DB) update(ctx context.Context, fn func(tx *Tx) error) error {
	results := db.takeResults()
	committed := false
	defer func() {
		if !committed {
			db.requeueResults(results)
		}
	}()
	err := db.transact(ctx, func(tx *Tx) error {
		if err := tx.writeResults(ctx, results); err != nil {
			return err
		}
		return fn(tx)
	})
	committed = err == nil
	return err
}

// transact runs fn between BEGIN IMMEDIATE (the write lock is taken at
// once, so a transaction never fails half-way upgrading a read lock) and
// COMMIT, or ROLLBACK when fn or the commit fails or fn panics. Waiting for
// the writer connection honours ctx; once the transaction has begun, it
// runs to its end.
func (db *DB) transact(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if db.readOnly {
		return fmt.Errorf("database %s is open read-only", db.path)
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("writer connection: %w", err)
	}
	defer conn.Close()
	bg := context.WithoutCancel(ctx)
	if _, err := conn.ExecContext(bg, `BEGIN IMMEDIATE`); err != nil {
		return fmt.Errorf("begin: %w", describe(err))
	}
	committed := false
	defer func() {
		if !committed {
			rollback(conn)
		}
	}()
	tx := &Tx{conn: conn, db: db, now: db.Now().UTC().Truncate(time.Millisecond)}
	if err := fn(tx); err != nil {
		return err
	}
	if _, err := conn.ExecContext(bg, `COMMIT`); err != nil {
		return fmt.Errorf("commit: %w", describe(err))
	}
	committed = true
	return nil
}

// rollback ends conn's transaction without writing it. SQLite may have
// rolled back already (after some errors it does), so the ROLLBACK's own
// error says nothing; a connection still inside a transaction afterwards
// is discarded rather than handed to the next writer.
func rollback(conn *sql.Conn) {
	conn.ExecContext(context.Background(), `ROLLBACK`)
	conn.Raw(func(c any) error {
		if sc, ok := c.(*sqlite3.SQLiteConn); !ok || !sc.AutoCommit() {
			return driver.ErrBadConn
		}
		return nil
	})
}

// discard makes the pool close conn when it is released.
func discard(conn *sql.Conn) {
	conn.Raw(func(any) error { return driver.ErrBadConn })
}
