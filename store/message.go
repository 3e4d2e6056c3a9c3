package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vpslink/vpslink"
)

const messageColumns = `id, to_phone, coalesce(contact_name, ''), message, scheduled_at, status,
	coalesce(error_message, ''), coalesce(wa_message_id, ''), coalesce(created_from, ''),
	coalesce(recipient_timezone, ''), created_at, coalesce(updated_at, created_at), sent_at,
	coalesce(resent_from, ''), coalesce(recurrence, ''), coalesce(series_id, ''), series_start,
	coalesce(occurrence, 0), template_id`

// CreateMessage schedules a message. A phone that is not a contact yet gets
// a minimal contact in the same transaction (the schema's trigger does it,
// for other writers too).
func (db *DB) CreateMessage(ctx context.Context, m *vpslink.ScheduledMessage) error {
	if err := db.UseTemplate(ctx, m); err != nil {
		return err
	}
	if m.Recurrence != "" && m.RecipientTimezone == "" {
		var err error
		if m.RecipientTimezone, err = db.seriesZone(ctx); err != nil {
			return err
		}
	}
	if err := m.Validate(); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		if err := tx.CheckMessageRenders(ctx, m); err != nil {
			return err
		}
		if err := tx.checkJoined(ctx, "to_phone", m.ToPhone); err != nil {
			return err
		}
		return tx.CreateMessage(ctx, m)
	})
}

// CreateMessage inserts an already validated message in tx. The importer
// uses it inside its one big transaction.
func (tx *Tx) CreateMessage(ctx context.Context, m *vpslink.ScheduledMessage) error {
	if m.ID == "" {
		m.ID = newID()
	}
	if m.Status == "" {
		m.Status = vpslink.MessagePending
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = tx.now
	}
	m.UpdatedAt = tx.now
	if m.Recurrence != "" && m.SeriesID == "" {
		m.SeriesID = m.ID
	}
	if err := tx.resolveMessageGroup(ctx, m); err != nil {
		return err
	}
	if m.ContactName == "" {
		var err error
		if m.ContactName, err = tx.contactName(ctx, m.ToPhone); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO scheduled_messages
		(id, to_phone, contact_name, message, scheduled_at, status, error_message, created_at, sent_at,
		 wa_message_id, updated_at, created_from, recipient_timezone, resent_from,
		 recurrence, series_id, series_start, occurrence, template_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.ToPhone, nullString(m.ContactName), m.Message, fmtTime(m.ScheduledAt), m.Status,
		nullString(m.ErrorMessage), fmtTime(m.CreatedAt), nullTime(m.SentAt), nullString(m.WAMessageID),
		fmtTime(m.UpdatedAt), nullString(m.CreatedFrom), nullString(m.RecipientTimezone), nullString(m.ResentFrom),
		nullString(m.Recurrence), nullString(m.SeriesID), nullTime(m.SeriesStart), nullInt(m.Occurrence), m.TemplateID)
	if err != nil {
		if vpslink.ErrorCode(describe(err)) == vpslink.ECONFLICT {
			return vpslink.Errorf(vpslink.ECONFLICT, "message %s already exists", m.ID)
		}
		return fmt.Errorf("insert message: %w", err)
	}
	m.SetNextOccurrences()
	return nil
}

// ResendMessage creates, in one transaction with the check of the original,
// a new pending message that sends message id again at at (zero: now); see
// vpslink.ScheduledMessage.Resend. createdFrom says through what.
func (db *DB) ResendMessage(ctx context.Context, id string, at time.Time, createdFrom string) (*vpslink.ScheduledMessage, error) {
	var m *vpslink.ScheduledMessage
	err := db.Update(ctx, func(tx *Tx) error {
		var err error
		m, err = tx.ResendMessage(ctx, id, at, createdFrom)
		return err
	})
	return m, err
}

// ResendMessage is DB.ResendMessage inside tx.
func (tx *Tx) ResendMessage(ctx context.Context, id string, at time.Time, createdFrom string) (*vpslink.ScheduledMessage, error) {
	orig, err := getMessage(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if at.IsZero() {
		at = tx.now
	}
	m, err := orig.Resend(at)
	if err != nil {
		return nil, err
	}
	// The new message shows the recipient as it is named now, not as when
	// orig was scheduled; the old name stays for a contact deleted since.
	name, err := tx.contactName(ctx, m.ToPhone)
	if err != nil {
		return nil, err
	}
	m.ContactName = cmp.Or(name, m.ContactName)
	m.CreatedFrom = createdFrom
	if err := tx.checkJoined(ctx, "to_phone", m.ToPhone); err != nil {
		return nil, err
	}
	return m, tx.CreateMessage(ctx, m)
}

// GetMessage returns a scheduled message by id.
func (db *DB) GetMessage(ctx context.Context, id string) (*vpslink.ScheduledMessage, error) {
	return getMessage(ctx, db.read, id)
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func getMessage(ctx context.Context, q queryer, id string) (*vpslink.ScheduledMessage, error) {
	m, err := scanMessage(q.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM scheduled_messages WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vpslink.Errorf(vpslink.ENOTFOUND, "message %s not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("get message: %w", describe(err))
	}
	return m, nil
}

// ListMessages returns one page of scheduled messages, soonest first, and the
// number that match.
func (db *DB) ListMessages(ctx context.Context, f vpslink.MessageFilter) ([]*vpslink.ScheduledMessage, int, error) {
	var where []string
	var args []any
	if f.Status != "" {
		if !slices.Contains(vpslink.MessageStatuses, f.Status) {
			return nil, 0, vpslink.FieldError("status", "must be one of pending, sending, sent, failed, cancelled")
		}
		if f.To != "" {
			// One person's messages are few: read them through the phone
			// index and sort them. Left to itself, SQLite walks the status
			// index in order (no sort), through every message of that
			// status; the unary + keeps it from using that index.
			where = append(where, `+status = ?`)
		} else {
			where = append(where, `status = ?`)
		}
		args = append(args, f.Status)
	}
	if f.To != "" {
		phone, err := contactPhone(ctx, db.read, "to", f.To)
		if err != nil {
			return nil, 0, err
		}
		where = append(where, `to_phone = ?`)
		args = append(args, phone)
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		phone := "%" + escapeLike(s) + "%"
		if d := phoneDigits(s); d != "" {
			phone = "%" + d + "%"
		}
		// contact_name is the name when the message was scheduled; the
		// contact's current name and aliases find it too. The contacts are
		// read once, not per message.
		name, nameArgs := foldContains("name", s)
		alias, aliasArgs := foldContains("json_each.value", s)
		text, textArgs := foldContains("message", s)
		stored, storedArgs := foldContains("coalesce(contact_name, '')", s)
		where = append(where, `(to_phone LIKE ? ESCAPE '\'
			OR to_phone IN (SELECT phone FROM contacts WHERE `+name+`
				OR EXISTS (SELECT 1 FROM json_each(contacts.aliases) WHERE `+alias+`))
			OR `+text+` OR `+stored+`)`)
		args = append(append(append(append(append(args, phone), nameArgs...), aliasArgs...), textArgs...), storedArgs...)
	}
	if f.From != nil {
		where = append(where, `scheduled_at >= ?`)
		args = append(args, fmtTime(*f.From))
	}
	if f.Until != nil {
		where = append(where, `scheduled_at < ?`)
		args = append(args, fmtTime(*f.Until))
	}
	cond := whereClause(where)
	countQuery := `SELECT count(*) FROM scheduled_messages` + cond
	if f.To == "" && f.Search == "" && f.From == nil && f.Until == nil {
		// Kept by triggers (migration 0004): no scan of the matching rows.
		countQuery = `SELECT coalesce(sum(n), 0) FROM scheduled_message_counts` + cond
	}
	var total int
	if err := db.read.QueryRowContext(ctx, countQuery, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count messages: %w", describe(err))
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+messageColumns+` FROM scheduled_messages`+cond+
		` ORDER BY scheduled_at, id LIMIT ? OFFSET ?`, append(args, limit(f.Limit), f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list messages: %w", describe(err))
	}
	defer rows.Close()
	out := []*vpslink.ScheduledMessage{}
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list messages: %w", err)
		}
		out = append(out, m)
	}
	return out, total, rows.Err()
}

// UpdateMessage edits a message that is still pending. The scheduler
// re-reads the row when it claims it, so the edited text is what is sent.
func (db *DB) UpdateMessage(ctx context.Context, id string, u vpslink.MessageUpdate) (*vpslink.ScheduledMessage, error) {
	var m *vpslink.ScheduledMessage
	var zone string
	if u.Recurrence != nil && *u.Recurrence != "" {
		var err error
		if zone, err = db.seriesZone(ctx); err != nil {
			return nil, err
		}
	}
	err := db.Update(ctx, func(tx *Tx) error {
		var err error
		if m, err = getMessage(ctx, tx, id); err != nil {
			return err
		}
		if m.Status != vpslink.MessagePending {
			return vpslink.Errorf(vpslink.ECONFLICT, "message %s is %s; only pending messages can be edited", id, m.Status)
		}
		if u.TemplateID != nil {
			t, err := templateRef(ctx, tx, "template_id", *u.TemplateID)
			if err != nil {
				return err
			}
			if u.Message == nil {
				u.Message = &t.Text
			}
		}
		stored, orig := m.ToPhone, *m
		if zone != "" && m.RecipientTimezone == "" {
			m.RecipientTimezone = zone // a series starts here: see seriesZone
		}
		detach, err := m.ApplyUpdate(u)
		if err != nil {
			return err
		}
		if err := tx.resolveMessageGroup(ctx, m); err != nil {
			return err
		}
		if m.ToPhone != stored {
			if err := tx.checkJoined(ctx, "to_phone", m.ToPhone); err != nil {
				return err
			}
		}
		if detach {
			if err := tx.continueSeries(ctx, &orig); err != nil {
				return err
			}
		}
		if u.ToPhone == nil {
			// The phone is its contact's key, which another tool may have
			// stored as typed: an edit of other fields leaves it as it is.
			m.ToPhone = stored
		} else if u.ContactName == nil && m.ToPhone != stored {
			// The name shown must be the new recipient's, never the old one's.
			if m.ContactName, err = tx.contactName(ctx, m.ToPhone); err != nil {
				return err
			}
		}
		if u.ToPhone != nil {
			if err := tx.ensureContact(ctx, m.ToPhone, m.ContactName); err != nil {
				return err
			}
		}
		if err := tx.CheckMessageRenders(ctx, m); err != nil {
			return err
		}
		m.UpdatedAt, m.NextOccurrences = tx.now, nil
		m.SetNextOccurrences()
		_, err = tx.ExecContext(ctx, `UPDATE scheduled_messages SET message = ?, scheduled_at = ?,
			contact_name = ?, to_phone = ?, updated_at = ?, recurrence = ?, series_id = ?, series_start = ?,
			occurrence = ?, template_id = ?, recipient_timezone = ? WHERE id = ? AND status = 'pending'`,
			m.Message, fmtTime(m.ScheduledAt), nullString(m.ContactName), m.ToPhone, fmtTime(tx.now),
			nullString(m.Recurrence), nullString(m.SeriesID), nullTime(m.SeriesStart), nullInt(m.Occurrence), m.TemplateID,
			nullString(m.RecipientTimezone), id)
		if err != nil {
			return fmt.Errorf("update message: %w", describe(err))
		}
		return nil
	})
	return m, err
}

// continueSeries creates the occurrence of m's series after m, unless the
// series ends with m or that occurrence exists already: a claim retried
// after a crash, or a not-sent attempt claimed again, adds nothing.
func (tx *Tx) continueSeries(ctx context.Context, m *vpslink.ScheduledMessage) error {
	next := m.NextOccurrence()
	if next == nil {
		return nil
	}
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM scheduled_messages
		WHERE series_id = ? AND series_start = ? AND occurrence = ?`,
		next.SeriesID, fmtTime(*next.SeriesStart), next.Occurrence).Scan(&n)
	if err != nil {
		return fmt.Errorf("look up next occurrence: %w", describe(err))
	}
	if n > 0 {
		return nil
	}
	if err := tx.CreateMessage(ctx, next); err != nil {
		return fmt.Errorf("create next occurrence of series %s: %w", next.SeriesID, err)
	}
	return nil
}

// nullInt stores 0 as NULL.
func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// contactName returns the name a message to phone shows: its contact's,
// or for a group JID the group's; "" when there is none.
func (tx *Tx) contactName(ctx context.Context, phone string) (string, error) {
	query := `SELECT name FROM contacts WHERE phone = ?`
	if vpslink.IsGroupJID(phone) {
		query = `SELECT coalesce(name, '') FROM chats WHERE id = ?`
	}
	var name string
	err := tx.QueryRowContext(ctx, query, phone).Scan(&name)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("look up contact: %w", err)
	}
	return name, nil
}

// ensureContact creates a minimal contact for a phone that has none; a
// group is not a contact.
func (tx *Tx) ensureContact(ctx context.Context, phone, name string) error {
	if vpslink.IsGroupJID(phone) {
		return nil
	}
	if name == "" {
		name = phone
	}
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO contacts (phone, name, created_at, updated_at) VALUES (?, ?, ?, ?)`,
		phone, name, fmtTime(tx.now), fmtTime(tx.now))
	if err != nil {
		return fmt.Errorf("create contact: %w", describe(err))
	}
	return nil
}

// CancelMessage cancels a pending message. Cancelling a cancelled message
// changes nothing; one being sent right now, or already sent or failed, is a
// conflict. scope (see vpslink.ScopeOccurrence) says whether a recurring
// message's series goes on without it (its next occurrence is created in
// the same transaction) or ends with it.
func (db *DB) CancelMessage(ctx context.Context, id, scope string) (*vpslink.ScheduledMessage, error) {
	scope, err := vpslink.ValidateScope(scope)
	if err != nil {
		return nil, err
	}
	var m *vpslink.ScheduledMessage
	err = db.Update(ctx, func(tx *Tx) error {
		var err error
		if m, err = getMessage(ctx, tx, id); err != nil {
			return err
		}
		switch m.Status {
		case vpslink.MessageCancelled:
			return nil
		case vpslink.MessagePending:
		default:
			return vpslink.Errorf(vpslink.ECONFLICT, "message %s is %s and can no longer be cancelled", id, m.Status)
		}
		if scope == vpslink.ScopeOccurrence {
			if err := tx.continueSeries(ctx, m); err != nil {
				return err
			}
		}
		m.Status, m.UpdatedAt, m.NextOccurrences = vpslink.MessageCancelled, tx.now, nil
		_, err = tx.ExecContext(ctx, `UPDATE scheduled_messages SET status = 'cancelled', updated_at = ? WHERE id = ?`,
			fmtTime(tx.now), id)
		return err
	})
	return m, err
}

// CountMessagesByStatus returns how many scheduled messages have each status.
func (db *DB) CountMessagesByStatus(ctx context.Context) (map[string]int, error) {
	return db.countByStatus(ctx, "scheduled messages", `SELECT status, n FROM scheduled_message_counts`)
}

// CountJobsByStatus returns how many jobs have each status.
func (db *DB) CountJobsByStatus(ctx context.Context) (map[string]int, error) {
	return db.countByStatus(ctx, "jobs", `SELECT status, count(*) FROM jobs GROUP BY status`)
}

// countByStatus runs query, which yields (status, count) rows.
func (db *DB) countByStatus(ctx context.Context, what, query string) (map[string]int, error) {
	rows, err := db.read.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("count %s: %w", what, describe(err))
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, err
		}
		counts[status] = n
	}
	return counts, rows.Err()
}

func scanMessage(row scanner) (*vpslink.ScheduledMessage, error) {
	var m vpslink.ScheduledMessage
	var scheduled, created, updated string
	var sent, seriesStart sql.NullString
	if err := row.Scan(&m.ID, &m.ToPhone, &m.ContactName, &m.Message, &scheduled, &m.Status,
		&m.ErrorMessage, &m.WAMessageID, &m.CreatedFrom, &m.RecipientTimezone, &created, &updated, &sent, &m.ResentFrom,
		&m.Recurrence, &m.SeriesID, &seriesStart, &m.Occurrence, &m.TemplateID); err != nil {
		return nil, err
	}
	m.ScheduledAt, m.CreatedAt, m.UpdatedAt = parseTime(scheduled), parseTime(created), parseTime(updated)
	m.SentAt, m.SeriesStart = parseNullTime(sent), parseNullTime(seriesStart)
	if m.Status == vpslink.MessagePending {
		m.SetNextOccurrences()
	}
	return &m, nil
}

// seriesZone is the time zone a recurring message whose recipient has none
// repeats in: the default in force when the series starts. It is stored on
// the message, so that 09:00 stays 09:00 across daylight saving changes
// for a recipient in the user's own zone, and a later change of the
// default leaves existing series as they were made.
func (db *DB) seriesZone(ctx context.Context) (string, error) {
	s, _, err := db.Settings(ctx)
	if err != nil {
		return "", err
	}
	return s.DefaultTimezone, nil
}
