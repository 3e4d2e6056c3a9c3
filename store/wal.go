package store

import (
	"context"
	"fmt"
	"os"
)

// walHeaderSize and walFrameHeaderSize are fixed by SQLite's WAL format.
const (
	walHeaderSize      = 32
	walFrameHeaderSize = 24
)

// ReserveWAL fills the WAL file with zeros up to the size it reaches
// between two automatic checkpoints, unless it is that large already.
//
// A commit that appends to the WAL makes its fsync also write the file's new
// size and block map through the filesystem journal; a commit that
// overwrites blocks the file already has syncs only their data, which on
// the disks measured for BENCHMARKS.md takes half as long. SQLite reuses
// its WAL from the start after each checkpoint, so a running service
// overwrites anyway once the WAL has been through its first cycle; this
// makes the first cycle after start-up (the WAL is deleted when the last
// connection closes) cost the same. PostgreSQL zero-fills its WAL segments
// for the same reason.
//
// Zeroed frames never pass the salt check that readers of the WAL (SQLite,
// litestream) apply, so to them the file ends where the valid frames end,
// as it does after every checkpoint restart. The zeros are written inside a
// write transaction, which excludes every other writer and checkpoint that
// could write or truncate the WAL meanwhile.
func (db *DB) ReserveWAL(ctx context.Context) error {
	var pageSize int64
	if err := db.write.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil {
		return fmt.Errorf("read page size: %w", describe(err))
	}
	want := walHeaderSize + walAutocheckpoint*(pageSize+walFrameHeaderSize)
	err := db.UpdateQuiet(ctx, func(*Tx) error {
		f, err := os.OpenFile(db.path+"-wal", os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		if fi.Size() >= want {
			return nil
		}
		if err := writeZeros(f, fi.Size(), want); err != nil {
			return err
		}
		return f.Sync()
	})
	if err != nil {
		return fmt.Errorf("reserve WAL of %s: %w", db.path, err)
	}
	return nil
}

// writeZeros writes zeros to f from offset from up to offset to.
func writeZeros(f *os.File, from, to int64) error {
	zeros := make([]byte, 1<<20)
	for off := from; off < to; {
		n := min(int64(len(zeros)), to-off)
		if _, err := f.WriteAt(zeros[:n], off); err != nil {
			return err
		}
		off += n
	}
	return nil
}
