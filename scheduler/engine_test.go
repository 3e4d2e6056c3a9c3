package scheduler_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/scheduler"
	"github.com/vpslink/vpslink/scheduler/schedulertest"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

// t0 is the fake clock's start.
var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

type idle struct{ now, wake time.Time }

// harness runs an engine on a fake clock against a real SQLite file. Every
// action waits until the engine has re-planned and gone back to sleep, so
// assertions see a settled state.
type harness struct {
	t      *testing.T
	db     *store.DB
	clock  *schedulertest.Clock
	sender *schedulertest.Sender
	reg    *prometheus.Registry
	cfg    scheduler.Config
	e      *scheduler.Engine
	idle   chan idle
	last   idle
	cancel context.CancelFunc
	done   chan error
}

func newHarness(t *testing.T, configure func(*scheduler.Config)) *harness {
	t.Helper()
	clock := schedulertest.NewClock(t0)
	db := storetest.Open(t, storetest.WithClock(clock.Now))
	db.SettingsBase.MaxSendsPerMinute = 0 // no rate cap unless a test sets one
	h := &harness{t: t, db: db, clock: clock, sender: schedulertest.NewSender()}
	h.cfg = scheduler.Config{DB: db, Sender: h.sender, Clock: h.clock, ChangePoll: -1, SafetyPoll: time.Hour,
		Logger: slog.New(slog.DiscardHandler)}
	if configure != nil {
		configure(&h.cfg)
	}
	return h
}

// start runs a new engine (a restart, when called again after stop) and
// waits for its first plan.
func (h *harness) start() {
	h.t.Helper()
	h.reg = prometheus.NewRegistry()
	cfg := h.cfg
	cfg.Registerer = h.reg
	e, err := scheduler.New(cfg)
	if err != nil {
		h.t.Fatal(err)
	}
	h.e, h.idle = e, make(chan idle, 100)
	e.SetOnIdle(func(now, wake time.Time) { h.idle <- idle{now, wake} })
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.done = cancel, make(chan error, 1)
	go func() { h.done <- e.Run(ctx) }()
	h.t.Cleanup(h.stop)
	h.settle()
}

func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	if err := <-h.done; err != nil {
		h.t.Error(err)
	}
	h.cancel = nil
}

// settle waits for the engine to go to sleep.
func (h *harness) settle() {
	h.t.Helper()
	select {
	case h.last = <-h.idle:
	case <-time.After(10 * time.Second):
		h.t.Fatal("engine did not settle")
	}
}

// advance moves the clock; when that fires the engine's timer, it waits for
// the engine to act and sleep again.
func (h *harness) advance(d time.Duration) {
	h.t.Helper()
	if h.clock.Advance(d) > 0 {
		h.settle()
	}
}

// do runs a store write (which notifies the engine) and waits for the
// engine's re-plan.
func (h *harness) do(fn func(ctx context.Context) error) {
	h.t.Helper()
	if err := fn(context.Background()); err != nil {
		h.t.Fatal(err)
	}
	h.settle()
}

func (h *harness) schedule(at time.Time, text string) string {
	h.t.Helper()
	m := storetest.CreateMessage(h.t, h.db, "491511234567", text, at)
	if h.cancel != nil {
		h.settle()
	}
	return m.ID
}

func (h *harness) message(id string) *vpslink.ScheduledMessage {
	h.t.Helper()
	m, err := h.db.GetMessage(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return m
}

func (h *harness) ledger(query string, args ...any) (state string, attempts int) {
	h.t.Helper()
	if err := h.db.Reader().QueryRow(`SELECT state, attempts FROM deliveries WHERE `+query, args...).Scan(&state, &attempts); err != nil {
		h.t.Fatalf("ledger %s %v: %v", query, args, err)
	}
	return state, attempts
}

func (h *harness) wantAttempts(n int) []vpslink.Send {
	h.t.Helper()
	got := h.sender.Attempts()
	if len(got) != n {
		h.t.Fatalf("%d send attempts, want %d: %+v", len(got), n, got)
	}
	return got
}

func (h *harness) wantStatus(id, status, errContains string) {
	h.t.Helper()
	m := h.message(id)
	if m.Status != status {
		h.t.Fatalf("message status %q (%s), want %q", m.Status, m.ErrorMessage, status)
	}
	if errContains != "" && !strings.Contains(m.ErrorMessage, errContains) {
		h.t.Fatalf("error %q does not mention %q", m.ErrorMessage, errContains)
	}
}
