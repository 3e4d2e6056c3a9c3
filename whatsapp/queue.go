package whatsapp

import (
	"context"
	"sync"
	"time"

	"github.com/vpslink/vpslink/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// batchSize bounds how many messages one transaction writes, so that a
// large history sync never holds the write lock for long.
const batchSize = 500

// queue hands events from whatsmeow's goroutine to the worker. push never
// blocks and never drops: whatsmeow waits for its handlers before it acks
// and reads the next frame, and a lost receipt could leave a delivered
// message marked failed.
type queue struct {
	mu    sync.Mutex
	items []any
	wake  chan struct{}
}

func newQueue() *queue { return &queue{wake: make(chan struct{}, 1)} }

func (q *queue) push(item any) {
	q.mu.Lock()
	q.items = append(q.items, item)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// requeue puts items back ahead of those queued since, without waking the
// worker: they are retried when their retry is due.
func (q *queue) requeue(items []any) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = append(items, q.items...)
}

func (q *queue) take() []any {
	q.mu.Lock()
	defer q.mu.Unlock()
	items := q.items
	q.items = nil
	return items
}

// handleEvent is whatsmeow's event handler. Connection events change the
// state at once; everything that writes to the database goes to the worker.
func (c *Client) handleEvent(evt any) {
	if c.handleConnection(evt) {
		return
	}
	switch evt.(type) {
	case *events.Message, *events.HistorySync, *events.Receipt, *events.GroupInfo, *events.JoinedGroup:
		c.queue.push(evt)
	}
}

// Receipts whose write failed are retried after receiptRetry, doubling up
// to maxReceiptRetry while they keep failing.
const (
	receiptRetry    = time.Second
	maxReceiptRetry = time.Minute
)

// runWorker writes queued events until ctx ends, then writes what is left.
// The writes themselves are not cancelled: each is one short transaction,
// and a receipt dropped at shutdown would leave a delivered message failed.
// A receipt whose write fails (a busy or full database) is kept and
// retried: WhatsApp has had its acknowledgement and will not send it
// again.
func (c *Client) runWorker(ctx context.Context) {
	write := context.WithoutCancel(ctx)
	var retry <-chan time.Time
	backoff := receiptRetry
	for {
		select {
		case <-ctx.Done():
			c.drain(write, backoff)
			return
		case <-c.queue.wake:
		case <-retry:
		}
		failed := c.process(write, c.queue.take())
		if len(failed) == 0 {
			retry, backoff = nil, receiptRetry
			continue
		}
		c.queue.requeue(failed)
		c.log.Warn("receipts not recorded; retrying", "count", len(failed), "retry_in", backoff.String())
		retry = time.After(backoff)
		backoff = min(2*backoff, maxReceiptRetry)
	}
}

// drain writes what is left at shutdown, retrying failed receipts a few
// times before it gives up on them with an error that names them.
func (c *Client) drain(ctx context.Context, backoff time.Duration) {
	for attempt := 1; ; attempt++ {
		failed := c.process(ctx, c.queue.take())
		if len(failed) == 0 {
			return
		}
		if attempt == 3 {
			for _, item := range failed {
				e := item.(*events.Receipt)
				c.log.Error("receipt lost at shutdown: its message keeps the outcome its send had", "type", string(e.Type), "ids", e.MessageIDs)
			}
			return
		}
		c.queue.requeue(failed)
		time.Sleep(min(backoff, 5*time.Second))
	}
}

// process writes items in order: runs of chats and messages in batches of
// batchSize, receipts as they come. It returns the receipts it could not
// write.
func (c *Client) process(ctx context.Context, items []any) (failed []any) {
	var b store.WABatch
	flush := func() {
		if len(b.Chats) == 0 && len(b.Groups) == 0 && len(b.Messages) == 0 {
			return
		}
		n, err := c.db.IngestWhatsApp(ctx, b)
		if err != nil {
			c.log.Error("store WhatsApp messages", "messages", len(b.Messages), "chats", len(b.Chats), "groups", len(b.Groups), "err", err)
		}
		c.metrics.stored.Add(float64(n))
		b = store.WABatch{}
	}
	add := func(chats []store.WAChat, msgs []store.WAMessage) {
		if len(chats) > 0 && len(b.Messages) > 0 {
			flush() // a batch writes its chats first: keep the events' order
		}
		b.Chats = append(b.Chats, chats...)
		for len(msgs) > 0 {
			n := min(len(msgs), batchSize-len(b.Messages))
			b.Messages = append(b.Messages, msgs[:n]...)
			msgs = msgs[n:]
			if len(b.Messages) >= batchSize {
				flush()
			}
		}
	}
	addGroup := func(g store.WAGroup) {
		if len(b.Messages) > 0 {
			flush() // a batch writes its groups before its messages: keep the events' order
		}
		b.Groups = append(b.Groups, g)
	}
	own := c.ownJID()
	for _, item := range items {
		switch e := item.(type) {
		case *events.Message:
			if m, ok := messageRecord(e, own, true); ok {
				c.metrics.incoming.Inc()
				add(nil, []store.WAMessage{m})
			}
		case store.WAMessage: // our own send
			add(nil, []store.WAMessage{e})
		case *events.HistorySync:
			add(historyRecords(e, own))
		case *events.GroupInfo:
			addGroup(c.groupChange(e))
		case *events.JoinedGroup:
			addGroup(joinedGroup(e))
		case *events.Receipt:
			flush()
			if err := c.applyReceipt(ctx, e); err != nil {
				failed = append(failed, e)
			}
		}
	}
	flush()
	return failed
}

// applyReceipt records a delivered or read receipt from a recipient in the
// ledger. Receipts sent by our own devices (for messages we received, or
// "sender" receipts) and retry receipts say nothing about the recipient.
// It returns the error of a write that failed, to be retried.
func (c *Client) applyReceipt(ctx context.Context, e *events.Receipt) error {
	var kind string
	switch {
	case e.IsFromMe:
		c.metrics.receipts.WithLabelValues("own").Inc()
		return nil
	case e.Type == types.ReceiptTypeDelivered:
		kind = store.ReceiptDelivered
	case e.Type == types.ReceiptTypeRead || e.Type == types.ReceiptTypePlayed:
		kind = store.ReceiptRead
	default:
		c.metrics.receipts.WithLabelValues(receiptLabel(e.Type)).Inc()
		return nil
	}
	res, err := c.db.ApplyReceipt(ctx, kind, e.MessageIDs, e.Timestamp)
	if err != nil {
		c.log.Error("record WhatsApp receipt", "kind", kind, "ids", e.MessageIDs, "err", err)
		return err
	}
	c.metrics.receipts.WithLabelValues(kind).Inc()
	for _, id := range res.Confirmed {
		c.log.Info("receipt confirmed a message whose send outcome was unknown", "message_id", id, "receipt", kind)
	}
	for _, id := range res.Recounted {
		c.log.Info("receipt confirmed a job recipient whose send outcome was unknown", "job_id", id, "receipt", kind)
	}
	return nil
}

// receiptLabel bounds the metric's label values to the types whatsmeow knows.
func receiptLabel(t types.ReceiptType) string {
	switch t {
	case types.ReceiptTypeSender, types.ReceiptTypeRetry, types.ReceiptTypeServerError, types.ReceiptTypeInactive,
		types.ReceiptTypePeerMsg, types.ReceiptTypeHistorySync, types.ReceiptTypeReadSelf, types.ReceiptTypePlayedSelf:
		return string(t)
	}
	return "other"
}
