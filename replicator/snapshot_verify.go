package replicator

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

// ResolveSnapshotKey returns key, or the newest snapshot on target when key
// is "latest" (or empty).
func ResolveSnapshotKey(ctx context.Context, target Target, key string) (string, error) {
	if key != "" && key != "latest" {
		if _, err := ParseSnapshotName(key); err != nil {
			return "", vpslink.Errorf(vpslink.EINVALID, "%v", err)
		}
		return key, nil
	}
	objects, err := target.List(ctx)
	if err != nil {
		return "", err
	}
	for _, o := range slices.Backward(objects) {
		if _, err := ParseSnapshotName(o.Key); err == nil {
			return o.Key, nil
		}
	}
	return "", vpslink.Errorf(vpslink.ENOTFOUND, "no snapshot in %s", target)
}

// VerifySnapshot downloads the snapshot key (or "latest") from target and
// checks it completely: the sha256 and size of the object against its
// metadata, that it decompresses, SQLite's integrity_check, the schema
// version and every table's row count. The decompressed copy goes to a
// temporary file in tmpDir and is removed afterwards.
func VerifySnapshot(ctx context.Context, target Target, key, tmpDir string) (Metadata, error) {
	key, err := ResolveSnapshotKey(ctx, target, key)
	if err != nil {
		return Metadata{}, err
	}
	if err := os.MkdirAll(tmpDir, 0o700); err != nil {
		return Metadata{}, err
	}
	f, err := os.CreateTemp(tmpDir, ".verify-*.db")
	if err != nil {
		return Metadata{}, err
	}
	f.Close()
	defer removeDB(f.Name())
	return fetchSnapshot(ctx, target, key, f.Name())
}

// RestoreSnapshot restores the snapshot key (or "latest") from target to
// the database path out. The snapshot is verified in a temporary file
// beside out and only then renamed over it, so out is never half written.
// An existing database is only replaced with force; its stale -wal and -shm
// files are removed first, since SQLite would otherwise apply the old
// database's WAL to the restored file.
func RestoreSnapshot(ctx context.Context, target Target, key, out string, force bool) (Metadata, error) {
	if _, err := os.Stat(out); err == nil && !force {
		return Metadata{}, vpslink.Errorf(vpslink.ECONFLICT, "database %s already exists (use --force to replace it)", out)
	}
	key, err := ResolveSnapshotKey(ctx, target, key)
	if err != nil {
		return Metadata{}, err
	}
	dir := filepath.Dir(out)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Metadata{}, err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(out)+".restore-*")
	if err != nil {
		return Metadata{}, err
	}
	f.Close()
	tmp := f.Name()
	defer removeDB(tmp)

	meta, err := fetchSnapshot(ctx, target, key, tmp)
	if err != nil {
		return Metadata{}, err
	}
	if err := syncFile(tmp); err != nil {
		return Metadata{}, err
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(out + suffix); err != nil && !os.IsNotExist(err) {
			return Metadata{}, fmt.Errorf("remove stale %s%s: %w", out, suffix, err)
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		return Metadata{}, fmt.Errorf("restore %s: %w", out, err)
	}
	return meta, syncDir(dir)
}

// fetchSnapshot downloads and decompresses snapshot key into the file at
// path, checking it against its metadata. It does not sync the file: a
// verification's copy is deleted, and a long fsync would stall the
// service's commits. Every failure says what
// is wrong with the snapshot.
func fetchSnapshot(ctx context.Context, target Target, key, path string) (Metadata, error) {
	body, err := target.Get(ctx, key)
	if vpslink.ErrorCode(err) == vpslink.ENOTFOUND {
		return Metadata{}, vpslink.Errorf(vpslink.ENOTFOUND, "no snapshot %s in %s", key, target)
	} else if err != nil {
		return Metadata{}, err
	}
	defer body.Close()
	rc, err := target.Get(ctx, key+metaSuffix)
	if vpslink.ErrorCode(err) == vpslink.ENOTFOUND {
		return Metadata{}, fmt.Errorf("snapshot %s: no metadata %s%s: cannot check it", key, key, metaSuffix)
	} else if err != nil {
		return Metadata{}, err
	}
	meta, err := readMetadata(rc)
	rc.Close()
	if err != nil {
		return Metadata{}, fmt.Errorf("snapshot %s: %w", key, err)
	}

	out, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return Metadata{}, err
	}
	defer out.Close()

	hash := sha256.New()
	counter := &countingWriter{w: hash}
	unzipErr := gunzip(out, io.TeeReader(body, counter))
	// Hash whatever gunzip left unread, so that a damaged object is
	// reported as such rather than as a decompression error.
	if _, err := io.Copy(counter, body); err != nil {
		return Metadata{}, fmt.Errorf("snapshot %s: download: %w", key, err)
	}
	if sum := hex.EncodeToString(hash.Sum(nil)); sum != meta.SHA256 || counter.n != meta.Size {
		return Metadata{}, fmt.Errorf("snapshot %s is corrupt: sha256 %s over %d bytes, metadata says %s over %d bytes",
			key, sum, counter.n, meta.SHA256, meta.Size)
	}
	if unzipErr != nil {
		return Metadata{}, fmt.Errorf("snapshot %s: decompress: %w", key, unzipErr)
	}
	check, err := store.CheckFile(ctx, path)
	if err != nil {
		return Metadata{}, fmt.Errorf("snapshot %s: %w", key, err)
	}
	if check.SchemaVersion != meta.SchemaVersion {
		return Metadata{}, fmt.Errorf("snapshot %s: schema version %d, metadata says %d", key, check.SchemaVersion, meta.SchemaVersion)
	}
	if diff := diffCounts(meta.RowCounts, check.RowCounts); diff != "" {
		return Metadata{}, fmt.Errorf("snapshot %s: row counts differ from metadata: %s", key, diff)
	}
	return meta, nil
}

func gunzip(w io.Writer, r io.Reader) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, zr); err != nil {
		return err
	}
	return zr.Close()
}

// diffCounts describes every table whose row count differs, "" if none.
func diffCounts(want, got map[string]int64) string {
	var diffs []string
	for _, table := range slices.Sorted(maps.Keys(want)) {
		if n, ok := got[table]; !ok {
			diffs = append(diffs, fmt.Sprintf("table %s missing", table))
		} else if n != want[table] {
			diffs = append(diffs, fmt.Sprintf("%s has %d rows, metadata says %d", table, n, want[table]))
		}
	}
	for _, table := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[table]; !ok {
			diffs = append(diffs, fmt.Sprintf("unexpected table %s", table))
		}
	}
	return strings.Join(diffs, "; ")
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}
