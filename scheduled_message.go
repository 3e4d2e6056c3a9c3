package vpslink

import (
	"cmp"
	"time"
)

// Scheduled message statuses. Message* names a scheduled message's status,
// Job* a job's and Delivery* a ledger row's state.
const (
	MessagePending   = "pending"
	MessageSending   = "sending"
	MessageSent      = "sent"
	MessageFailed    = "failed"
	MessageCancelled = "cancelled"
)

// MessageStatuses lists every scheduled message status in lifecycle order,
// for reports that show each one even at zero.
var MessageStatuses = []string{MessagePending, MessageSending, MessageSent, MessageFailed, MessageCancelled}

// ScheduledMessage is one message to one phone at one time.
type ScheduledMessage struct {
	ID                string     `json:"id"`
	ToPhone           string     `json:"to_phone"`
	ContactName       string     `json:"contact_name"`
	Message           string     `json:"message"`
	ScheduledAt       time.Time  `json:"scheduled_at"`
	Status            string     `json:"status"`
	ErrorMessage      string     `json:"error_message,omitempty"`
	WAMessageID       string     `json:"wa_message_id,omitempty"`
	CreatedFrom       string     `json:"created_from,omitempty"`
	RecipientTimezone string     `json:"recipient_timezone,omitempty"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
	SentAt            *time.Time `json:"sent_at"`
	// ResentFrom is the message this one sends again on purpose: the first
	// of the chain when a resend is itself resent.
	ResentFrom string `json:"resent_from,omitempty"`
}

// MessageFilter selects scheduled messages; From and Until bound scheduled_at.
type MessageFilter struct {
	Status string
	To     string
	From   *time.Time
	Until  *time.Time
	Limit  int
	Offset int
}

// MessageUpdate holds the fields of a pending message to change.
type MessageUpdate struct {
	Message     *string
	ScheduledAt *time.Time
	ContactName *string
	ToPhone     *string
}

// Validate checks a scheduled message and normalises its recipient to
// digits. Every way in (API, CLI, web UI, importer) and the store call it,
// so a message is refused with the same words wherever it comes from.
func (m *ScheduledMessage) Validate() error {
	phone, err := NormalizePhone("to_phone", m.ToPhone)
	if err != nil {
		return err
	}
	m.ToPhone = phone
	if err := ValidateText("message", m.Message); err != nil {
		return err
	}
	if err := checkLength("contact_name", m.ContactName, maxNameLength); err != nil {
		return err
	}
	if m.ScheduledAt.IsZero() {
		return FieldError("scheduled_at", "is required")
	}
	_, err = LoadLocation("timezone", m.RecipientTimezone)
	return err
}

// Resend returns a new pending message with m's recipient and text, due at
// at, linked to m (or to the message m itself resends), for sending again
// on purpose what failed, was cancelled or was held after a restore. A
// message still to be sent, or sent, is a conflict: resending it could
// only deliver it twice.
func (m *ScheduledMessage) Resend(at time.Time) (*ScheduledMessage, error) {
	switch m.Status {
	case MessagePending, MessageSending:
		return nil, Errorf(ECONFLICT, "message %s is %s: it is still to be sent", m.ID, m.Status)
	case MessageSent:
		return nil, Errorf(ECONFLICT, "message %s was sent; schedule a new message to send its text again", m.ID)
	}
	if at.IsZero() {
		return nil, FieldError("scheduled_at", "is required")
	}
	return &ScheduledMessage{ToPhone: m.ToPhone, ContactName: m.ContactName, Message: m.Message, ScheduledAt: at,
		RecipientTimezone: m.RecipientTimezone, ResentFrom: cmp.Or(m.ResentFrom, m.ID)}, nil
}
