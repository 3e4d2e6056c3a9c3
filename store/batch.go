package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// maxBatch bounds how many writes share one transaction, so that one
// commit never holds the write lock for long.
const maxBatch = 128

// Batcher groups concurrent writes into one transaction: with
// synchronous=FULL every commit waits for an fsync, and a commit shared by
// the writes that queued up during the previous one makes each of them pay
// for one fsync instead of waiting for all those before it.
//
// There is no background goroutine: the first caller to find no batch
// running leads one, and hands the lead to a waiting caller when it is done.
type Batcher struct {
	db *DB

	mu      sync.Mutex
	queue   []*batchOp
	leading bool
}

type batchOp struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *Tx) error
	done chan batchResult
}

// batchResult is either the outcome of an op or, with lead set, the signal
// that its caller now leads the next batch.
type batchResult struct {
	err  error
	lead bool
}

// NewBatcher returns a Batcher writing to db.
func NewBatcher(db *DB) *Batcher { return &Batcher{db: db} }

// Update runs fn in a transaction that it may share with concurrent Update
// calls and returns once that transaction has committed. fn runs in a
// savepoint of its own: when it returns an error, its writes are rolled
// back, the others' still commit, and Update returns the error. OnWrite
// listeners are notified once per transaction that wrote something.
//
// fn gets a context that is not cancelled with the caller's, because an
// interrupted statement would roll back the whole shared transaction; a
// caller whose context ends before its turn is skipped.
func (b *Batcher) Update(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	op := &batchOp{ctx: ctx, fn: fn, done: make(chan batchResult, 1)}
	b.mu.Lock()
	b.queue = append(b.queue, op)
	lead := !b.leading
	b.leading = true
	b.mu.Unlock()
	if lead {
		b.lead()
	}
	for {
		r := <-op.done
		if !r.lead {
			return r.err
		}
		b.lead()
	}
}

// lead runs one batch, then passes the lead to the oldest waiting caller.
func (b *Batcher) lead() {
	b.mu.Lock()
	n := min(len(b.queue), maxBatch)
	ops := b.queue[:n:n]
	b.queue = b.queue[n:]
	b.mu.Unlock()

	b.run(ops)

	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.queue) == 0 {
		b.leading = false
		b.queue = nil
		return
	}
	b.queue[0].done <- batchResult{lead: true}
}

var (
	// errNothingCommitted rolls back a batch in which every op failed.
	errNothingCommitted = errors.New("every write of the batch failed")
	// errSavepoint means an op's writes could not be isolated.
	errSavepoint = errors.New("savepoint")
)

func (b *Batcher) run(ops []*batchOp) {
	errs := make([]error, len(ops))
	ctx := context.Background()
	wrote := false
	err := b.db.update(ctx, func(tx *Tx) error {
		for i, op := range ops {
			if err := op.ctx.Err(); err != nil {
				errs[i] = err
				continue
			}
			errs[i] = b.runOp(ctx, tx, op, len(ops) > 1)
			if errors.Is(errs[i], errSavepoint) {
				return errs[i] // the transaction's state is unknown: abort it all
			} else if errs[i] == nil {
				wrote = true
			}
		}
		if !wrote {
			return errNothingCommitted
		}
		return nil
	})
	if err != nil && !errors.Is(err, errNothingCommitted) {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
		wrote = false
	}
	if wrote {
		b.db.notify()
	}
	for i, op := range ops {
		op.done <- batchResult{err: errs[i]}
	}
}

// runOp runs one op, in a savepoint when it shares the transaction (a lone
// op's failure rolls back the whole transaction instead, which saves two
// statements). A panic in fn becomes its error so that the batch, and the
// callers waiting for it, carry on.
func (b *Batcher) runOp(ctx context.Context, tx *Tx, op *batchOp, isolate bool) (err error) {
	if isolate {
		if _, err := tx.ExecContext(ctx, `SAVEPOINT batch_op`); err != nil {
			return fmt.Errorf("%w: %w", errSavepoint, err)
		}
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("batched write panicked: %v", p)
		}
		if !isolate {
			return
		}
		if err != nil {
			if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO batch_op`); rerr != nil {
				err = fmt.Errorf("%w: rollback after %w: %w", errSavepoint, err, rerr)
			}
		}
		if _, rerr := tx.ExecContext(ctx, `RELEASE batch_op`); rerr != nil {
			err = fmt.Errorf("%w: release: %w", errSavepoint, rerr)
		}
	}()
	return op.fn(ctx, tx)
}
