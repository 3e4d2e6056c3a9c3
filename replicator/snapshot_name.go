package replicator

import (
	"fmt"
	"strings"
	"time"
)

// Snapshot object names carry their UTC creation time so that a listing alone
// is enough to apply retention, and a human can read them.
const (
	snapshotPrefix     = "whatsapp_"
	snapshotSuffix     = ".db.gz"
	snapshotTimeLayout = "20060102_150405"

	// metaSuffix names the sidecar holding a snapshot's metadata: "<name>.json".
	metaSuffix = ".json"
)

// SnapshotName returns the object name of a snapshot taken at t.
func SnapshotName(t time.Time) string {
	return snapshotPrefix + t.UTC().Format(snapshotTimeLayout) + snapshotSuffix
}

// ParseSnapshotName returns the time encoded in a snapshot name. A leading
// key prefix ("dir/") is ignored. Names that are not exactly of the form
// whatsapp_YYYYMMDD_HHMMSS.db.gz are rejected: retention never touches them.
func ParseSnapshotName(name string) (time.Time, error) {
	base := name[strings.LastIndexByte(name, '/')+1:]
	stamp, ok := strings.CutPrefix(base, snapshotPrefix)
	if ok {
		stamp, ok = strings.CutSuffix(stamp, snapshotSuffix)
	}
	if !ok || len(stamp) != len(snapshotTimeLayout) {
		return time.Time{}, fmt.Errorf("%q is not a snapshot name (want whatsapp_YYYYMMDD_HHMMSS.db.gz)", base)
	}
	t, err := time.Parse(snapshotTimeLayout, stamp)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a snapshot name: %w", base, err)
	}
	// time.Parse accepts some variations (e.g. a sign in a field); a
	// round trip guarantees exactly one name per instant.
	if SnapshotName(t) != base {
		return time.Time{}, fmt.Errorf("%q is not a canonical snapshot name", base)
	}
	return t, nil
}
