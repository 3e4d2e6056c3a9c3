package schedulertest

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/vpslink/vpslink"
)

// Result is what the fake sender does with one send.
type Result int

// Results.
const (
	Succeed Result = iota
	NotSent        // fails proving nothing left: disconnected
	Invalid        // fails with vpslink.ErrInvalidRecipient
	Unknown        // fails with an unknown outcome: a timeout
	Hang           // blocks until the send's context is done
)

// Sender is a fake vpslink.Sender. It plays Script in order, then
// Default, and records every attempt.
type Sender struct {
	mu       sync.Mutex
	script   []Result
	fallback Result
	attempts []vpslink.Send
	n        int
	started  chan vpslink.Send
	onSend   func(vpslink.Send)
}

// NewSender returns a sender that succeeds unless scripted otherwise.
func NewSender() *Sender { return &Sender{started: make(chan vpslink.Send, 1024)} }

// Script queues results for the next sends.
func (s *Sender) Script(r ...Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, r...)
}

// SetDefault sets the result once the script is used up.
func (s *Sender) SetDefault(r Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = r
}

// OnSend sets a function each send calls first, in the engine's goroutine:
// a test's way to change the database at an exact point of a run.
func (s *Sender) OnSend(fn func(vpslink.Send)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onSend = fn
}

// Started delivers each send as it begins (buffered).
func (s *Sender) Started() <-chan vpslink.Send { return s.started }

// Attempts returns every send attempted so far, in order.
func (s *Sender) Attempts() []vpslink.Send {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]vpslink.Send(nil), s.attempts...)
}

// Send plays the next result.
func (s *Sender) Send(ctx context.Context, snd vpslink.Send) error {
	s.mu.Lock()
	r := s.fallback
	if len(s.script) > 0 {
		r, s.script = s.script[0], s.script[1:]
	}
	s.attempts = append(s.attempts, snd)
	onSend := s.onSend
	s.mu.Unlock()
	if onSend != nil {
		onSend(snd)
	}
	s.started <- snd
	switch r {
	case NotSent:
		return vpslink.NotSent(errors.New("not connected"))
	case Invalid:
		return vpslink.NotSent(fmt.Errorf("%w: not on WhatsApp", vpslink.ErrInvalidRecipient))
	case Unknown:
		return errors.New("timed out waiting for the server's acknowledgement")
	case Hang:
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}
