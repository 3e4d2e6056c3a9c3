package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/vpslink/vpslink/store"
)

// errServeRunning: the database's lock is held by a running vpslink serve.
var errServeRunning = errors.New("another vpslink serve is running")

// lockDatabase takes an exclusive advisory lock next to the database, so that
// a second `vpslink serve` on the same file refuses to start. (Two would not
// send twice, as the ledger's claims exclude each other, but they would race
// for every send and both supervise a replicator.) The kernel drops the lock
// when the process dies, even by SIGKILL. The lock file sits beside the
// real file, so one database reached through a symlink or another relative
// path has one lock.
func lockDatabase(dbPath string) (release func(), err error) {
	real, err := store.CanonicalPath(dbPath)
	if err != nil {
		return nil, err
	}
	path := real + ".lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w on %s", errServeRunning, dbPath)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}

// whileServeStopped runs fn holding the lock serve takes, so that login and
// logout refuse while serve runs (it would keep using the session it loaded
// at start and replace what they write), as does a restore (serve would keep
// writing to the file it opened, and the restored one would be replaced or
// corrupted by its WAL), and serve cannot start meanwhile.
func whileServeStopped(dbPath string, fn func() error) error {
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o750); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	release, err := lockDatabase(dbPath)
	if errors.Is(err, errServeRunning) {
		return fmt.Errorf("vpslink serve is running on %s: stop it first (docker compose stop vpslink, or systemctl stop vpslink), then run this again and start it", dbPath)
	} else if err != nil {
		return err
	}
	defer release()
	return fn()
}
