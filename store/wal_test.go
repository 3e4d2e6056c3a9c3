package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store/storetest"
)

// TestReserveWAL checks that the zero-filled WAL is as large as one
// checkpoint cycle, and that commits written into it survive a crash: a
// copy of the files taken while the database is open (as a power cut
// leaves them) opens with every committed row.
func TestReserveWAL(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	create := func(text string) *vpslink.ScheduledMessage {
		t.Helper()
		m := storetest.CreateMessage(t, db, "491511234567", text, db.Now().Add(time.Hour))
		return m
	}
	before := create("before")
	if err := db.ReserveWAL(ctx); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(db.Path() + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(32 + 8192*(4096+24)); fi.Size() < want {
		t.Fatalf("WAL is %d bytes, want at least %d", fi.Size(), want)
	}
	after := create("after")

	// A second call finds the WAL large enough and leaves it alone.
	if err := db.ReserveWAL(ctx); err != nil {
		t.Fatal(err)
	}
	if fi2, _ := os.Stat(db.Path() + "-wal"); fi2.Size() != fi.Size() {
		t.Fatalf("WAL size changed from %d to %d", fi.Size(), fi2.Size())
	}

	crashed := filepath.Join(t.TempDir(), "whatsapp.db")
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(db.Path() + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(crashed+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	copied := storetest.Open(t, storetest.WithPath(crashed))
	for _, m := range []*vpslink.ScheduledMessage{before, after} {
		got, err := copied.GetMessage(ctx, m.ID)
		if err != nil || got.Message != m.Message {
			t.Fatalf("message %q after the crash: %+v, %v", m.Message, got, err)
		}
	}
	if problems, err := copied.Check(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("check after the crash: %v, %v", problems, err)
	}
}
