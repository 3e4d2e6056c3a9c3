package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/vpslink/vpslink"
)

// jobDue is when a pending or running job's next step is due: the persisted
// next_step_at (remaining delays survive a restart), else the start time.
const jobDue = `coalesce(next_step_at, scheduled_start_at)`

// Due is the earliest thing to send: a scheduled message, or a job's next
// step (its current recipient and part).
type Due struct {
	MessageID string
	JobID     string
	At        time.Time
}

// NextDue returns the earliest pending message or pending/running job step,
// or nil when there is none. Both queries walk an index to their first row,
// so this is as cheap with a million pending rows as with one. Messages and
// jobs whose ids are in skip are passed over: the scheduler skips rows the
// database refuses to let it write, so that they do not hold up the rest.
func (db *DB) NextDue(ctx context.Context, skip ...string) (*Due, error) {
	var best *Due
	var id, at string
	except, args := skipping(skip)
	err := db.read.QueryRowContext(ctx, `SELECT id, scheduled_at FROM scheduled_messages
		WHERE status = 'pending'`+except+` ORDER BY scheduled_at, id LIMIT 1`, args...).Scan(&id, &at)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("next due message: %w", describe(err))
	} else if err == nil {
		best = &Due{MessageID: id, At: parseTime(at)}
	}
	err = db.read.QueryRowContext(ctx, `SELECT id, `+jobDue+` AS due FROM jobs
		WHERE status IN ('pending', 'running')`+except+` ORDER BY due, id LIMIT 1`, args...).Scan(&id, &at)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("next due job: %w", describe(err))
	} else if err == nil {
		if t := parseTime(at); best == nil || t.Before(best.At) {
			best = &Due{JobID: id, At: t}
		}
	}
	return best, nil
}

// skipping returns the condition and argument that leave out the ids in
// skip, or nothing when there are none, so the usual query stays as it is.
func skipping(skip []string) (string, []any) {
	if len(skip) == 0 {
		return "", nil
	}
	return ` AND id NOT IN (SELECT value FROM json_each(?))`, []any{mustJSON(skip)}
}

// DueMessages returns up to n pending messages due at or before now, in
// NextDue's order, without those in skip: a burst of messages due at once
// is read in one query.
func (db *DB) DueMessages(ctx context.Context, now time.Time, n int, skip ...string) ([]*Due, error) {
	except, args := skipping(skip)
	rows, err := db.read.QueryContext(ctx, `SELECT id, scheduled_at FROM scheduled_messages
		WHERE status = 'pending' AND scheduled_at <= ?`+except+` ORDER BY scheduled_at, id LIMIT ?`,
		append(append([]any{fmtTime(now)}, args...), n)...)
	if err != nil {
		return nil, fmt.Errorf("due messages: %w", describe(err))
	}
	defer rows.Close()
	var due []*Due
	for rows.Next() {
		var id, at string
		if err := rows.Scan(&id, &at); err != nil {
			return nil, fmt.Errorf("due messages: %w", err)
		}
		due = append(due, &Due{MessageID: id, At: parseTime(at)})
	}
	return due, rows.Err()
}

// ClaimJobStep re-checks, in one write transaction committed before the
// network call, that job id is pending or running, still at recipient r and
// part p, due at now, and that sending is not stopped; then it claims the
// ledger row for (job, r, p) and marks the job running. A job not
// started yet whose start is older than maxLateness is reported missed.
func (db *DB) ClaimJobStep(ctx context.Context, id string, r, p int, now time.Time, maxLateness time.Duration) (*Claim, error) {
	c, err := db.claim(ctx, func(tx *Tx, c *Claim) error {
		j, err := getJob(ctx, tx, id)
		if err != nil {
			return err
		}
		c.Job = j
		due := j.ScheduledStartAt
		if j.NextStepAt != nil {
			due = *j.NextStepAt
		}
		if (j.Status != vpslink.JobPending && j.Status != vpslink.JobRunning) ||
			j.CurrentRecipientIndex != r || j.CurrentPartIndex != p || due.After(now) {
			c.Status = ClaimSkip
			return nil
		}
		if late := now.Sub(j.ScheduledStartAt); maxLateness > 0 && late > maxLateness {
			// A not-sent attempt marks the job running without starting
			// it: the lateness applies until something may have gone.
			if started, err := tx.jobStarted(ctx, j); err != nil || !started {
				c.Status, c.Late = ClaimMissed, late
				return err
			}
		}
		if r >= len(j.Recipients) || p >= len(j.MessageParts) {
			c.Status = ClaimRefused
			c.Reason = fmt.Sprintf("progress (recipient %d, part %d) is outside the job's %d recipients and %d parts",
				r, p, len(j.Recipients), len(j.MessageParts))
			return nil
		}
		d := &vpslink.Delivery{JobID: id, RecipientIndex: r, PartIndex: p, Recipient: j.Recipients[r]}
		field := fmt.Sprintf("message_parts[%d].text", p)
		step := `job_id = ? AND recipient_index = ? AND part_index = ?`
		if d.Text, c.Reason, err = tx.renderFor(ctx, field, j.MessageParts[p].Text, d.Recipient); err != nil {
			return err
		} else if c.Reason != "" {
			// One recipient's text cannot be filled (its contact lost a
			// value since the job was created): that recipient fails, with
			// the reason in its ledger row, committed before anything else
			// is sent; the job goes on with the next recipient.
			var recorded bool
			c.Delivery, recorded, err = tx.recordUnsendable(ctx, d, now, "not sent: "+c.Reason, step, id, r, p)
			if !recorded {
				c.Reason = "" // an earlier attempt's row stands
			}
			c.Status = ClaimRecorded
			return err
		}
		if c.Delivery, c.Status, c.Reason, err = tx.claimDelivery(ctx, d, now, "", step, id, r, p); err != nil || c.Status != ClaimOK {
			if c.Status == ClaimRefused && c.Delivery != nil {
				c.Status = ClaimRecorded
			}
			return err
		}
		if j.Status == vpslink.JobPending {
			j.Status = vpslink.JobRunning
			if _, err := tx.ExecContext(ctx, `UPDATE jobs SET status = 'running', updated_at = ? WHERE id = ?`, fmtTime(now), id); err != nil {
				return fmt.Errorf("mark job running: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim job %s step %d/%d: %w", id, r, p, err)
	}
	return c, nil
}

// JobProgress is a job's progress after a step.
type JobProgress struct {
	CurrentRecipientIndex int
	CurrentPartIndex      int
	// RecipientSent and RecipientFailed say that the step ended its
	// recipient, and how. The job's counters are incremented, never set,
	// so that a receipt recounting an earlier recipient meanwhile stays.
	RecipientSent   bool
	RecipientFailed bool
	LastSentAt      *time.Time
	NextStepAt      *time.Time
	// Finished: the step ended the last recipient. The job ends completed,
	// or failed when no recipient was sent.
	Finished bool
}

// everyRecipientFailed is the error of a job that ended with no recipient sent.
const everyRecipientFailed = "every recipient failed"

// FinishJobStep records the outcome of job step d (its ledger row) with
// the job's progress after it, next(outcome), in one synced commit, so that a restart
// resumes at exactly the next step and a power cut after it cannot turn a
// sent part into an unknown one. The outcome joins the queue of send
// outcomes first: when the commit fails, it stays queued and the next
// write transaction records it, as a message's outcome is; the error says
// it is not recorded yet. next gets the outcome as recorded, which is sent
// when a receipt for the step came first, whatever o says.
func (db *DB) FinishJobStep(ctx context.Context, d *vpslink.Delivery, o Outcome, next func(Outcome) JobProgress) error {
	db.queueResult(sendResult{d: d, o: o, next: next})
	if err := db.FlushResults(ctx); err != nil {
		return fmt.Errorf("finish job %s step %d/%d: %w", d.JobID, d.RecipientIndex, d.PartIndex, err)
	}
	return nil
}

// finishJobStep writes a job step's outcome on its ledger row and moves the
// job on, if it is still at that step: a job whose progress moved past it
// (the step was recovered after a crash) keeps its progress. A job paused
// meanwhile stays paused; a cancelled one stays cancelled.
func (tx *Tx) finishJobStep(ctx context.Context, d *vpslink.Delivery, o Outcome, next func(Outcome) JobProgress) error {
	o, err := tx.finishDelivery(ctx, d.ID, o)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // the job was deleted with its ledger
	} else if err != nil {
		return err
	}
	p := next(o)
	// In SET expressions, columns hold the row's values before the
	// update: recipients_sent + ?3 is the new count.
	_, err = tx.ExecContext(ctx, `UPDATE jobs SET current_recipient_index = ?1, current_part_index = ?2,
			recipients_sent = recipients_sent + ?3, recipients_failed = recipients_failed + ?4,
			last_sent_at = ?5, next_step_at = ?6,
			status = CASE WHEN ?7 AND status IN ('pending', 'running', 'paused')
				THEN CASE WHEN recipients_sent + ?3 = 0 THEN 'failed' ELSE 'completed' END ELSE status END,
			completed_at = CASE WHEN ?7 AND status IN ('pending', 'running', 'paused') THEN ?8 ELSE completed_at END,
			error_message = CASE WHEN ?7 AND status IN ('pending', 'running', 'paused') AND recipients_sent + ?3 = 0
				THEN ?9 ELSE error_message END,
			updated_at = ?8 WHERE id = ?10 AND current_recipient_index = ?11 AND current_part_index = ?12`,
		p.CurrentRecipientIndex, p.CurrentPartIndex, p.RecipientSent, p.RecipientFailed,
		nullTime(p.LastSentAt), nullTime(p.NextStepAt), p.Finished, fmtTime(o.At), everyRecipientFailed, d.JobID,
		d.RecipientIndex, d.PartIndex)
	if err != nil {
		return fmt.Errorf("update job progress: %w", err)
	}
	return nil
}

// FailJob ends a pending or running job as failed with reason.
func (db *DB) FailJob(ctx context.Context, id string, now time.Time, reason string) error {
	err := db.Update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE jobs SET status = 'failed', error_message = ?, completed_at = ?, updated_at = ?
			WHERE id = ? AND status IN ('pending', 'running')`, reason, fmtTime(now), fmtTime(now), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("fail job %s: %w", id, err)
	}
	return nil
}

// ClaimedJobDeliveries returns the job ledger rows still claimed: sends a
// previous process started and never recorded the outcome of.
func (db *DB) ClaimedJobDeliveries(ctx context.Context) ([]*vpslink.Delivery, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries
		WHERE state = 'claimed' AND job_id IS NOT NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list claimed job deliveries: %w", describe(err))
	}
	defer rows.Close()
	var out []*vpslink.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ChangeWatcher detects commits by any other connection or process through
// PRAGMA data_version on a dedicated read connection: one cheap query per
// check, no scan.
type ChangeWatcher struct {
	conn    *sql.Conn
	version int64
}

// WatchChanges opens a change watcher. Close it when done.
func (db *DB) WatchChanges(ctx context.Context) (*ChangeWatcher, error) {
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("open change watcher: %w", err)
	}
	w := &ChangeWatcher{conn: conn}
	if _, err := w.Changed(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return w, nil
}

// Changed reports whether anything was committed since the last call.
func (w *ChangeWatcher) Changed(ctx context.Context) (bool, error) {
	var v int64
	if err := w.conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
		return false, fmt.Errorf("read data_version: %w", err)
	}
	changed := v != w.version
	w.version = v
	return changed, nil
}

// Close releases the watcher's connection.
func (w *ChangeWatcher) Close() error { return w.conn.Close() }

// DeferJobStep moves a job's step at recipient r and part p to until (the
// end of the recipient's quiet hours), if the job is still pending or
// running at that step. A job that has not started moves its start too,
// so that the wait never counts as lateness. It reports whether it moved.
func (db *DB) DeferJobStep(ctx context.Context, id string, r, p int, until time.Time) (bool, error) {
	var moved bool
	err := db.Update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET next_step_at = ?, updated_at = ?,
			scheduled_start_at = CASE WHEN status = 'pending' THEN ? ELSE scheduled_start_at END
			WHERE id = ? AND status IN ('pending', 'running') AND current_recipient_index = ? AND current_part_index = ?`,
			fmtTime(until), fmtTime(tx.now), fmtTime(until), id, r, p)
		if err != nil {
			return fmt.Errorf("defer job %s: %w", id, describe(err))
		}
		n, err := res.RowsAffected()
		moved = n == 1
		return err
	})
	return moved, err
}

// DeferMessage moves a pending message to until (the end of its
// recipient's quiet hours) and reports whether it moved.
func (db *DB) DeferMessage(ctx context.Context, id string, until time.Time) (bool, error) {
	var moved bool
	err := db.Update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE scheduled_messages SET scheduled_at = ?, updated_at = ?
			WHERE id = ? AND status = 'pending'`, fmtTime(until), fmtTime(tx.now), id)
		if err != nil {
			return fmt.Errorf("defer message %s: %w", id, describe(err))
		}
		n, err := res.RowsAffected()
		moved = n == 1
		return err
	})
	return moved, err
}
