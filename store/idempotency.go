package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/vpslink/vpslink"
)

// IdempotencyRecord is the stored result of an API request that carried an
// Idempotency-Key: a repeat of the request gets Response back instead of
// running again. RequestHash tells a repeat from a different request that
// reuses the key.
type IdempotencyRecord struct {
	Key         string
	Method      string
	Path        string
	RequestHash string
	StatusCode  int
	Response    []byte
	CreatedAt   time.Time
}

// IdempotencyRecord returns the stored result for key on method and path, or
// nil when there is none.
func (db *DB) IdempotencyRecord(ctx context.Context, key, method, path string) (*IdempotencyRecord, error) {
	r := IdempotencyRecord{Key: key, Method: method, Path: path}
	var created string
	err := db.read.QueryRowContext(ctx, `SELECT request_hash, status_code, response, created_at
		FROM idempotency_keys WHERE key = ? AND method = ? AND path = ?`, key, method, path).
		Scan(&r.RequestHash, &r.StatusCode, &r.Response, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("read idempotency key: %w", describe(err))
	}
	r.CreatedAt = parseTime(created)
	return &r, nil
}

// SaveIdempotencyRecord stores r in tx, so that it commits or rolls back
// with the write it describes. A key that is already stored is a conflict.
func (tx *Tx) SaveIdempotencyRecord(ctx context.Context, r *IdempotencyRecord) error {
	r.CreatedAt = tx.now
	_, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys
		(key, method, path, request_hash, status_code, response, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.Key, r.Method, r.Path, r.RequestHash, r.StatusCode, r.Response, fmtTime(tx.now))
	if err != nil {
		if vpslink.ErrorCode(describe(err)) == vpslink.ECONFLICT {
			return vpslink.Errorf(vpslink.ECONFLICT, "Idempotency-Key %q is already in use", r.Key)
		}
		return fmt.Errorf("save idempotency key: %w", err)
	}
	return nil
}

// SaveIdempotencyRecord stores r on its own, for writes that the store runs
// in a transaction of their own. It does not notify OnWrite listeners: a
// stored response changes nothing the scheduler plans from.
func (db *DB) SaveIdempotencyRecord(ctx context.Context, r *IdempotencyRecord) error {
	return db.UpdateQuiet(ctx, func(tx *Tx) error { return tx.SaveIdempotencyRecord(ctx, r) })
}

// PruneIdempotencyRecords deletes records created before t and returns how
// many it deleted.
func (db *DB) PruneIdempotencyRecords(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.UpdateQuiet(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, fmtTime(before))
		if err != nil {
			return fmt.Errorf("prune idempotency keys: %w", describe(err))
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}
