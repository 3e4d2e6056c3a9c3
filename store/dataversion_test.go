package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

func TestDataVersion_ChangesOnEveryCommit(t *testing.T) {
	ctx := context.Background()
	at := storetest.Now.Add(time.Hour)
	tests := []struct {
		name  string
		write func(t *testing.T, db *store.DB)
	}{
		{"through the same DB", func(t *testing.T, db *store.DB) {
			storetest.CreateMessage(t, db, "+14155550101", "hi", at)
		}},
		{"through another DB on the same file", func(t *testing.T, db *store.DB) {
			other := storetest.Open(t, storetest.WithPath(db.Path()))
			storetest.CreateMessage(t, other, "+14155550102", "hi", at)
			other.Close()
		}},
		{"through a raw connection", func(t *testing.T, db *store.DB) {
			if _, err := storetest.Raw(t, db).Exec(`UPDATE scheduled_messages SET message = 'changed'`); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := storetest.Open(t)
			storetest.CreateMessage(t, db, "+14155550103", "first", at)
			before, err := db.DataVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if again, err := db.DataVersion(ctx); err != nil || again != before {
				t.Fatalf("without a write: %d, %v; want %d", again, err, before)
			}
			if _, _, err := db.ListMessages(ctx, vpslink.MessageFilter{}); err != nil {
				t.Fatal(err)
			}
			if again, _ := db.DataVersion(ctx); again != before {
				t.Fatalf("after a read: %d, want %d", again, before)
			}
			tt.write(t, db)
			after, err := db.DataVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if after == before {
				t.Fatalf("data version %d did not change after a commit", after)
			}
		})
	}
}

func TestDataVersion_AfterCloseFails(t *testing.T) {
	db := storetest.Open(t)
	if _, err := db.DataVersion(context.Background()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := db.DataVersion(context.Background()); err == nil {
		t.Fatal("DataVersion after Close succeeded")
	}
}
