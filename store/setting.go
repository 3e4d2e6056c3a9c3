package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Setting keys.
const (
	// SettingSendingStopped is "1" while the emergency stop is on.
	SettingSendingStopped = "sending_stopped"
)

// Setting returns a persisted setting, or "" when it was never set.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	return readSetting(db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key), key)
}

// SetSetting persists a setting.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	return db.Update(ctx, func(tx *Tx) error {
		_, err := tx.setSetting(ctx, key, value)
		return err
	})
}

// readSetting scans a setting's value; a missing row is "".
func readSetting(row *sql.Row, key string) (string, error) {
	var v string
	err := row.Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("read setting %s: %w", key, describe(err))
	}
	return v, nil
}

func (tx *Tx) setting(ctx context.Context, key string) (string, error) {
	return readSetting(tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key), key)
}

func (tx *Tx) setSetting(ctx context.Context, key, value string) (string, error) {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, value, fmtTime(tx.now))
	if err != nil {
		return "", fmt.Errorf("write setting %s: %w", key, describe(err))
	}
	return value, nil
}
