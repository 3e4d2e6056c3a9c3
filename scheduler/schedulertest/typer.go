package schedulertest

import (
	"context"
	"sync"
)

// Presence is one call to a Typer: "typing…" shown (On) or taken back.
type Presence struct {
	To string
	On bool
}

// Typer is a fake scheduler.Typer that records every presence, standing in
// for the WhatsApp client's chat presence.
type Typer struct {
	mu    sync.Mutex
	calls []Presence
}

// Typing records the call.
func (t *Typer) Typing(_ context.Context, to string, on bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.calls = append(t.calls, Presence{To: to, On: on})
	return nil
}

// Calls returns every presence so far, in order.
func (t *Typer) Calls() []Presence {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Presence(nil), t.calls...)
}
