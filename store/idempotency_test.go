package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

func TestIdempotency_SaveLookupPrune(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	if r, err := db.IdempotencyRecord(ctx, "k1", "POST", "/api/messages"); err != nil || r != nil {
		t.Fatalf("missing key: %+v %v", r, err)
	}
	rec := &store.IdempotencyRecord{Key: "k1", Method: "POST", Path: "/api/messages",
		RequestHash: "h", StatusCode: 201, Response: []byte(`{"success":true}`)}
	if err := db.SaveIdempotencyRecord(ctx, rec); err != nil {
		t.Fatal(err)
	}
	got, err := db.IdempotencyRecord(ctx, "k1", "POST", "/api/messages")
	if err != nil || got.StatusCode != 201 || got.RequestHash != "h" || !bytes.Equal(got.Response, rec.Response) ||
		!got.CreatedAt.Equal(db.Now()) {
		t.Fatalf("lookup: %+v %v", got, err)
	}
	for _, other := range [][2]string{{"POST", "/api/jobs"}, {"PATCH", "/api/messages"}} {
		if r, _ := db.IdempotencyRecord(ctx, "k1", other[0], other[1]); r != nil {
			t.Fatalf("key leaked to %v", other)
		}
	}
	if err := db.SaveIdempotencyRecord(ctx, rec); vpslink.ErrorCode(err) != vpslink.ECONFLICT {
		t.Fatalf("second save: %v, want conflict", err)
	}
	if n, err := db.PruneIdempotencyRecords(ctx, db.Now()); err != nil || n != 0 {
		t.Fatalf("prune of nothing older: %d %v", n, err)
	}
	if n, err := db.PruneIdempotencyRecords(ctx, db.Now().Add(time.Second)); err != nil || n != 1 {
		t.Fatalf("prune: %d %v", n, err)
	}
}

func TestIdempotency_RollsBackWithTheWrite(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	b := store.NewBatcher(db)
	rec := &store.IdempotencyRecord{Key: "k", Method: "POST", Path: "/p", RequestHash: "h", StatusCode: 201, Response: []byte("{}")}
	err := b.Update(ctx, func(ctx context.Context, tx *store.Tx) error {
		if err := tx.SaveIdempotencyRecord(ctx, rec); err != nil {
			return err
		}
		return vpslink.FieldError("message", "must not be empty")
	})
	if vpslink.ErrorField(err) != "message" {
		t.Fatalf("err = %v", err)
	}
	if r, _ := db.IdempotencyRecord(ctx, "k", "POST", "/p"); r != nil {
		t.Fatal("key of a failed write was stored")
	}
}
