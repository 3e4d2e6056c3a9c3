package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/vpslink/vpslink"
)

// WAChat is what WhatsApp told us about a chat: a history-sync conversation,
// a group name change or a push name. Name overwrites the stored name unless
// NameIsHint is set, in which case it only fills an empty one (a push name
// must not replace a saved contact or group name). UnreadCount < 0 leaves
// the count as it is.
type WAChat struct {
	ID              string
	Name            string
	NameIsHint      bool
	IsGroup         bool
	UnreadCount     int
	LastMessageTime int64
}

// WAMessage is one message seen on WhatsApp. ChatName is a hint for an
// unnamed chat (the sender's push name in a direct chat). CountUnread adds
// one to the chat's unread count when the message is new: live incoming
// messages do, history sync sets the count from the conversation instead.
type WAMessage struct {
	vpslink.ChatMessage
	ChatName    string
	IsGroup     bool
	CountUnread bool
}

// WABatch is written in one short transaction: chats, then groups, then
// messages.
type WABatch struct {
	Chats    []WAChat
	Groups   []WAGroup
	Messages []WAMessage
}

// IngestWhatsApp writes a batch of chats and messages. Messages are
// deduplicated by (chat_id, wa_message_id), so history sync may deliver a
// message that was already seen live. It returns how many messages were new.
func (db *DB) IngestWhatsApp(ctx context.Context, b WABatch) (inserted int, err error) {
	err = db.UpdateQuiet(ctx, func(tx *Tx) error {
		now := fmtTime(tx.now)
		for _, c := range b.Chats {
			if err := upsertWAChat(ctx, tx, c, now); err != nil {
				return err
			}
		}
		for _, g := range b.Groups {
			if err := upsertGroup(ctx, tx, g, now); err != nil {
				return err
			}
		}
		for _, m := range b.Messages {
			n, err := insertWAMessage(ctx, tx, m, now)
			if err != nil {
				return err
			}
			inserted += n
		}
		return nil
	})
	return inserted, err
}

func upsertWAChat(ctx context.Context, tx *Tx, c WAChat, now string) error {
	unread := sql.NullInt64{Int64: int64(c.UnreadCount), Valid: c.UnreadCount >= 0}
	_, err := tx.ExecContext(ctx, `INSERT INTO chats (id, name, is_group, unread_count, last_message_time, created_at, updated_at)
		VALUES (?1, nullif(?2, ''), ?3, coalesce(?4, 0), nullif(?5, 0), ?6, ?6)
		ON CONFLICT (id) DO UPDATE SET
			name = CASE WHEN ?2 = '' THEN name WHEN ?7 AND coalesce(name, '') <> '' THEN name ELSE ?2 END,
			is_group = max(is_group, excluded.is_group),
			unread_count = coalesce(?4, unread_count),
			last_message_time = max(coalesce(last_message_time, 0), ?5),
			updated_at = ?6`,
		c.ID, c.Name, c.IsGroup, unread, c.LastMessageTime, now, c.NameIsHint)
	if err != nil {
		return fmt.Errorf("upsert chat %s: %w", c.ID, describe(err))
	}
	return nil
}

// insertWAMessage inserts m unless its chat already holds its WhatsApp id,
// and keeps the chat's last message time, unread count and name current.
func insertWAMessage(ctx context.Context, tx *Tx, m WAMessage, now string) (int, error) {
	hint := m.ChatName
	if m.IsFromMe || m.IsGroup {
		hint = "" // a push name names the chat only when it is the other party's
	}
	if err := upsertWAChat(ctx, tx, WAChat{ID: m.ChatID, Name: hint, NameIsHint: true, IsGroup: m.IsGroup,
		UnreadCount: -1, LastMessageTime: m.Timestamp}, now); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO messages
		(chat_id, message, timestamp, is_from_me, message_type, raw_message, created_at, wa_message_id, sender_jid)
		VALUES (?, ?, ?, ?, ?, nullif(?, ''), ?, nullif(?, ''), nullif(?, ''))
		ON CONFLICT (chat_id, wa_message_id) WHERE wa_message_id IS NOT NULL DO NOTHING`,
		m.ChatID, m.Message, m.Timestamp, m.IsFromMe, m.MessageType, m.RawMessage, now,
		m.WAMessageID, m.SenderJID)
	if err != nil {
		return 0, fmt.Errorf("insert message %s in %s: %w", m.WAMessageID, m.ChatID, describe(err))
	}
	n, _ := res.RowsAffected()
	if n == 1 && m.CountUnread && !m.IsFromMe {
		if _, err := tx.ExecContext(ctx, `UPDATE chats SET unread_count = unread_count + 1 WHERE id = ?`, m.ChatID); err != nil {
			return 0, fmt.Errorf("count unread in %s: %w", m.ChatID, describe(err))
		}
	}
	return int(n), nil
}

// Receipt kinds ApplyReceipt records.
const (
	ReceiptDelivered = "delivered"
	ReceiptRead      = "read"
)

// ReceiptResult says what a receipt changed.
type ReceiptResult struct {
	Deliveries int      // ledger rows matched
	Confirmed  []string // scheduled messages flipped to sent
	Recounted  []string // jobs with a recipient moved from failed to sent
}

// ApplyReceipt records a delivered or read receipt for WhatsApp message ids.
// A receipt proves the message left the machine, so a delivery whose
// outcome was unknown becomes delivered or read, and its scheduled message
// moves from failed to sent (or from pending, should a send classified as
// not sent have arrived after all: it must not go out twice). For a job,
// the recipient whose last part's outcome was unknown counts as sent, not
// failed, and a job that had failed because every recipient failed is
// completed after all. States only move forward (read stays read).
func (db *DB) ApplyReceipt(ctx context.Context, kind string, waIDs []string, at time.Time) (ReceiptResult, error) {
	var res ReceiptResult
	var set string
	switch kind {
	case ReceiptDelivered:
		set = `state = CASE WHEN state = 'read' THEN state ELSE 'delivered' END,
			delivered_at = coalesce(delivered_at, ?1)`
	case ReceiptRead:
		set = `state = 'read', read_at = coalesce(read_at, ?1), delivered_at = coalesce(delivered_at, ?1)`
	default:
		return res, fmt.Errorf("unknown receipt kind %q", kind)
	}
	ts := fmtTime(at)
	err := db.UpdateQuiet(ctx, func(tx *Tx) error {
		res = ReceiptResult{}
		for _, id := range waIDs {
			if id == "" {
				continue // ledger rows of sends never made have no id
			}
			unknownSteps, err := tx.unknownJobSteps(ctx, id)
			if err != nil {
				return err
			}
			var messageIDs []string
			rows, err := tx.QueryContext(ctx, `UPDATE deliveries SET `+set+`, sent_at = coalesce(sent_at, ?1), error = NULL
				WHERE wa_message_id = ?2 RETURNING coalesce(message_id, '')`, ts, id)
			if err != nil {
				return fmt.Errorf("apply receipt for %s: %w", id, describe(err))
			}
			for rows.Next() {
				var mid string
				if err := rows.Scan(&mid); err != nil {
					rows.Close()
					return fmt.Errorf("apply receipt for %s: %w", id, err)
				}
				res.Deliveries++
				if mid != "" {
					messageIDs = append(messageIDs, mid)
				}
			}
			if err := rows.Close(); err != nil {
				return fmt.Errorf("apply receipt for %s: %w", id, err)
			}
			for _, mid := range messageIDs {
				r, err := tx.ExecContext(ctx, `UPDATE scheduled_messages SET status = 'sent', error_message = NULL,
					sent_at = coalesce(sent_at, ?), wa_message_id = ?, updated_at = ?
					WHERE id = ? AND status IN ('failed', 'pending')`, ts, id, fmtTime(tx.now), mid)
				if err != nil {
					return fmt.Errorf("confirm message %s: %w", mid, describe(err))
				}
				if n, _ := r.RowsAffected(); n == 1 {
					res.Confirmed = append(res.Confirmed, mid)
				}
			}
			for _, d := range unknownSteps {
				recounted, err := tx.recountDelivered(ctx, d)
				if err != nil {
					return err
				}
				if recounted {
					res.Recounted = append(res.Recounted, d.JobID)
				}
			}
		}
		return nil
	})
	return res, err
}

// unknownJobSteps returns the job ledger rows with WhatsApp id waID whose
// outcome is unknown: their recipient was counted failed.
func (tx *Tx) unknownJobSteps(ctx context.Context, waID string) ([]*vpslink.Delivery, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries
		WHERE wa_message_id = ? AND job_id IS NOT NULL AND state = 'unknown'`, waID)
	if err != nil {
		return nil, fmt.Errorf("read job steps of %s: %w", waID, describe(err))
	}
	defer rows.Close()
	var ds []*vpslink.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("read job steps of %s: %w", waID, err)
		}
		ds = append(ds, d)
	}
	return ds, rows.Err()
}

// recountDelivered moves the recipient of job step d, proven delivered,
// from the job's failed count to its sent count, and reports whether it
// did. Only a recipient's last part counts (an earlier part failing skipped
// the parts after it, which the recipient never got), and only once the
// job has moved past the recipient, which is when its failure was counted.
func (tx *Tx) recountDelivered(ctx context.Context, d *vpslink.Delivery) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE jobs SET
			recipients_sent = recipients_sent + 1, recipients_failed = max(recipients_failed - 1, 0),
			status = CASE WHEN status = 'failed' AND recipients_sent = 0 AND error_message = ?1 THEN 'completed' ELSE status END,
			error_message = CASE WHEN status = 'failed' AND recipients_sent = 0 AND error_message = ?1 THEN NULL ELSE error_message END,
			updated_at = ?2
		WHERE id = ?3 AND current_recipient_index > ?4 AND json_array_length(message_parts) - 1 = ?5`,
		everyRecipientFailed, fmtTime(tx.now), d.JobID, d.RecipientIndex, d.PartIndex)
	if err != nil {
		return false, fmt.Errorf("recount job %s: %w", d.JobID, describe(err))
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SentText returns the text that was sent with a WhatsApp message id: a
// scheduled message, a job part, or an outgoing message of the chat history.
// WhatsApp asks for it again when a recipient's device could not decrypt
// the message, possibly after a restart.
func (db *DB) SentText(ctx context.Context, waID string) (string, error) {
	var text string
	err := db.read.QueryRowContext(ctx, `SELECT text FROM (
			SELECT 1 AS rank, sm.message AS text FROM deliveries d JOIN scheduled_messages sm ON sm.id = d.message_id
			 WHERE d.wa_message_id = ?1
			UNION ALL
			SELECT 2, json_extract(j.message_parts, '$[' || d.part_index || '].text') FROM deliveries d
			  JOIN jobs j ON j.id = d.job_id WHERE d.wa_message_id = ?1
			UNION ALL
			SELECT 3, message FROM messages WHERE wa_message_id = ?1 AND is_from_me = 1
		) WHERE text IS NOT NULL ORDER BY rank LIMIT 1`, waID).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", vpslink.Errorf(vpslink.ENOTFOUND, "no sent message with WhatsApp id %s", waID)
	} else if err != nil {
		return "", fmt.Errorf("look up sent message %s: %w", waID, describe(err))
	}
	return text, nil
}
