package vpslink

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Send kinds, as written to the dry-run log and the sends metric.
const (
	SendKindMessage = "message"
	SendKindJob     = "job"
)

// Send is one text to one recipient: a scheduled message, or one part of a
// job to one of its recipients.
type Send struct {
	Kind           string
	MessageID      string // scheduled message id, for SendKindMessage
	JobID          string // for SendKindJob
	RecipientIndex int
	PartIndex      int
	To             string // JID: <digits>@s.whatsapp.net or <id>@g.us
	Text           string
	// WAMessageID is derived from the claim (Delivery.DeriveWAMessageID) and
	// stored in the delivery ledger with it before the send, so that a
	// receipt arriving after a crash can still be matched to the send.
	WAMessageID string
	// Typing is how long "typing…" showed before the send (automatic
	// mode), already waited before the claim; zero for none.
	Typing time.Duration
}

// Sender delivers texts. The scheduler sends through it; the WhatsApp
// client, the dry-run log and the tests' fake implement it. Its error
// contract is what keeps a message from being sent twice, so it lives here
// rather than with either side.
type Sender interface {
	// Send delivers s and returns nil once the server acknowledged it.
	// An error wrapped with NotSent proves that nothing left the machine
	// (not connected, not logged in, invalid recipient); any other error
	// is an unknown outcome: the message may have been delivered.
	Send(ctx context.Context, s Send) error
}

// ErrNotSent marks errors that prove a send never left the machine.
var ErrNotSent = errors.New("not sent")

// Permanent not-sent reasons (an invalid recipient, a number that is not on
// WhatsApp) are wrapped with ErrInvalidRecipient too: retrying cannot help,
// so the message fails at once instead of waiting for the lateness limit.
var ErrInvalidRecipient = errors.New("invalid recipient")

// NotMember is the error of a send to a group this account is not a member
// of (any more): nothing was sent, and retrying cannot help. group names
// it for a person (Chat.Label).
func NotMember(group string) error {
	return NotSent(fmt.Errorf("%w: not a member of group %s", ErrInvalidRecipient, group))
}

type notSentError struct{ err error }

func (e *notSentError) Error() string   { return e.err.Error() }
func (e *notSentError) Unwrap() []error { return []error{e.err, ErrNotSent} }

// NotSent wraps err to say that nothing was sent.
func NotSent(err error) error {
	if err == nil {
		return nil
	}
	return &notSentError{err: err}
}

// IsNotSent reports whether err proves that nothing was sent.
func IsNotSent(err error) bool { return errors.Is(err, ErrNotSent) }
