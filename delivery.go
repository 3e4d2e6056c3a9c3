package vpslink

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

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
	// Text is the text this attempt sent: the source's, its placeholders
	// filled for the recipient. Empty on rows from before it was recorded.
	Text string `json:"text,omitempty"`
}

// DeriveWAMessageID returns the WhatsApp message id of d's attempt, derived
// from what it sends rather than random: the job, recipient and part, or the
// scheduled message (for a resend, origin: the message it sends again), and
// the attempt number. A send repeated anyway (a held message resent although
// it had arrived, a job step whose ledger row a restore lost) carries the id
// of the first, and WhatsApp clients drop a message whose id they already
// have from the same sender. That is a mitigation, not a guarantee: the
// guarantee is that such sends are held, never repeated on their own.
//
// The form is WhatsApp's own: "3EB0" and 18 upper-case hex digits.
func (d *Delivery) DeriveWAMessageID(origin string) string {
	key := fmt.Sprintf("job/%s/%d/%d", d.JobID, d.RecipientIndex, d.PartIndex)
	if d.JobID == "" {
		key = "message/" + cmp.Or(origin, d.MessageID)
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "vpslink/%s/%d", key, d.Attempts))
	return "3EB0" + strings.ToUpper(hex.EncodeToString(sum[:9]))
}
