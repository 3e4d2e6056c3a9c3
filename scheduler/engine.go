// Package scheduler sends scheduled messages and jobs exactly when they are
// due and at most once. It sleeps on one timer until the earliest due time
// and claims every send in the delivery ledger, in a committed transaction
// that re-checks the source row, before the network call.
//
// docs/sending.md states the rules it keeps; those a reader of this package
// needs first:
//   - A not-sent error (not connected, not logged in) backs the whole queue
//     off, 5 s doubling to 1 min, because it is a property of the connection,
//     not of one message; Notify (a reconnect, a write, a refresh) retries at
//     once. A message not sent by its maximum lateness fails as missed.
//   - The maximum lateness applies to messages and to jobs that have not
//     started; a started job always finishes its remaining steps.
//   - A job part that fails (invalid recipient, unknown outcome) fails its
//     recipient and skips that recipient's remaining parts.
//   - After a recipient's last part the recipient gap applies, not the last
//     part's delayAfterSeconds.
//   - A ledger row in any state but not_sent is never claimed again, even if
//     its message is put back to pending by hand: it fails with a reason. A
//     job step's row stands as the step's outcome and the job moves on.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

// Defaults of Config's zero values.
const (
	DefaultSafetyPoll    = 15 * time.Minute
	DefaultChangePoll    = time.Second
	DefaultShutdownGrace = 30 * time.Second
)

// burstRead is how many messages due at once are read in one query.
const burstRead = 64

// Not-sent retries back off from minBackoff, doubling up to maxBackoff.
const (
	minBackoff = 5 * time.Second
	maxBackoff = time.Minute
)

// Config configures an Engine. DB and Sender are required.
type Config struct {
	DB     *store.DB
	Sender vpslink.Sender
	// Typer shows "typing…" before an automatic-mode job part; nil shows
	// nothing, but the typing time is still waited and recorded (the dry
	// run's log line has it).
	Typer Typer
	// Rand returns uniform random numbers in [0, 1) for the pacing's
	// jitter; default math/rand. Tests inject a fixed source.
	Rand   func() float64
	Clock  Clock        // default WallClock
	Logger *slog.Logger // default slog.Default()
	// Registerer receives the engine's metrics; nil registers nothing.
	Registerer prometheus.Registerer

	SafetyPoll  time.Duration // re-plan at least this often; default 15m
	MaxLateness time.Duration // older due messages fail as missed; 0 = none
	GapJitter   time.Duration // random extra of [0, GapJitter) on recipient gaps
	// ChangePoll is how often PRAGMA data_version is checked for other
	// processes' writes; default 1s, negative disables it.
	ChangePoll time.Duration
	// ShutdownGrace bounds the wait for the in-flight send on shutdown;
	// default 30s.
	ShutdownGrace time.Duration
}

// Engine is the scheduler. One goroutine (Run) does every send, so messages
// and jobs share one queue and one rate cap.
type Engine struct {
	cfg     Config
	db      *store.DB
	sender  vpslink.Sender
	clock   Clock
	log     *slog.Logger
	metrics *metrics
	wake    chan struct{}

	// burst holds messages already due, read in one query, that the loop
	// sends one by one before it plans again; stale marks it out of date
	// (a write or a wake-up since it was read).
	burst []*store.Due
	stale atomic.Bool

	mu      sync.Mutex
	stopped bool
	backoff time.Duration // current not-sent backoff, 0 after a success
	retryAt time.Time     // no send before this (not-sent backoff)
	recent  []time.Time   // send times within the last minute, for the rate cap
	rateCap int           // the settings' max_sends_per_minute; 0 = no cap
	// quiet is the settings as last loaded when quiet hours apply to
	// single messages, else nil: only then does a message cost a look-up.
	quiet *vpslink.Settings
	// skip holds the messages and jobs the database refuses to let the
	// engine write at all, passed over until a restart; problem says why
	// the engine last had a write refused, for /health.
	skip    []string
	problem string
	failing error // the last step's error, nil once a step succeeds

	// onIdle, when set (tests), is called each time the loop goes to sleep
	// with the time it planned at and the time it will wake.
	onIdle func(now, wake time.Time)
}

// New builds an engine and subscribes it to the store's writes.
func New(cfg Config) (*Engine, error) {
	if cfg.DB == nil || cfg.Sender == nil {
		return nil, errors.New("scheduler: DB and Sender are required")
	}
	if cfg.Clock == nil {
		cfg.Clock = WallClock{}
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.SafetyPoll <= 0 {
		cfg.SafetyPoll = DefaultSafetyPoll
	}
	if cfg.ChangePoll == 0 {
		cfg.ChangePoll = DefaultChangePoll
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = DefaultShutdownGrace
	}
	e := &Engine{
		cfg: cfg, db: cfg.DB, sender: cfg.Sender, clock: cfg.Clock,
		log:  cfg.Logger.With("component", "scheduler"),
		wake: make(chan struct{}, 1),
	}
	var err error
	if e.metrics, err = newMetrics(cfg.Registerer, cfg.DB, e); err != nil {
		return nil, err
	}
	cfg.DB.OnWrite(e.Notify)
	cfg.DB.OnRefused(e.refused)
	return e, nil
}

// Notify makes the engine re-plan now and retry a not-sent send at once. The
// store calls it after every write, the API on POST /scheduler/refresh and
// the WhatsApp client when it reconnects.
func (e *Engine) Notify() {
	e.mu.Lock()
	e.retryAt = time.Time{}
	e.mu.Unlock()
	e.wakeUp()
}

func (e *Engine) wakeUp() {
	e.stale.Store(true)
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// Stop is the emergency stop: it is persisted first, so it survives a
// restart and is seen by the very next claim, whatever process made it. A
// send already in flight completes; nothing is sent after it.
func (e *Engine) Stop(ctx context.Context) error {
	if err := e.db.SetSetting(ctx, store.SettingSendingStopped, "1"); err != nil {
		return fmt.Errorf("stop sending: %w", err)
	}
	e.setStopped(true)
	e.log.Warn("emergency stop: sending halted")
	return nil
}

// Start lifts the emergency stop.
func (e *Engine) Start(ctx context.Context) error {
	if err := e.db.SetSetting(ctx, store.SettingSendingStopped, "0"); err != nil {
		return fmt.Errorf("start sending: %w", err)
	}
	e.setStopped(false)
	e.log.Info("sending resumed")
	e.Notify()
	return nil
}

func (e *Engine) setStopped(v bool) {
	e.mu.Lock()
	e.stopped = v
	e.mu.Unlock()
	e.metrics.setStopped(v)
}

// Stopped reports whether the emergency stop is on.
func (e *Engine) Stopped() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stopped
}

// loadStopped reads the persisted emergency stop.
func (e *Engine) loadStopped(ctx context.Context) (bool, error) {
	v, err := e.db.Setting(ctx, store.SettingSendingStopped)
	if err != nil {
		return false, err
	}
	e.setStopped(v == "1")
	return v == "1", nil
}

// Status is the scheduler's state for /health.
type Status struct {
	PendingMessages int        `json:"pendingMessages"`
	PendingJobs     int        `json:"pendingJobs"` // pending, running or paused
	Stopped         bool       `json:"stopped"`
	NextDueAt       *time.Time `json:"nextDueAt"`
}

// Status returns pending counts, the emergency stop and the next due time.
func (e *Engine) Status(ctx context.Context) (*Status, error) {
	msgs, err := e.db.CountMessagesByStatus(ctx)
	if err != nil {
		return nil, err
	}
	jobs, err := e.db.CountJobsByStatus(ctx)
	if err != nil {
		return nil, err
	}
	due, err := e.db.NextDue(ctx)
	if err != nil {
		return nil, err
	}
	s := &Status{
		PendingMessages: msgs[vpslink.MessagePending] + msgs[vpslink.MessageSending],
		PendingJobs:     jobs[vpslink.JobPending] + jobs[vpslink.JobRunning] + jobs[vpslink.JobPaused],
		Stopped:         e.Stopped(),
	}
	if due != nil {
		s.NextDueAt = &due.At
	}
	return s, nil
}

// Run recovers what a previous process left half-done, then sends until ctx
// is cancelled. On cancellation it lets the in-flight send finish (at most
// ShutdownGrace) and records its outcome before returning.
func (e *Engine) Run(ctx context.Context) error {
	if _, err := e.loadStopped(ctx); err != nil {
		return err
	}
	if err := e.recover(ctx); err != nil {
		return err
	}
	if e.cfg.ChangePoll > 0 {
		w, err := e.db.WatchChanges(ctx)
		if err != nil {
			return err
		}
		defer w.Close()
		go e.watch(ctx, w)
	}
	if err := e.loadSettings(ctx); err != nil {
		return err
	}
	e.log.Info("scheduler started", "stopped", e.Stopped(), "max_sends_per_minute", e.rateCap,
		"max_lateness", e.cfg.MaxLateness.String(), "safety_poll", e.cfg.SafetyPoll.String())
	for ctx.Err() == nil {
		now := e.clock.Now()
		wait, err := e.step(ctx, now)
		e.setFailing(err)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			e.log.Error("scheduler step failed; retrying", "err", err, "retry_in", minBackoff.String())
			wait = minBackoff
		}
		if wait > 0 {
			e.flushResults(ctx)
			e.sleep(ctx, now, wait)
		}
	}
	e.flushResults(context.WithoutCancel(ctx))
	e.log.Info("scheduler stopped")
	return nil
}

// watch turns other processes' commits into wake-ups. It does not clear the
// not-sent backoff: the engine's own commits show up here too.
func (e *Engine) watch(ctx context.Context, w *store.ChangeWatcher) {
	t := time.NewTicker(e.cfg.ChangePoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if changed, err := w.Changed(ctx); err != nil {
			if ctx.Err() == nil {
				e.log.Warn("change detection failed", "err", err)
			}
		} else if changed {
			e.wakeUp()
		}
	}
}

// flushResults commits the outcomes of the sends since the last claim, so
// that they show before the engine sleeps. The outcomes stay queued on
// failure and go with the next write.
func (e *Engine) flushResults(ctx context.Context) {
	if err := e.db.FlushResults(ctx); err != nil && ctx.Err() == nil {
		e.log.Error("recording send outcomes failed; retried with the next write", "err", err)
	}
}

// sleep waits until now+d (d counted from the plan's now, not from the
// time the plan took), a wake-up, or ctx's end.
func (e *Engine) sleep(ctx context.Context, now time.Time, d time.Duration) {
	wake := now.Add(d)
	t := e.clock.NewTimer(wake.Sub(e.clock.Now()))
	defer t.Stop()
	if e.onIdle != nil {
		e.onIdle(now, wake)
	}
	select {
	case <-ctx.Done():
	case <-t.C():
	case <-e.wake:
	}
}

// step sends the earliest due item if it may go now, and otherwise returns
// how long to sleep: until it is due, the rate cap or the not-sent backoff
// allows it, or the safety refresh, whichever is first.
func (e *Engine) step(ctx context.Context, now time.Time) (time.Duration, error) {
	if e.Stopped() {
		// Another process may have lifted the stop; its write woke us.
		if stopped, err := e.loadStopped(ctx); err != nil || stopped {
			return e.cfg.SafetyPoll, err
		}
	}
	if e.stale.Load() {
		// A write may have changed the settings (the rate cap).
		if err := e.loadSettings(ctx); err != nil {
			return e.cfg.SafetyPoll, err
		}
	}
	due, err := e.nextDue(ctx, now)
	if err != nil || due == nil {
		return e.cfg.SafetyPoll, err
	}
	at := due.At
	if ready := e.readyAt(now); ready.After(at) {
		at = ready
	}
	if at.After(now) {
		e.burst = nil
		return min(at.Sub(now), e.cfg.SafetyPoll), nil
	}
	if due.MessageID != "" {
		if len(e.burst) > 0 {
			e.burst = e.burst[1:]
		}
		return 0, e.dispatchMessage(ctx, due, now)
	}
	return 0, e.dispatchJob(ctx, due, now)
}

// nextDue returns the earliest due item. When it is a message due now, the
// messages due with it are read in the same go and handed out one by one,
// which spares a burst one query per send. The claim re-checks each of
// them, so a list read moments ago is safe; a write or wake-up (stale)
// drops it, and a job step due meanwhile waits at most for the rest of it.
func (e *Engine) nextDue(ctx context.Context, now time.Time) (*store.Due, error) {
	if e.stale.Swap(false) {
		e.burst = nil
	}
	if len(e.burst) > 0 {
		return e.burst[0], nil
	}
	skip := e.skipped()
	due, err := e.db.NextDue(ctx, skip...)
	if err != nil || due == nil || due.MessageID == "" || due.At.After(now) {
		return due, err
	}
	burst, err := e.db.DueMessages(ctx, now, burstRead, skip...)
	if err != nil || len(burst) == 0 || burst[0].MessageID != due.MessageID {
		return due, err
	}
	e.burst = burst
	return due, nil
}

// readyAt is the earliest time the next send may start under the not-sent
// backoff and the rate cap.
func (e *Engine) readyAt(now time.Time) time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	ready := e.retryAt
	if n := e.rateCap; n > 0 {
		cut := 0
		for cut < len(e.recent) && !e.recent[cut].After(now.Add(-time.Minute)) {
			cut++
		}
		e.recent = e.recent[cut:]
		if len(e.recent) >= n {
			if t := e.recent[len(e.recent)-n].Add(time.Minute); t.After(ready) {
				ready = t
			}
		}
	}
	return ready
}
