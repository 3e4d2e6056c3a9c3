package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/vpslink/vpslink"
)

// ClaimStatus says what a claim transaction decided.
type ClaimStatus int

// Claim outcomes. Only ClaimOK allows the caller to send.
const (
	// ClaimOK: the ledger row is committed in state claimed; send now.
	ClaimOK ClaimStatus = iota
	// ClaimSkip: the source changed (cancelled, edited to a later time,
	// paused, already handled); re-plan.
	ClaimSkip
	// ClaimStopped: the emergency stop is on.
	ClaimStopped
	// ClaimMissed: the source is older than the maximum lateness; Late says
	// by how much. Nothing was written.
	ClaimMissed
	// ClaimRefused: the source cannot be sent (a message's ledger row
	// already shows an attempt, or a job's recipients or parts are
	// unusable); Reason says why. Nothing was written.
	ClaimRefused
	// ClaimRecorded: the job step has a ledger row from an earlier attempt
	// whose outcome the job's progress does not show yet (a receipt came
	// before the outcome, or the outcome's write failed), or the claim just
	// recorded it failed because its text cannot be filled for its
	// recipient (Reason says why); Delivery is that row, and its state
	// stands as the step's outcome.
	ClaimRecorded
)

// Claim is the result of a claim transaction.
type Claim struct {
	Status   ClaimStatus
	Delivery *vpslink.Delivery
	Message  *vpslink.ScheduledMessage // message claims
	Job      *vpslink.Job              // job claims
	Late     time.Duration             // ClaimMissed
	Reason   string                    // ClaimRefused
}

// stopped reports whether the emergency stop is on, inside tx, so that a stop
// written by any process is seen by the very next claim.
func (tx *Tx) stopped(ctx context.Context) (bool, error) {
	v, err := tx.setting(ctx, SettingSendingStopped)
	return v == "1", err
}

// claim runs fn in a write transaction after the checks every claim shares:
// the emergency stop, and a source that was deleted meanwhile.
func (db *DB) claim(ctx context.Context, fn func(tx *Tx, c *Claim) error) (*Claim, error) {
	c := &Claim{}
	err := db.UpdateQuiet(ctx, func(tx *Tx) error {
		if stop, err := tx.stopped(ctx); err != nil || stop {
			c.Status = ClaimStopped
			return err
		}
		err := fn(tx, c)
		if vpslink.ErrorCode(err) == vpslink.ENOTFOUND {
			*c = Claim{Status: ClaimSkip}
			return nil
		}
		return err
	})
	return c, err
}

// ClaimMessage re-checks, in one write transaction committed before the
// network call, that message id is still pending and due at now and that
// sending is not stopped; then it claims the ledger row, with the WhatsApp
// id the attempt derives, and marks the message sending. A ledger row in any state but not_sent means an
// earlier attempt may have left the machine, so the message is refused.
func (db *DB) ClaimMessage(ctx context.Context, id string, now time.Time, maxLateness time.Duration) (*Claim, error) {
	c, err := db.claim(ctx, func(tx *Tx, c *Claim) error {
		m, err := getMessage(ctx, tx, id)
		if err != nil {
			return err
		}
		c.Message = m
		if m.Status != vpslink.MessagePending || m.ScheduledAt.After(now) {
			c.Status = ClaimSkip
			return nil
		}
		if late := now.Sub(m.ScheduledAt); maxLateness > 0 && late > maxLateness {
			// A missed occurrence fails; its series goes on.
			c.Status, c.Late = ClaimMissed, late
			return tx.continueSeries(ctx, m)
		}
		// The phone rules run again here: a row another tool wrote may hold
		// a national number ("07700900127") the triggers could only reduce
		// to digits; it goes to the number the rules read, or nowhere.
		jid, err := vpslink.NormalizeRecipient("to_phone", m.ToPhone)
		if err != nil {
			c.Status, c.Reason = ClaimRefused, vpslink.ErrorMessage(err)
			return nil
		}
		d := &vpslink.Delivery{MessageID: id, Recipient: jid}
		if d.Text, c.Reason, err = tx.renderFor(ctx, "message", m.Message, d.Recipient); err != nil {
			return err
		} else if c.Reason != "" {
			// The text cannot be filled for the recipient (its contact lost
			// a value since the message was created): this occurrence fails
			// with the reason, and its series goes on, in one commit.
			c.Status = ClaimRefused
			if _, err := tx.ExecContext(ctx, `UPDATE scheduled_messages SET status = 'failed', error_message = ?, updated_at = ?
				WHERE id = ?`, c.Reason, fmtTime(now), id); err != nil {
				return fmt.Errorf("fail message: %w", err)
			}
			return tx.continueSeries(ctx, m)
		}
		if c.Delivery, c.Status, c.Reason, err = tx.claimDelivery(ctx, d, now, m.ResentFrom, `message_id = ?`, id); err != nil || c.Status != ClaimOK {
			return err
		}
		// The next occurrence of a series is created in the transaction
		// that claims this one: once the claim is committed, the next
		// occurrence exists, and without the commit neither does.
		if err := tx.continueSeries(ctx, m); err != nil {
			return err
		}
		waID := c.Delivery.WAMessageID
		_, err = tx.ExecContext(ctx, `UPDATE scheduled_messages SET status = 'sending', wa_message_id = ?, updated_at = ? WHERE id = ?`,
			waID, fmtTime(now), id)
		if err != nil {
			return fmt.Errorf("mark message sending: %w", err)
		}
		m.Status, m.WAMessageID = vpslink.MessageSending, waID
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim message %s: %w", id, err)
	}
	return c, nil
}

// claimDelivery inserts d as a claimed ledger row, with the WhatsApp id its
// attempt derives (origin: see vpslink.Delivery.DeriveWAMessageID). When the
// source has a row already (its unique index refuses the insert), that row
// is claimed again only if it proved that nothing was sent, else it is
// returned with ClaimRefused; prevWhere and prevArgs select it. Trying the
// insert first spares the usual case, a source never attempted, a query.
func (tx *Tx) claimDelivery(ctx context.Context, d *vpslink.Delivery, now time.Time, origin, prevWhere string, prevArgs ...any) (*vpslink.Delivery, ClaimStatus, string, error) {
	d.State, d.ClaimedAt, d.Attempts = vpslink.DeliveryClaimed, now, 1
	d.WAMessageID = d.DeriveWAMessageID(origin)
	waID := d.WAMessageID
	res, err := tx.ExecContext(ctx, `INSERT INTO deliveries (message_id, job_id, recipient_index, part_index, recipient,
		wa_message_id, state, attempts, claimed_at, text) VALUES (?, ?, ?, ?, ?, ?, 'claimed', 1, ?, ?) ON CONFLICT DO NOTHING`,
		nullString(d.MessageID), nullString(d.JobID), d.RecipientIndex, d.PartIndex, d.Recipient, waID, fmtTime(now), d.Text)
	if err != nil {
		return nil, 0, "", fmt.Errorf("insert ledger row: %w", describe(err))
	}
	if n, _ := res.RowsAffected(); n == 1 {
		d.ID, _ = res.LastInsertId()
		return d, ClaimOK, "", nil
	}
	prev, err := scanDelivery(tx.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE `+prevWhere, prevArgs...))
	if err != nil {
		return nil, 0, "", fmt.Errorf("read ledger: %w", err)
	}
	if prev.State != vpslink.DeliveryNotSent {
		return prev, ClaimRefused, fmt.Sprintf("an earlier attempt is recorded as %s (WhatsApp id %s); it is not sent again", prev.State, prev.WAMessageID), nil
	}
	d.ID, d.Attempts = prev.ID, prev.Attempts+1
	d.WAMessageID = d.DeriveWAMessageID(origin)
	_, err = tx.ExecContext(ctx, `UPDATE deliveries SET state = 'claimed', wa_message_id = ?, recipient = ?,
		attempts = ?, claimed_at = ?, error = NULL, text = ? WHERE id = ? AND state = 'not_sent'`,
		d.WAMessageID, d.Recipient, d.Attempts, fmtTime(now), d.Text, d.ID)
	if err != nil {
		return nil, 0, "", fmt.Errorf("reclaim ledger row: %w", err)
	}
	return d, ClaimOK, "", nil
}

// recordUnsendable writes d as a failed ledger row with reason, for a send
// that cannot be made and was not: nothing goes out, so no WhatsApp id and
// no attempt. A row the step has already stands as it is, unless it proved
// that nothing was sent (not_sent), which is failed in its place. It
// returns the row as recorded, and whether it records reason; prevWhere
// and prevArgs select it.
func (tx *Tx) recordUnsendable(ctx context.Context, d *vpslink.Delivery, now time.Time, reason, prevWhere string, prevArgs ...any) (*vpslink.Delivery, bool, error) {
	d.State, d.Error, d.ClaimedAt, d.Attempts, d.Text = vpslink.DeliveryFailed, reason, now, 0, ""
	res, err := tx.ExecContext(ctx, `INSERT INTO deliveries (message_id, job_id, recipient_index, part_index, recipient,
		wa_message_id, state, error, attempts, claimed_at) VALUES (?, ?, ?, ?, ?, '', 'failed', ?, 0, ?) ON CONFLICT DO NOTHING`,
		nullString(d.MessageID), nullString(d.JobID), d.RecipientIndex, d.PartIndex, d.Recipient, reason, fmtTime(now))
	if err != nil {
		return nil, false, fmt.Errorf("record unsendable step: %w", describe(err))
	}
	if n, _ := res.RowsAffected(); n == 1 {
		d.ID, _ = res.LastInsertId()
		return d, true, nil
	}
	res, err = tx.ExecContext(ctx, `UPDATE deliveries SET state = 'failed', error = ? WHERE `+prevWhere+` AND state = 'not_sent'`,
		append([]any{reason}, prevArgs...)...)
	if err != nil {
		return nil, false, fmt.Errorf("record unsendable step: %w", describe(err))
	}
	prev, err := scanDelivery(tx.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE `+prevWhere, prevArgs...))
	if err != nil {
		return nil, false, fmt.Errorf("read ledger: %w", err)
	}
	n, _ := res.RowsAffected()
	return prev, n == 1, nil
}

// Outcome is the result of one send as the ledger records it.
type Outcome struct {
	State string // vpslink.DeliverySent, DeliveryNotSent, DeliveryFailed or DeliveryUnknown
	Error string
	At    time.Time
}

// finishDelivery records a send's outcome on its ledger row. A receipt can
// be processed before the outcome is (the recipient's phone answers while
// the result commit waits): a row already delivered or read keeps that
// state, and the returned outcome says the send succeeded. A row that no
// longer exists is sql.ErrNoRows.
func (tx *Tx) finishDelivery(ctx context.Context, id int64, o Outcome) (Outcome, error) {
	var sentAt any
	if o.State == vpslink.DeliverySent {
		sentAt = fmtTime(o.At)
	}
	res, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = ?, error = ?, sent_at = ?
		WHERE id = ? AND state NOT IN ('delivered', 'read')`, o.State, nullString(o.Error), sentAt, id)
	if err != nil {
		return o, fmt.Errorf("record ledger result: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return o, nil
	}
	// Gone, or a receipt came first.
	var state string
	if err := tx.QueryRowContext(ctx, `SELECT state FROM deliveries WHERE id = ?`, id).Scan(&state); err != nil {
		return o, fmt.Errorf("read ledger row: %w", err)
	}
	o.State, o.Error = vpslink.DeliverySent, ""
	_, err = tx.ExecContext(ctx, `UPDATE deliveries SET error = NULL, sent_at = coalesce(sent_at, ?) WHERE id = ?`,
		fmtTime(o.At), id)
	if err != nil {
		return o, fmt.Errorf("record ledger result: %w", err)
	}
	return o, nil
}

// FinishMessage records the outcome of a claimed message's send: sent, back
// to pending (not sent, retried later) or failed, with its ledger row.
//
// The outcome is written by the next write transaction, which in a burst
// is the next claim, so that each send costs one commit and one fsync;
// FlushResults writes it when no claim follows (the engine calls it before
// it sleeps). A process killed in between leaves the claim behind, and
// start-up treats a leftover claim as an unknown outcome: the send is never
// repeated.
func (db *DB) FinishMessage(d *vpslink.Delivery, o Outcome) {
	db.queueResult(sendResult{d: d, o: o})
}

// sendResult is a send outcome waiting for the next write transaction: a
// message's, or a job step's with the job's progress after it.
type sendResult struct {
	d    *vpslink.Delivery
	o    Outcome
	next func(Outcome) JobProgress // job steps only
}

func (db *DB) queueResult(r sendResult) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.results = append(db.results, r)
}

// FlushResults commits the send outcomes FinishMessage has queued.
func (db *DB) FlushResults(ctx context.Context) error {
	db.mu.Lock()
	n := len(db.results)
	db.mu.Unlock()
	if n == 0 {
		return nil
	}
	return db.UpdateQuiet(ctx, func(*Tx) error { return nil })
}

// takeResults empties the queue of send outcomes and returns them.
func (db *DB) takeResults() []sendResult {
	db.mu.Lock()
	defer db.mu.Unlock()
	results := db.results
	db.results = nil
	return results
}

// resultRetry is how soon outcomes that a transaction took and did not
// commit are written again by a transaction of their own.
const resultRetry = 500 * time.Millisecond

// requeueResults puts back, ahead of any queued since, outcomes that a
// transaction took and did not commit (an API write that failed its
// checks, a busy database), and has them committed again soon: the
// scheduler, which flushed its queue before it slept, may sleep until its
// next due item, and a message would show `sending` until then. A retry
// that fails requeues them again, so they are retried until the database
// takes them or is closed.
func (db *DB) requeueResults(results []sendResult) {
	if len(results) == 0 {
		return
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	db.results = append(results, db.results...)
	if db.retrying || db.closed {
		return
	}
	db.retrying = true
	time.AfterFunc(resultRetry, func() {
		db.mu.Lock()
		db.retrying = false
		db.mu.Unlock()
		if err := db.FlushResults(context.Background()); err != nil {
			slog.Error("recording send outcomes failed; retrying", "err", err, "retry_in", resultRetry.String())
		}
	})
}

// writeResults writes send outcomes in tx.
func (tx *Tx) writeResults(ctx context.Context, results []sendResult) error {
	for _, r := range results {
		var err error
		if r.next != nil {
			err = tx.finishJobStep(ctx, r.d, r.o, r.next)
		} else {
			err = tx.finishMessage(ctx, r.d, r.o)
		}
		if err != nil && (!IsRefused(err) || !tx.inTransaction()) {
			return fmt.Errorf("finish %s: %w", r.source(), err)
		} else if err != nil {
			tx.refuseResult(ctx, r, err)
		}
	}
	return nil
}

// source names what a result is the outcome of.
func (r sendResult) source() string {
	if r.next != nil {
		return fmt.Sprintf("job %s step %d/%d", r.d.JobID, r.d.RecipientIndex, r.d.PartIndex)
	}
	return "message " + r.d.MessageID
}

// refuseResult handles an outcome the database refuses by its rules (a
// CHECK or a trigger): kept in the queue, it would fail every later write
// that carries it, and nothing would be sent again. The message or job
// fails instead, with the outcome and the reason, where the database still
// lets it; its ledger row keeps its claim, so it is never sent again
// either way.
func (tx *Tx) refuseResult(ctx context.Context, r sendResult, err error) {
	reason := fmt.Sprintf("the database refused to record its outcome (%s, WhatsApp id %s): %v", r.o.State, r.d.WAMessageID, err)
	var ferr error
	if r.next != nil {
		_, ferr = tx.ExecContext(ctx, `UPDATE jobs SET status = 'failed', error_message = ?1, completed_at = ?2, updated_at = ?2
			WHERE id = ?3 AND status IN ('pending', 'running', 'paused')`, reason, fmtTime(r.o.At), r.d.JobID)
	} else {
		_, ferr = tx.ExecContext(ctx, `UPDATE scheduled_messages SET status = 'failed', error_message = ?, updated_at = ?
			WHERE id = ?`, reason, fmtTime(r.o.At), r.d.MessageID)
	}
	if ferr != nil {
		reason += fmt.Sprintf("; marking it failed was refused too: %v", ferr)
	}
	kind := vpslink.SendKindMessage
	if r.next != nil {
		kind = vpslink.SendKindJob
	}
	tx.db.refused(kind, fmt.Errorf("%s: %s", r.source(), reason))
}

// finishMessage writes one send outcome. A message deleted since its claim
// (its ledger row goes with it) has nothing left to record; skipping it
// keeps one vanished row from failing every later write.
func (tx *Tx) finishMessage(ctx context.Context, d *vpslink.Delivery, o Outcome) error {
	o, err := tx.finishDelivery(ctx, d.ID, o)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	switch o.State {
	case vpslink.DeliverySent:
		_, err = tx.ExecContext(ctx, `UPDATE scheduled_messages SET status = 'sent', sent_at = ?, wa_message_id = ?,
			error_message = NULL, updated_at = ? WHERE id = ?`, fmtTime(o.At), d.WAMessageID, fmtTime(o.At), d.MessageID)
	case vpslink.DeliveryNotSent:
		_, err = tx.ExecContext(ctx, `UPDATE scheduled_messages SET status = 'pending', error_message = ?, updated_at = ?
			WHERE id = ? AND status = 'sending'`, nullString(o.Error), fmtTime(o.At), d.MessageID)
	default:
		_, err = tx.ExecContext(ctx, `UPDATE scheduled_messages SET status = 'failed', error_message = ?, updated_at = ?
			WHERE id = ?`, o.Error, fmtTime(o.At), d.MessageID)
	}
	if err != nil {
		return fmt.Errorf("update message: %w", err)
	}
	return nil
}

// FailMessage marks a message that is still pending as failed with reason,
// and reports whether it was.
func (db *DB) FailMessage(ctx context.Context, id string, now time.Time, reason string) (bool, error) {
	var n int64
	err := db.Update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE scheduled_messages SET status = 'failed', error_message = ?, updated_at = ?
			WHERE id = ? AND status = 'pending'`, reason, fmtTime(now), id)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("fail message %s: %w", id, err)
	}
	return n > 0, nil
}

// RecoverMessages handles messages a previous process left in `sending`:
// one whose ledger row a receipt already marked delivered or read is sent;
// the others' send may have left the machine, so they become failed with
// reason and their claimed ledger rows unknown. It returns how many there were.
func (db *DB) RecoverMessages(ctx context.Context, now time.Time, reason string) (int, error) {
	var n int64
	err := db.UpdateQuiet(ctx, func(tx *Tx) error {
		// Without the index named, the planner walks every message's ledger
		// row through idx_deliveries_message.
		if _, err := tx.ExecContext(ctx, `UPDATE deliveries INDEXED BY idx_deliveries_claimed SET state = 'unknown', error = ?
			WHERE state = 'claimed' AND message_id IS NOT NULL`, reason); err != nil {
			return err
		}
		// A receipt recorded before the outcome proves the send.
		if _, err := tx.ExecContext(ctx, `UPDATE scheduled_messages SET status = 'sent', error_message = NULL, updated_at = ?1,
			sent_at = (SELECT coalesce(d.sent_at, d.delivered_at, ?1) FROM deliveries d WHERE d.message_id = scheduled_messages.id)
			WHERE status = 'sending' AND EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = scheduled_messages.id
				AND d.state IN ('sent', 'delivered', 'read'))`, fmtTime(now)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE scheduled_messages SET status = 'failed', error_message = ?, updated_at = ?
			WHERE status = 'sending'`, reason, fmtTime(now))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("recover interrupted messages: %w", err)
	}
	return int(n), nil
}
