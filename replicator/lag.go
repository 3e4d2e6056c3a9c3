package replicator

import (
	"os"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/superfly/ltx"
)

// lagTracker follows one database's replication progress. Litestream turns
// each WAL commit into a local L0 file (TXID n) and uploads it; the replica's
// position drops to zero whenever a sync fails, so the highest position ever
// seen is kept as the replicated one.
type lagTracker struct {
	replicated ltx.TXID  // highest TXID known to be in the replica
	pending    ltx.TXID  // replicated+1 when something is waiting, else 0
	since      time.Time // when pending was committed
}

func (t *lagTracker) update(db *litestream.DB, now time.Time) {
	if p := db.Replica.Pos().TXID; p > t.replicated {
		t.replicated = p
	}
	local, err := db.Pos()
	if err != nil || local.TXID <= t.replicated {
		t.pending, t.since = 0, time.Time{}
		return
	}
	next := t.replicated + 1
	if t.pending == next {
		return
	}
	t.pending, t.since = next, now
	if ts, ok := ltxTime(db.LTXPath(0, next, next)); ok && ts.Before(now) {
		t.since = ts
	}
}

func (t *lagTracker) lag(now time.Time) time.Duration {
	if t.pending == 0 {
		return 0
	}
	return max(now.Sub(t.since), 0)
}

// ltxTime returns the creation time recorded in an LTX file's header.
func ltxTime(path string) (time.Time, bool) {
	f, err := os.Open(path)
	if err != nil {
		return time.Time{}, false
	}
	defer f.Close()
	hdr, _, err := ltx.PeekHeader(f)
	if err != nil || hdr.Timestamp == 0 {
		return time.Time{}, false
	}
	return time.UnixMilli(hdr.Timestamp), true
}
