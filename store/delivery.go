package store

import (
	"database/sql"

	"github.com/vpslink/vpslink"
)

const deliveryColumns = `id, coalesce(message_id, ''), coalesce(job_id, ''), recipient_index, part_index,
	recipient, wa_message_id, state, coalesce(error, ''), attempts, claimed_at, sent_at, delivered_at, read_at, coalesce(text, '')`

func scanDelivery(row scanner) (*vpslink.Delivery, error) {
	var d vpslink.Delivery
	var claimed string
	var sent, delivered, read sql.NullString
	if err := row.Scan(&d.ID, &d.MessageID, &d.JobID, &d.RecipientIndex, &d.PartIndex, &d.Recipient,
		&d.WAMessageID, &d.State, &d.Error, &d.Attempts, &claimed, &sent, &delivered, &read, &d.Text); err != nil {
		return nil, err
	}
	d.ClaimedAt = parseTime(claimed)
	d.SentAt, d.DeliveredAt, d.ReadAt = parseNullTime(sent), parseNullTime(delivered), parseNullTime(read)
	return &d, nil
}
