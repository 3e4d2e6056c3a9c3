package replicator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/internal/s3client"
	"golang.org/x/sys/unix"
)

// Target is where snapshots are kept: an S3 bucket prefix or a directory.
// Keys are object names relative to the target (e.g. the snapshot name),
// without any prefix. It is deliberately limited to the calls Garage supports.
type Target interface {
	// Put stores size bytes read from r under key, replacing any object
	// there. meta is stored as object metadata where the target has it.
	Put(ctx context.Context, key string, r io.ReadSeeker, size int64, meta map[string]string) error
	// Get opens an object; a missing key is a vpslink.ENOTFOUND error.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// List returns every object, sorted by key.
	List(ctx context.Context) ([]Object, error)
	// Delete removes an object; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// String describes the target for logs and messages.
	String() string
}

// Object is one entry of a Target listing.
type Object struct {
	Key     string
	Size    int64
	ModTime time.Time
}

// ParseTarget returns the target described by s: "s3://bucket/prefix" is an
// S3 target on the server that server describes (anything left empty there
// falls back to the AWS environment); anything else is a directory.
func ParseTarget(s string, server s3client.Config) (Target, error) {
	if strings.HasPrefix(s, "s3://") {
		bucket, prefix, err := s3client.ParseURL(s)
		if err != nil {
			return nil, vpslink.Errorf(vpslink.EINVALID, "snapshot target: %v", err)
		}
		return NewS3Target(S3Location{Bucket: bucket, Prefix: prefix, Config: server}), nil
	}
	if s == "" || strings.Contains(s, "://") {
		return nil, vpslink.Errorf(vpslink.EINVALID, "snapshot target %q: want s3://bucket/prefix or a directory", s)
	}
	return DirTarget(s), nil
}

// DirTarget is a Target on a local directory, created on first write. Writes
// go through a temporary file and a rename, so a listing never shows a
// partial object.
type DirTarget string

func (d DirTarget) String() string { return string(d) }

func (d DirTarget) path(key string) (string, error) {
	if key == "" || key != filepath.Base(key) || strings.HasPrefix(key, ".") {
		return "", vpslink.Errorf(vpslink.EINVALID, "invalid object key %q", key)
	}
	return filepath.Join(string(d), key), nil
}

// Put writes the object durably: file synced, then renamed into place, then
// the directory synced.
func (d DirTarget) Put(ctx context.Context, key string, r io.ReadSeeker, size int64, meta map[string]string) error {
	dst, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(string(d), 0o755); err != nil {
		return fmt.Errorf("create snapshot directory: %w", err)
	}
	return writeFileAtomic(dst, func(w io.Writer) error {
		n, err := io.Copy(w, r)
		if err == nil && n != size {
			err = fmt.Errorf("wrote %d bytes, want %d", n, size)
		}
		return err
	})
}

func (d DirTarget) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, vpslink.Errorf(vpslink.ENOTFOUND, "%s: no object %q", d, key)
	}
	return f, err
}

func (d DirTarget) List(ctx context.Context) ([]Object, error) {
	entries, err := os.ReadDir(string(d))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("list %s: %w", d, err)
	}
	var objects []Object
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed since ReadDir
		}
		objects = append(objects, Object{Key: e.Name(), Size: info.Size(), ModTime: info.ModTime()})
	}
	sort.Slice(objects, func(i, j int) bool { return objects[i].Key < objects[j].Key })
	return objects, nil
}

func (d DirTarget) Delete(ctx context.Context, key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", p, err)
	}
	return nil
}

// writeFileAtomic writes path through write into a hidden temporary file in
// the same directory, syncs it, renames it into place and syncs the
// directory: readers see the old file or the whole new one, even after a
// crash.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(&writebackFile{File: f}); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("rename into %s: %w", path, err)
	}
	return syncDir(dir)
}

// writebackFile starts the kernel's writeback of every 8 MiB written, so
// that the final fsync of a large file is short: one long fsync stalls the
// service's own commits to the same disk.
type writebackFile struct {
	*os.File
	written, started int64
}

func (w *writebackFile) Write(p []byte) (int, error) {
	n, err := w.File.Write(p)
	w.written += int64(n)
	if w.written-w.started >= 8<<20 {
		// Only a hint: an error here changes nothing the final fsync checks.
		_ = unix.SyncFileRange(int(w.Fd()), w.started, w.written-w.started, unix.SYNC_FILE_RANGE_WRITE)
		w.started = w.written
	}
	return n, err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

// SnapshotTarget resolves the snapshot target (docs/backups.md) for the database
// dbPath replicated as ls describes: spec when set (s3://bucket/prefix or a
// directory), else the S3 replica's bucket under "backups/", else, with a
// file replica, <datadir>/snapshots. S3 targets reach the server the S3
// replica uses (endpoint, region, keys); without one, the AWS environment.
func SnapshotTarget(spec string, ls *Config, dbPath string) (Target, error) {
	db, err := ls.DB(dbPath)
	if err != nil {
		return nil, err
	}
	replica, err := db.Replica.S3()
	if err != nil {
		return nil, err
	}
	switch {
	case spec != "":
		return ParseTarget(spec, replica.Config)
	case replica.Bucket != "":
		replica.Prefix = "backups"
		return NewS3Target(replica), nil
	}
	return DirTarget(filepath.Join(filepath.Dir(dbPath), "snapshots")), nil
}
