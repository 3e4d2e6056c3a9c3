package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store/storetest"
)

// TestUIBackups takes, lists and verifies a snapshot through what the web
// UI's backups page calls, on a directory target.
func TestUIBackups(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := DefaultConfig()
	cfg.DB = filepath.Join(dir, "whatsapp.db")
	cfg.SnapshotTarget = filepath.Join(dir, "remote")
	cfg.Retention = "daily=2"
	t.Setenv("LITESTREAM_CONFIG", filepath.Join(dir, "missing.yml"))
	db := storetest.Open(t, storetest.WithPath(cfg.DB))
	if err := db.CreateContact(ctx, &vpslink.Contact{Phone: "4917612345678", Name: "Anna"}); err != nil {
		t.Fatal(err)
	}
	snap, err := snapshotter(cfg, "", prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	b := uiBackups{snap}
	if b.Target() != cfg.SnapshotTarget {
		t.Fatalf("target %q", b.Target())
	}
	taken, err := b.BackupNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	list, err := b.List(ctx)
	if err != nil || len(list) != 1 || list[0].Key != taken.Key || !list[0].Keep || len(list[0].Tiers) == 0 || list[0].Size == 0 {
		t.Fatalf("list: %+v, %v", list, err)
	}
	if res, err := b.Verify(ctx, "latest"); err != nil || !strings.Contains(res, taken.Key+" is good") {
		t.Fatalf("verify: %q, %v", res, err)
	}
	if _, err := b.Verify(ctx, "whatsapp_20250101_120000.db.gz"); err == nil {
		t.Fatal("verified a snapshot that does not exist")
	}
}
