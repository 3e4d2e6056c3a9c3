package vpslink

import "time"

// Delivery ledger states. A claimed delivery is never sent again: only
// NotSent (the error proved nothing left the machine) may be claimed anew.
const (
	DeliveryClaimed   = "claimed"
	DeliverySent      = "sent"
	DeliveryDelivered = "delivered"
	DeliveryRead      = "read"
	DeliveryNotSent   = "not_sent"
	DeliveryUnknown   = "unknown"
	DeliveryFailed    = "failed"
)

// Delivery is one ledger row: one scheduled message, or one part of a job to
// one recipient.
type Delivery struct {
	ID             int64      `json:"id"`
	MessageID      string     `json:"message_id,omitempty"`
	JobID          string     `json:"job_id,omitempty"`
	RecipientIndex int        `json:"recipient_index"`
	PartIndex      int        `json:"part_index"`
	Recipient      string     `json:"recipient"`
	WAMessageID    string     `json:"wa_message_id"`
	State          string     `json:"state"`
	Error          string     `json:"error,omitempty"`
	Attempts       int        `json:"attempts"`
	ClaimedAt      time.Time  `json:"claimed_at"`
	SentAt         *time.Time `json:"sent_at"`
	DeliveredAt    *time.Time `json:"delivered_at"`
	ReadAt         *time.Time `json:"read_at"`
}
