package store_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

func TestBatcher_ConcurrentWritesFailIndependently(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	var notified atomic.Int32
	db.OnWrite(func() { notified.Add(1) })
	b := store.NewBatcher(db)
	at := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)

	const n = 64
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = b.Update(ctx, func(ctx context.Context, tx *store.Tx) error {
				m := &vpslink.ScheduledMessage{ID: fmt.Sprintf("m%02d", i), ToPhone: "4915112345678", Message: "hi", ScheduledAt: at}
				if err := tx.CreateMessage(ctx, m); err != nil {
					return err
				}
				switch i % 4 {
				case 1: // written, then refused: its row must roll back
					return vpslink.FieldError("message", "refused")
				case 2:
					panic("boom")
				}
				return nil
			})
		})
	}
	wg.Wait()

	for i, err := range errs {
		_, gerr := db.GetMessage(ctx, fmt.Sprintf("m%02d", i))
		switch i % 4 {
		case 0, 3:
			if err != nil || gerr != nil {
				t.Fatalf("op %d: %v, get: %v", i, err, gerr)
			}
		default:
			if err == nil || vpslink.ErrorCode(gerr) != vpslink.ENOTFOUND {
				t.Fatalf("op %d: err %v, but row: %v", i, err, gerr)
			}
		}
	}
	if got := notified.Load(); got < 1 || got > n/2 {
		t.Fatalf("notified %d times", got)
	}
}

func TestBatcher_AllFailedWritesNothing(t *testing.T) {
	db := storetest.Open(t)
	notified := false
	db.OnWrite(func() { notified = true })
	err := store.NewBatcher(db).Update(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		m := &vpslink.ScheduledMessage{ID: "lone", ToPhone: "4915112345678", Message: "hi", ScheduledAt: db.Now()}
		if err := tx.CreateMessage(ctx, m); err != nil {
			return err
		}
		return vpslink.Errorf(vpslink.ECONFLICT, "no")
	})
	if vpslink.ErrorCode(err) != vpslink.ECONFLICT || notified {
		t.Fatalf("err %v, notified %v", err, notified)
	}
	if _, err := db.GetMessage(context.Background(), "lone"); vpslink.ErrorCode(err) != vpslink.ENOTFOUND {
		t.Fatalf("the failed write was kept: %v", err)
	}
}

func TestBatcher_CancelledCallerIsSkipped(t *testing.T) {
	db := storetest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := store.NewBatcher(db).Update(ctx, func(ctx context.Context, tx *store.Tx) error {
		ran = true
		return nil
	})
	if err != context.Canceled || ran {
		t.Fatalf("err %v, ran %v", err, ran)
	}
}
