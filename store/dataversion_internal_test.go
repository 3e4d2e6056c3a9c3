package store

import (
	"context"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
)

// A failed read drops the pinned connection; the next call opens another,
// whose numbers never equal the old one's, so nothing cached under the old
// numbers is taken for current.
func TestDataVersion_ReconnectsAfterAFailedRead(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir()+"/v.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	before, err := db.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db.version.conn.Close() // the connection is lost behind the DB's back
	if _, err := db.DataVersion(ctx); err == nil {
		t.Fatal("read on a closed connection succeeded")
	}
	after, err := db.DataVersion(ctx)
	if err != nil {
		t.Fatalf("no new connection: %v", err)
	}
	if after == before {
		t.Fatalf("the new connection's number %d equals the old one's", after)
	}
	if again, err := db.DataVersion(ctx); err != nil || again != after {
		t.Fatalf("without a commit: %d, %v; want %d", again, err, after)
	}
	m := &vpslink.ScheduledMessage{ToPhone: "14155550101", Message: "hi", ScheduledAt: time.Now().Add(time.Hour)}
	if err := db.CreateMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	if changed, err := db.DataVersion(ctx); err != nil || changed == after {
		t.Fatalf("after a commit: %d, %v; want a number other than %d", changed, err, after)
	}
}
