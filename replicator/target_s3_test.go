package replicator

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/internal/s3client"
	"github.com/vpslink/vpslink/internal/s3test"
	"github.com/vpslink/vpslink/scheduler/schedulertest"
)

// newS3TestTarget starts versitygw over TLS with a self-signed CA that the
// target trusts only through AWS_CA_BUNDLE, as a Garage with its own CA.
func newS3TestTarget(t *testing.T, prefix string) (*s3test.Server, Target) {
	t.Helper()
	srv := s3test.Start(t, s3test.WithTLS())
	t.Setenv("AWS_CA_BUNDLE", srv.CAFile)
	target, err := ParseTarget(srv.URL(prefix), s3client.Config{
		Endpoint: srv.Endpoint, Region: srv.Region, AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey,
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv, target
}

func TestTargets(t *testing.T) {
	for _, tt := range []struct {
		name   string
		target func(t *testing.T) Target
	}{
		{"dir", func(t *testing.T) Target { return DirTarget(filepath.Join(t.TempDir(), "snapshots")) }},
		{"s3", func(t *testing.T) Target { _, target := newS3TestTarget(t, "backups"); return target }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			target := tt.target(t)
			if objects, err := target.List(ctx); err != nil || len(objects) != 0 {
				t.Fatalf("empty target lists %v, %v", objects, err)
			}
			for _, key := range []string{"b.json", "a.db.gz"} {
				if err := target.Put(ctx, key, strings.NewReader("body of "+key), int64(len("body of "+key)), map[string]string{"sha256": "x"}); err != nil {
					t.Fatal(err)
				}
			}
			objects, err := target.List(ctx)
			if err != nil || len(objects) != 2 || objects[0].Key != "a.db.gz" || objects[0].Size != int64(len("body of a.db.gz")) || objects[1].Key != "b.json" {
				t.Fatalf("List = %+v, %v", objects, err)
			}
			rc, err := target.Get(ctx, "a.db.gz")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(rc)
			rc.Close()
			if string(body) != "body of a.db.gz" {
				t.Fatalf("Get = %q", body)
			}
			if _, err := target.Get(ctx, "missing"); vpslink.ErrorCode(err) != vpslink.ENOTFOUND {
				t.Fatalf("Get(missing) = %v, want not found", err)
			}
			for _, key := range []string{"a.db.gz", "a.db.gz", "missing"} {
				if err := target.Delete(ctx, key); err != nil {
					t.Fatalf("Delete(%s) = %v", key, err)
				}
			}
			if objects, err := target.List(ctx); err != nil || len(objects) != 1 || objects[0].Key != "b.json" {
				t.Fatalf("after delete List = %+v, %v", objects, err)
			}
		})
	}
}

// TestS3Outage stops the S3 server during two hourly snapshots: they queue
// locally, nothing is pruned, and once the server is back the queue is
// uploaded oldest first, then retention runs; the newest snapshot verifies.
func TestS3Outage(t *testing.T) {
	ctx := context.Background()
	srv, target := newS3TestTarget(t, "backups")
	// A foreign object under the prefix must survive every prune.
	if err := target.Put(ctx, "notes.txt", strings.NewReader("keep me"), 7, nil); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "whatsapp.db")
	db := createTestDB(t, dbPath, 100)
	c := schedulertest.NewClock(time.Time{})
	s := newTestSnapshotter(t, dbPath, target, c)
	s.Policy = RetentionPolicy{Hourly: 3}

	var keys []string
	snapshotAt := func(hour int, wantErr bool) {
		t.Helper()
		c.Set(time.Date(2026, 11, 27, hour, 0, 0, 0, time.UTC))
		insertContacts(t, db, 1000*hour, 1)
		meta, err := s.Backup(ctx)
		if (err != nil) != wantErr || meta.Key == "" {
			t.Fatalf("snapshot at %02d:00: %v (want error: %v)", hour, err, wantErr)
		}
		keys = append(keys, meta.Key)
	}
	snapshotAt(10, false)
	snapshotAt(11, false)
	srv.Stop()
	snapshotAt(12, true)
	snapshotAt(13, true)
	if got := testutil.ToFloat64(s.Metrics.QueueLength); got != 2 {
		t.Fatalf("queue length = %v while S3 is down, want 2", got)
	}
	srv.Restart()
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}

	// The access log holds every request in order; none reached the server
	// while it was down.
	var uploads, deletes []string
	for _, r := range srv.Requests() {
		switch r.Operation {
		case "PutObject":
			uploads = append(uploads, r.Key)
		case "DeleteObject":
			deletes = append(deletes, r.Key)
		}
	}
	want := []string{"backups/notes.txt"}
	for _, k := range keys {
		want = append(want, "backups/"+k, "backups/"+k+".json")
	}
	if !slicesEqual(uploads, want) {
		t.Fatalf("uploads after the outage:\n got %v\nwant %v", uploads, want)
	}
	if want := []string{"backups/" + keys[0] + ".json", "backups/" + keys[0]}; !slicesEqual(deletes, want) {
		t.Fatalf("deletes after the outage: got %v, want %v", deletes, want)
	}
	objects, err := target.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range objects {
		got = append(got, o.Key)
	}
	if want := []string{"notes.txt", keys[1], keys[1] + ".json", keys[2], keys[2] + ".json", keys[3], keys[3] + ".json"}; !slicesEqual(got, want) {
		t.Fatalf("target holds %v, want %v", got, want)
	}
	meta, err := VerifySnapshot(ctx, target, "latest", t.TempDir())
	if err != nil || meta.Key != keys[3] || meta.RowCounts["contacts"] != 104 {
		t.Fatalf("verify latest = %+v, %v", meta, err)
	}

	// An object damaged on the server fails verification with the reason.
	damaged := strings.Repeat("x", int(meta.Size))
	if err := target.Put(ctx, keys[3], strings.NewReader(damaged), meta.Size, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifySnapshot(ctx, target, "latest", t.TempDir()); err == nil || !strings.Contains(err.Error(), keys[3]+" is corrupt: sha256") {
		t.Fatalf("verify of a damaged object: %v", err)
	}
}
