package scheduler

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/vpslink/vpslink"
)

// DryRunSender "sends" by appending one JSON line per send to a log. Each
// line is one write(2) on a file opened for appending, so that a process
// killed at any point leaves whole lines only; the log is not synced per
// line: a power cut may lose its last lines, which is acceptable for sends
// that never left the machine, and it keeps the dry run as fast as the
// claims it records.
type DryRunSender struct {
	// Delay is waited before each line is written, to stand in for a slow
	// network in crash tests (VPSLINK_DRYRUN_DELAY); a send interrupted by
	// its context during the delay writes nothing and returns an error.
	Delay time.Duration

	mu    sync.Mutex
	w     io.Writer
	file  *os.File // nil for stdout
	clock Clock
}

// NewDryRunSender opens path for appending ("-" is stdout).
func NewDryRunSender(path string, clock Clock) (*DryRunSender, error) {
	if clock == nil {
		clock = WallClock{}
	}
	if path == "-" {
		return &DryRunSender{w: os.Stdout, clock: clock}, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open dry-run log: %w", err)
	}
	return &DryRunSender{w: f, file: f, clock: clock}, nil
}

// DryRunLine is one line of the dry-run log (docs/sending.md).
type DryRunLine struct {
	Time           string `json:"time"`
	To             string `json:"to"`
	Text           string `json:"text"`
	WAMessageID    string `json:"wa_message_id"`
	Kind           string `json:"kind"`
	MessageID      string `json:"message_id,omitempty"`
	JobID          string `json:"job_id,omitempty"`
	RecipientIndex int    `json:"recipient_index"`
	PartIndex      int    `json:"part_index"`
	// TypingMS is how long "typing…" would have shown before the send
	// (automatic mode); 0 for none.
	TypingMS int64 `json:"typing_ms"`
}

// Send writes the line for snd.
func (s *DryRunSender) Send(ctx context.Context, snd vpslink.Send) error {
	if s.Delay > 0 {
		t := time.NewTimer(s.Delay)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return fmt.Errorf("dry-run send interrupted: %w", ctx.Err())
		case <-t.C:
		}
	}
	b, err := json.Marshal(DryRunLine{
		Time: vpslink.FormatTime(s.clock.Now()), To: snd.To, Text: snd.Text, WAMessageID: snd.WAMessageID,
		Kind: snd.Kind, MessageID: snd.MessageID, JobID: snd.JobID,
		RecipientIndex: snd.RecipientIndex, PartIndex: snd.PartIndex, TypingMS: snd.Typing.Milliseconds(),
	})
	if err != nil {
		return vpslink.NotSent(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write dry-run log: %w", err)
	}
	return nil
}

// Close closes the log file.
func (s *DryRunSender) Close() error {
	if s.file == nil {
		return nil
	}
	return s.file.Close()
}
