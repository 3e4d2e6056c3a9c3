package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

// interruptedReason is the error of a send a previous process claimed and
// never recorded the outcome of.
const interruptedReason = "the service stopped while sending: it may have been delivered and was not retried"

// dispatchMessage claims, sends and records one due scheduled message.
func (e *Engine) dispatchMessage(ctx context.Context, due *store.Due, now time.Time) error {
	log := e.log.With("kind", vpslink.SendKindMessage, "message_id", due.MessageID)
	fail := func(reason string) error {
		_, err := e.db.FailMessage(ctx, due.MessageID, now, reason)
		return err
	}
	if quiet, err := e.quietMessage(ctx, log, due.MessageID, now); quiet || err != nil {
		e.burst = nil // the plan changed
		return err
	}
	c, err := e.db.ClaimMessage(ctx, due.MessageID, now, e.cfg.MaxLateness)
	if err != nil {
		return e.writeRefused(log, vpslink.SendKindMessage, due.MessageID, err, fail)
	}
	if done, err := e.unclaimed(c, log, fail); done {
		return e.writeRefused(log, vpslink.SendKindMessage, due.MessageID, err, fail)
	}
	m := c.Message
	o := e.send(ctx, log, vpslink.Send{
		Kind: vpslink.SendKindMessage, MessageID: m.ID, To: c.Delivery.Recipient, Text: c.Delivery.Text, WAMessageID: c.Delivery.WAMessageID,
	}, m.ScheduledAt, now)
	e.db.FinishMessage(c.Delivery, o)
	if o.State == vpslink.DeliveryNotSent {
		// The plan must see the message pending again to retry it.
		return e.db.FlushResults(context.WithoutCancel(ctx))
	}
	return nil
}

// dispatchJob claims, sends and records a due job's next step.
func (e *Engine) dispatchJob(ctx context.Context, due *store.Due, now time.Time) error {
	j, err := e.db.GetJob(ctx, due.JobID)
	if vpslink.ErrorCode(err) == vpslink.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	r, p := j.CurrentRecipientIndex, j.CurrentPartIndex
	log := e.log.With("kind", vpslink.SendKindJob, "job_id", j.ID, "recipient_index", r, "part_index", p)
	fail := func(reason string) error { return e.db.FailJob(ctx, j.ID, now, reason) }
	settings, _, err := e.db.Settings(ctx)
	if err != nil {
		return err
	}
	pc := e.paceOf(settings, j)
	typing, ok, err := e.beforeClaim(ctx, log, settings, pc, j, now)
	if err != nil || !ok {
		return err
	}
	if typing > 0 {
		now = e.clock.Now() // the claim and the send happen after the typing
	}
	c, err := e.db.ClaimJobStep(ctx, j.ID, r, p, now, e.cfg.MaxLateness)
	if err != nil {
		return e.writeRefused(log, vpslink.SendKindJob, j.ID, err, fail)
	}
	if typing > 0 && c.Status != store.ClaimOK {
		e.typingOff(log, j.Recipients[r])
	}
	var o store.Outcome
	if c.Status == store.ClaimRecorded {
		o = recordedOutcome(c.Delivery, now)
		if c.Reason != "" {
			log.Warn("not sent; its recipient fails and the job goes on", "reason", c.Delivery.Error)
		} else {
			log.Warn("job step already attempted; its ledger row stands as its outcome", "state", c.Delivery.State,
				"wa_message_id", c.Delivery.WAMessageID)
		}
	} else if done, err := e.unclaimed(c, log, fail); done {
		return e.writeRefused(log, vpslink.SendKindJob, j.ID, err, fail)
	} else {
		o = e.send(ctx, log, vpslink.Send{
			Kind: vpslink.SendKindJob, JobID: j.ID, RecipientIndex: r, PartIndex: p,
			To: c.Delivery.Recipient, Text: c.Delivery.Text, WAMessageID: c.Delivery.WAMessageID, Typing: typing,
		}, due.At, now)
	}
	err = e.finishJobStep(context.WithoutCancel(ctx), c.Job, c.Delivery, o, pc)
	return e.writeRefused(log, vpslink.SendKindJob, j.ID, err, fail)
}

// unrecordedReason is the error of a job step whose ledger row was found
// still claimed when the step came round again.
const unrecordedReason = "its outcome was never recorded: it may have been delivered and was not retried"

// recordedOutcome is the outcome that a job step's existing ledger row
// stands for: sent, delivered and read are sent; a failed send stays
// failed; claimed and unknown may have been delivered, so the step is not
// sent again and its recipient fails with that reason.
func recordedOutcome(d *vpslink.Delivery, now time.Time) store.Outcome {
	switch d.State {
	case vpslink.DeliverySent, vpslink.DeliveryDelivered, vpslink.DeliveryRead:
		at := now
		if d.SentAt != nil {
			at = *d.SentAt
		}
		return store.Outcome{State: vpslink.DeliverySent, At: at}
	case vpslink.DeliveryFailed:
		return store.Outcome{State: vpslink.DeliveryFailed, Error: d.Error, At: now}
	case vpslink.DeliveryUnknown:
		if d.Error != "" {
			return store.Outcome{State: vpslink.DeliveryUnknown, Error: d.Error, At: now}
		}
	}
	return store.Outcome{State: vpslink.DeliveryUnknown, Error: unrecordedReason, At: now}
}

// writeRefused turns a claim or a record the database refuses by its rules
// (a CHECK, a trigger, a missing column) into a failure with the reason:
// retried, it would fail the same way forever and nothing would be sent.
// The message or job fails where the database still lets it, and is passed
// over until a restart where it does not; /health and a metric say so.
// Other errors (a busy database, a full disk) return as they are, to be
// retried.
func (e *Engine) writeRefused(log *slog.Logger, kind, id string, err error, fail func(reason string) error) error {
	if err == nil || !store.IsRefused(err) {
		return err
	}
	reason := fmt.Sprintf("the database refused to record it: %v", err)
	if ferr := fail(reason); ferr != nil {
		if !store.IsRefused(ferr) {
			return ferr
		}
		reason += fmt.Sprintf("; marking it failed was refused too: %v", ferr)
		e.mu.Lock()
		e.skip = append(e.skip, id)
		e.mu.Unlock()
	}
	log.Error("write refused; not retried", "reason", reason)
	e.refused(kind, fmt.Errorf("%s %s: %s", kind, id, reason))
	e.stale.Store(true)
	return nil
}

// refused counts a write the database refused and keeps its reason for
// /health.
func (e *Engine) refused(kind string, err error) {
	e.metrics.refused.WithLabelValues(kind).Inc()
	e.mu.Lock()
	e.problem = err.Error()
	e.mu.Unlock()
}

// Problem says what keeps the engine from working as it should: the error
// its steps fail with while they do (a busy or full database, retried), or
// else why the database last refused one of its writes since it started.
// It returns "" when there is nothing to say.
func (e *Engine) Problem() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.failing != nil {
		return "scheduler steps fail and are retried: " + e.failing.Error()
	}
	return e.problem
}

func (e *Engine) setFailing(err error) {
	e.mu.Lock()
	e.failing = err
	e.mu.Unlock()
}

func (e *Engine) skipped() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.skip
}

// unclaimed handles a claim that does not allow the send and reports
// whether it was one: a stop halts the queue, a changed source is re-planned,
// and a missed or refused source fails with its reason.
func (e *Engine) unclaimed(c *store.Claim, log *slog.Logger, fail func(reason string) error) (bool, error) {
	switch c.Status {
	case store.ClaimOK:
		return false, nil
	case store.ClaimStopped:
		e.setStopped(true)
		return true, nil
	case store.ClaimSkip:
		return true, nil
	}
	reason := c.Reason
	if c.Status == store.ClaimMissed {
		reason = "missed by " + vpslink.HumanDuration(c.Late)
		e.metrics.missed.Inc()
	}
	log.Warn("not sent", "reason", reason)
	return true, fail(reason)
}

// finishJobStep records a step's outcome with the job's progress: a not-sent
// step stays where it is to be retried, up to the job's maxRetries times,
// after which it fails its recipient (nothing left the machine, so failing
// it cannot lose a delivery); any other outcome moves on. The progress
// follows the outcome as the ledger records it: a receipt that came before
// it makes the step sent.
func (e *Engine) finishJobStep(ctx context.Context, j *vpslink.Job, d *vpslink.Delivery, o store.Outcome, pc pace) error {
	if o.State == vpslink.DeliveryNotSent && d.Attempts > j.Config.MaxRetries {
		o.State = vpslink.DeliveryFailed
		o.Error = fmt.Sprintf("not sent after %d attempts (maxRetries %d): %s", d.Attempts, j.Config.MaxRetries, o.Error)
	}
	pc = pc.drawn() // next may run more than once: the same delays each time
	next := func(o store.Outcome) store.JobProgress {
		if o.State == vpslink.DeliveryNotSent {
			return progressOf(j)
		}
		return advance(j, o.State == vpslink.DeliverySent, o.At, pc)
	}
	if err := e.db.FinishJobStep(ctx, d, o, next); err != nil {
		return err
	}
	if next(o).Finished {
		e.log.Info("job finished", "job_id", j.ID)
	}
	return nil
}

// send makes the network call for a claimed send and classifies its result
// (docs/sending.md): only an error proving nothing left the machine is retried.
func (e *Engine) send(ctx context.Context, log *slog.Logger, s vpslink.Send, dueAt, now time.Time) store.Outcome {
	if e.rateCapped() {
		// Only the rate cap trims this list; without it, it would grow with
		// every send the service ever makes.
		e.mu.Lock()
		e.recent = append(e.recent, now)
		e.mu.Unlock()
	}
	e.metrics.lateness.Observe(max(now.Sub(dueAt), 0).Seconds())

	err := e.leftGroup(ctx, s.To)
	if err == nil {
		err = e.sendBounded(ctx, s)
	}
	o := store.Outcome{At: e.clock.Now()}
	switch {
	case err == nil:
		o.State = vpslink.DeliverySent
		log.Info("sent", "to", s.To, "wa_message_id", s.WAMessageID, "lateness", now.Sub(dueAt).String())
	case errors.Is(err, vpslink.ErrInvalidRecipient):
		o.State, o.Error = vpslink.DeliveryFailed, fmt.Sprintf("not sent: %v", err)
		log.Warn("recipient refused", "to", s.To, "err", err)
	case vpslink.IsNotSent(err):
		o.State, o.Error = vpslink.DeliveryNotSent, fmt.Sprintf("not sent yet, will retry: %v", err)
		log.Warn("not sent; will retry", "to", s.To, "err", err, "retry_in", e.backOff(o.At).String())
	default:
		o.State = vpslink.DeliveryUnknown
		o.Error = fmt.Sprintf("outcome unknown (%v): it may have been delivered and was not retried", err)
		log.Error("send outcome unknown; not retried", "to", s.To, "wa_message_id", s.WAMessageID, "err", err)
	}
	if o.State != vpslink.DeliveryNotSent {
		e.mu.Lock()
		e.backoff, e.retryAt = 0, time.Time{}
		e.mu.Unlock()
	}
	e.metrics.sends.WithLabelValues(s.Kind, o.State).Inc()
	return o
}

// leftGroup returns vpslink.NotMember for a group the account has left, as
// chats records it, so that the send fails at once with that reason rather
// than reaching WhatsApp, whatever the sender (the dry run too). A read
// that fails is a not-sent error, retried.
func (e *Engine) leftGroup(ctx context.Context, to string) error {
	if !vpslink.IsGroupJID(to) {
		return nil
	}
	label, left, err := e.db.LeftGroup(ctx, to)
	switch {
	case err != nil:
		return vpslink.NotSent(fmt.Errorf("check group membership: %w", err))
	case left:
		return vpslink.NotMember(label)
	}
	return nil
}

// sendBounded calls the sender with a context that outlives ctx by
// ShutdownGrace, so that a shutdown lets the in-flight send finish.
func (e *Engine) sendBounded(ctx context.Context, s vpslink.Send) error {
	sendCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(e.cfg.ShutdownGrace, cancel)
		context.AfterFunc(sendCtx, func() { t.Stop() })
	})
	defer stop()
	return e.sender.Send(sendCtx, s)
}

// backOff lengthens the not-sent backoff and returns it.
func (e *Engine) backOff(now time.Time) time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.backoff = min(max(2*e.backoff, minBackoff), maxBackoff)
	e.retryAt = now.Add(e.backoff)
	return e.backoff
}

// recover treats the sends a previous process claimed but never recorded as
// unknown outcomes: failed messages, failed job recipients.
func (e *Engine) recover(ctx context.Context) error {
	now := e.clock.Now()
	n, err := e.db.RecoverMessages(ctx, now, interruptedReason)
	if err != nil {
		return err
	}
	if n > 0 {
		e.log.Warn("messages interrupted while sending marked failed", "count", n)
	}
	claimed, err := e.db.ClaimedJobDeliveries(ctx)
	if err != nil {
		return err
	}
	settings, _, err := e.db.Settings(ctx)
	if err != nil {
		return err
	}
	for _, d := range claimed {
		j, err := e.db.GetJob(ctx, d.JobID)
		if err != nil {
			return err
		}
		o := store.Outcome{State: vpslink.DeliveryUnknown, Error: interruptedReason, At: now}
		if j.CurrentRecipientIndex != d.RecipientIndex || j.CurrentPartIndex != d.PartIndex ||
			j.CurrentRecipientIndex >= len(j.Recipients) || len(j.MessageParts) == 0 {
			// Progress already moved past the step: only the ledger is stale.
			if err := e.db.FinishJobStep(ctx, d, o, func(store.Outcome) store.JobProgress { return progressOf(j) }); err != nil {
				return err
			}
			continue
		}
		e.log.Warn("job step interrupted while sending marked failed", "job_id", j.ID,
			"recipient_index", d.RecipientIndex, "part_index", d.PartIndex)
		if err := e.finishJobStep(ctx, j, d, o, e.paceOf(settings, j)); err != nil {
			return err
		}
	}
	return nil
}
