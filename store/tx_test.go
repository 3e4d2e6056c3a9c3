package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

// A transaction that fails, panics or whose context is already cancelled
// writes nothing, and the writer connection is left ready for the next one.
func TestUpdate_NothingHalfWritten(t *testing.T) {
	boom := errors.New("boom")
	for _, tt := range []struct {
		name string
		ctx  func() context.Context
		fn   func(ctx context.Context, tx *store.Tx) error
	}{
		{"error after a write", context.Background, func(ctx context.Context, tx *store.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO contacts (phone, name) VALUES ('491510000001', 'Half')`); err != nil {
				return err
			}
			return boom
		}},
		{"failing statement", context.Background, func(ctx context.Context, tx *store.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO contacts (phone, name) VALUES ('491510000001', 'Half')`); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO contacts (phone, name) VALUES ('491510000001', 'Twice')`)
			return err
		}},
		{"panic after a write", context.Background, func(ctx context.Context, tx *store.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO contacts (phone, name) VALUES ('491510000001', 'Half')`); err != nil {
				return err
			}
			panic(boom)
		}},
		{"cancelled before it began", func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, func(ctx context.Context, tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO contacts (phone, name) VALUES ('491510000001', 'Half')`)
			return err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := storetest.Open(t)
			ctx := tt.ctx()
			err := func() (err error) {
				defer func() {
					if r := recover(); r != nil {
						err = r.(error)
					}
				}()
				return db.Update(ctx, func(tx *store.Tx) error { return tt.fn(ctx, tx) })
			}()
			if err == nil {
				t.Fatal("the transaction did not fail")
			}
			var n int
			if err := db.Reader().QueryRow(`SELECT count(*) FROM contacts`).Scan(&n); err != nil || n != 0 {
				t.Fatalf("%d contacts written, %v", n, err)
			}
			c := &vpslink.Contact{Phone: "491510000002", Name: "Next"}
			if err := db.CreateContact(context.Background(), c); err != nil {
				t.Fatalf("the next transaction: %v", err)
			}
		})
	}
}
