package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/vpslink/vpslink"
)

// ImportResult says what an import upsert did with one legacy record.
type ImportResult int

// Import upsert results.
const (
	// ImportInserted: a new row was written.
	ImportInserted ImportResult = iota
	// ImportUpdated: an existing row took the record's values.
	ImportUpdated
	// ImportUnchanged: an existing row already held the record's values.
	ImportUnchanged
	// ImportKept: an existing row differs but was left as it is, because
	// taking the record's values could make vpslink send something that the
	// row as it stands would not (it has a delivery, or the record would
	// revive a finished row).
	ImportKept
)

// ImportContact upserts a legacy contact keyed by phone. The record's name,
// secondary phone, timezone and notes win when it has them; aliases and tags
// are combined and a favourite stays a favourite, so nothing a user added in
// vpslink is lost and importing the same record again changes nothing.
func (tx *Tx) ImportContact(ctx context.Context, c *vpslink.Contact) (ImportResult, error) {
	old, err := scanContact(tx.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts WHERE phone = ?`, c.Phone))
	c.Aliases, c.Tags = vpslink.CleanLabels(c.Aliases), vpslink.CleanLabels(c.Tags)
	if errors.Is(err, sql.ErrNoRows) {
		if c.CreatedAt.IsZero() {
			c.CreatedAt = tx.now
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO contacts
			(phone, name, aliases, tags, is_favorite, secondary_phone, timezone, notes, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.Phone, c.Name, jsonList(c.Aliases), jsonList(c.Tags), c.IsFavorite, nullString(c.SecondaryPhone),
			nullString(c.Timezone), nullString(c.Notes), fmtTime(c.CreatedAt), fmtTime(tx.now))
		if err != nil {
			return 0, fmt.Errorf("import contact %s: %w", c.Phone, describe(err))
		}
		return ImportInserted, nil
	} else if err != nil {
		return 0, fmt.Errorf("import contact %s: %w", c.Phone, err)
	}
	merged := *old
	merged.Name = c.Name
	merged.Aliases = vpslink.CleanLabels(append(slices.Clone(old.Aliases), c.Aliases...))
	merged.Tags = vpslink.CleanLabels(append(slices.Clone(old.Tags), c.Tags...))
	merged.IsFavorite = old.IsFavorite || c.IsFavorite
	merged.SecondaryPhone = cmp.Or(c.SecondaryPhone, old.SecondaryPhone)
	merged.Timezone = cmp.Or(c.Timezone, old.Timezone)
	merged.Notes = cmp.Or(c.Notes, old.Notes)
	if reflect.DeepEqual(&merged, old) {
		*c = merged
		return ImportUnchanged, nil
	}
	merged.UpdatedAt = tx.now
	_, err = tx.ExecContext(ctx, `UPDATE contacts SET name = ?, aliases = ?, tags = ?, is_favorite = ?,
		secondary_phone = ?, timezone = ?, notes = ?, updated_at = ? WHERE id = ?`,
		merged.Name, jsonList(merged.Aliases), jsonList(merged.Tags), merged.IsFavorite,
		nullString(merged.SecondaryPhone), nullString(merged.Timezone), nullString(merged.Notes),
		fmtTime(tx.now), merged.ID)
	if err != nil {
		return 0, fmt.Errorf("import contact %s: %w", c.Phone, describe(err))
	}
	*c = merged
	return ImportUpdated, nil
}

// ImportMessage upserts a legacy scheduled message keyed by its id. A phone
// that is not a contact yet gets a minimal contact first (contactCreated),
// named after the message's contact name or else the phone; a message
// without a contact name takes the contact's.
func (tx *Tx) ImportMessage(ctx context.Context, m *vpslink.ScheduledMessage) (res ImportResult, contactCreated bool, err error) {
	if err := tx.resolveMessageGroup(ctx, m); err != nil {
		return 0, false, err
	}
	var name string
	if vpslink.IsGroupJID(m.ToPhone) {
		// A group is not a contact: its name is the chat's, if known.
		name, err = tx.contactName(ctx, m.ToPhone)
	} else {
		err = tx.QueryRowContext(ctx, `SELECT name FROM contacts WHERE phone = ?`, m.ToPhone).Scan(&name)
	}
	if errors.Is(err, sql.ErrNoRows) {
		name, contactCreated = cmp.Or(m.ContactName, m.ToPhone), true
		if err := tx.ensureContact(ctx, m.ToPhone, name); err != nil {
			return 0, false, err
		}
	} else if err != nil {
		return 0, false, fmt.Errorf("import message %s: look up contact: %w", m.ID, err)
	}
	m.ContactName = cmp.Or(m.ContactName, name)

	old, err := getMessage(ctx, tx, m.ID)
	if vpslink.ErrorCode(err) == vpslink.ENOTFOUND {
		return ImportInserted, contactCreated, tx.CreateMessage(ctx, m)
	} else if err != nil {
		return 0, false, err
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = old.CreatedAt
	}
	m.WAMessageID = cmp.Or(m.WAMessageID, old.WAMessageID)
	if reflect.DeepEqual(messageValues(m), messageValues(old)) {
		return ImportUnchanged, contactCreated, nil
	}
	if keep, err := tx.keepImported(ctx, "message_id", m.ID, messageRank(old.Status), messageRank(m.Status)); err != nil || keep {
		return ImportKept, contactCreated, err
	}
	m.UpdatedAt = tx.now
	_, err = tx.ExecContext(ctx, `UPDATE scheduled_messages SET to_phone = ?, contact_name = ?, message = ?,
		scheduled_at = ?, status = ?, error_message = ?, created_at = ?, sent_at = ?, wa_message_id = ?,
		updated_at = ?, created_from = ?, recipient_timezone = ? WHERE id = ?`,
		m.ToPhone, nullString(m.ContactName), m.Message, fmtTime(m.ScheduledAt), m.Status,
		nullString(m.ErrorMessage), fmtTime(m.CreatedAt), nullTime(m.SentAt), nullString(m.WAMessageID),
		fmtTime(tx.now), nullString(m.CreatedFrom), nullString(m.RecipientTimezone), m.ID)
	if err != nil {
		return 0, false, fmt.Errorf("import message %s: %w", m.ID, describe(err))
	}
	return ImportUpdated, contactCreated, nil
}

// messageValues lists the columns a legacy record sets, as stored.
func messageValues(m *vpslink.ScheduledMessage) []any {
	return []any{m.ToPhone, m.ContactName, m.Message, fmtTime(m.ScheduledAt), m.Status, m.ErrorMessage,
		fmtTime(m.CreatedAt), nullTime(m.SentAt), m.WAMessageID, m.CreatedFrom, m.RecipientTimezone}
}

// messageRank orders message states by how much sending they still allow.
func messageRank(status string) int {
	if status == vpslink.MessagePending {
		return 1
	}
	return 0
}

// keepImported reports whether an existing row must keep its values rather
// than take an imported record's: once the row has a delivery vpslink owns
// it, and a record never moves a row to a state that sends more (a
// cancelled message back to pending).
func (tx *Tx) keepImported(ctx context.Context, column, id string, oldRank, newRank int) (bool, error) {
	if newRank > oldRank {
		return true, nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM deliveries WHERE `+column+` = ?`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("count deliveries of %s: %w", id, err)
	}
	return n > 0, nil
}

// ImportJob upserts a legacy job keyed by its id, under the same rules as
// ImportMessage.
func (tx *Tx) ImportJob(ctx context.Context, j *vpslink.Job) (ImportResult, error) {
	if err := tx.resolveJobGroups(ctx, j); err != nil {
		return 0, err
	}
	old, err := getJob(ctx, tx, j.ID)
	if vpslink.ErrorCode(err) == vpslink.ENOTFOUND {
		return ImportInserted, tx.CreateJob(ctx, j)
	} else if err != nil {
		return 0, err
	}
	if j.CreatedAt.IsZero() {
		j.CreatedAt = old.CreatedAt
	}
	if reflect.DeepEqual(jobValues(j), jobValues(old)) {
		return ImportUnchanged, nil
	}
	if keep, err := tx.keepImported(ctx, "job_id", j.ID, jobRank(old.Status), jobRank(j.Status)); err != nil || keep {
		return ImportKept, err
	}
	j.UpdatedAt = tx.now
	v := jobValues(j)
	_, err = tx.ExecContext(ctx, `UPDATE jobs SET title = ?, status = ?, scheduled_start_at = ?, created_at = ?,
		completed_at = ?, current_recipient_index = ?, current_part_index = ?, recipients_sent = ?,
		recipients_failed = ?, last_sent_at = ?, config = ?, message_parts = ?, recipients = ?,
		error_message = ?, cancelled_at = ?, next_step_at = NULL, updated_at = ? WHERE id = ?`,
		append(v, fmtTime(tx.now), j.ID)...)
	if err != nil {
		return 0, fmt.Errorf("import job %s: %w", j.ID, describe(err))
	}
	return ImportUpdated, nil
}

// jobValues lists the columns a legacy record sets, in the order of
// ImportJob's UPDATE.
func jobValues(j *vpslink.Job) []any {
	return []any{j.Title, j.Status, fmtTime(j.ScheduledStartAt), fmtTime(j.CreatedAt), nullTime(j.CompletedAt),
		j.CurrentRecipientIndex, j.CurrentPartIndex, j.RecipientsSent, j.RecipientsFailed, nullTime(j.LastSentAt),
		mustJSON(j.Config), mustJSON(j.MessageParts), mustJSON(j.Recipients), nullString(j.ErrorMessage),
		nullTime(j.CancelledAt)}
}

// jobRank orders job states by how much sending they still allow.
func jobRank(status string) int {
	switch status {
	case vpslink.JobPending, vpslink.JobRunning:
		return 2
	case vpslink.JobPaused:
		return 1
	}
	return 0
}

// EnsureChat creates an empty chat row unless it exists, so that its
// messages can be written before the rest of the chat has been read. It
// reports whether the chat is new.
func (tx *Tx) EnsureChat(ctx context.Context, id string) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO chats (id, created_at, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (id) DO NOTHING`, id, fmtTime(tx.now), fmtTime(tx.now))
	if err != nil {
		return false, fmt.Errorf("import chat %s: %w", id, describe(err))
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ImportChat sets an existing chat's name (when the record has one), group
// flag and unread count from a legacy record; the last message time only
// moves forward.
func (tx *Tx) ImportChat(ctx context.Context, c *vpslink.Chat) (ImportResult, error) {
	old, err := scanChat(tx.QueryRowContext(ctx, `SELECT `+chatColumns+` FROM chats WHERE id = ?`, c.ID))
	if err != nil {
		return 0, fmt.Errorf("import chat %s: %w", c.ID, err)
	}
	merged := *old
	merged.Name = cmp.Or(c.Name, old.Name)
	merged.IsGroup = c.IsGroup
	merged.UnreadCount = c.UnreadCount
	merged.LastMessageTime = max(c.LastMessageTime, old.LastMessageTime)
	if merged == *old {
		return ImportUnchanged, nil
	}
	_, err = tx.ExecContext(ctx, `UPDATE chats SET name = ?, is_group = ?, unread_count = ?,
		last_message_time = nullif(?, 0), updated_at = ? WHERE id = ?`,
		nullString(merged.Name), merged.IsGroup, merged.UnreadCount, merged.LastMessageTime, fmtTime(tx.now), c.ID)
	if err != nil {
		return 0, fmt.Errorf("import chat %s: %w", c.ID, describe(err))
	}
	return ImportUpdated, nil
}

// importBatch is how many chat messages one INSERT statement writes.
const importBatch = 200

const importMessageColumns = `(chat_id, message, timestamp, is_from_me, message_type, raw_message,
	created_at, wa_message_id, sender_jid)`

// ChatMessageImporter writes chat history inside the import's transaction:
// new messages in multi-row INSERTs, existing ones (by WhatsApp id, or by
// their content when they have none) updated in place.
type ChatMessageImporter struct {
	tx                   *Tx
	insert, byID, byText *sql.Stmt
	pending              []any
}

// NewChatMessageImporter prepares the importer's statements. Close it
// before the transaction ends.
func (tx *Tx) NewChatMessageImporter(ctx context.Context) (*ChatMessageImporter, error) {
	w := &ChatMessageImporter{tx: tx}
	const sel = `SELECT id, coalesce(message, ''), timestamp, is_from_me, message_type, coalesce(raw_message, ''),
		coalesce(wa_message_id, ''), coalesce(sender_jid, '') FROM messages WHERE chat_id = ? `
	var err error
	for _, s := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&w.insert, `INSERT INTO messages ` + importMessageColumns + ` VALUES ` + placeholders(importBatch)},
		{&w.byID, sel + `AND wa_message_id = ?`},
		{&w.byText, sel + `AND timestamp = ? AND is_from_me = ? AND message_type = ? AND coalesce(message, '') = ?
			AND wa_message_id IS NULL ORDER BY id LIMIT 1`},
	} {
		if *s.stmt, err = tx.PrepareContext(ctx, s.sql); err != nil {
			w.Close()
			return nil, fmt.Errorf("prepare message import: %w", err)
		}
	}
	return w, nil
}

func placeholders(rows int) string {
	return strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?, ?, ?, ?, ?, ?), `, rows), ", ")
}

// Import writes m. With lookup false the caller knows the chat held no
// messages before this import, and m is queued for a batch insert without
// a query.
func (w *ChatMessageImporter) Import(ctx context.Context, m *vpslink.ChatMessage, lookup bool) (ImportResult, error) {
	if lookup {
		if err := w.Flush(ctx); err != nil {
			return 0, err
		}
		var old vpslink.ChatMessage
		var row *sql.Row
		if m.WAMessageID != "" {
			row = w.byID.QueryRowContext(ctx, m.ChatID, m.WAMessageID)
		} else {
			row = w.byText.QueryRowContext(ctx, m.ChatID, m.Timestamp, m.IsFromMe, m.MessageType, m.Message)
		}
		err := row.Scan(&old.ID, &old.Message, &old.Timestamp, &old.IsFromMe, &old.MessageType, &old.RawMessage,
			&old.WAMessageID, &old.SenderJID)
		if err == nil {
			return w.update(ctx, &old, m)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("look up message in %s: %w", m.ChatID, err)
		}
	}
	w.pending = append(w.pending, m.ChatID, nullString(m.Message), m.Timestamp, m.IsFromMe, m.MessageType,
		nullString(m.RawMessage), fmtTime(w.tx.now), nullString(m.WAMessageID), nullString(m.SenderJID))
	if len(w.pending) == importBatch*9 {
		return ImportInserted, w.Flush(ctx)
	}
	return ImportInserted, nil
}

func (w *ChatMessageImporter) update(ctx context.Context, old, m *vpslink.ChatMessage) (ImportResult, error) {
	m.ID, old.ChatID = old.ID, m.ChatID
	m.SenderJID = cmp.Or(m.SenderJID, old.SenderJID)
	if *m == *old {
		return ImportUnchanged, nil
	}
	_, err := w.tx.ExecContext(ctx, `UPDATE messages SET message = ?, timestamp = ?, is_from_me = ?,
		message_type = ?, raw_message = ?, sender_jid = ? WHERE id = ?`,
		nullString(m.Message), m.Timestamp, m.IsFromMe, m.MessageType, nullString(m.RawMessage),
		nullString(m.SenderJID), old.ID)
	if err != nil {
		return 0, fmt.Errorf("update message %d: %w", old.ID, describe(err))
	}
	return ImportUpdated, nil
}

// Flush writes the queued messages.
func (w *ChatMessageImporter) Flush(ctx context.Context) error {
	if len(w.pending) == 0 {
		return nil
	}
	var err error
	if len(w.pending) == importBatch*9 {
		_, err = w.insert.ExecContext(ctx, w.pending...)
	} else {
		_, err = w.tx.ExecContext(ctx, `INSERT INTO messages `+importMessageColumns+` VALUES `+
			placeholders(len(w.pending)/9), w.pending...)
	}
	w.pending = w.pending[:0]
	if err != nil {
		return fmt.Errorf("insert messages: %w", describe(err))
	}
	return nil
}

// Close releases the prepared statements; queued messages not flushed are
// dropped.
func (w *ChatMessageImporter) Close() error {
	var errs []error
	for _, s := range []*sql.Stmt{w.insert, w.byID, w.byText} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

// TableCounts is how many rows the data tables hold.
type TableCounts struct {
	Contacts          int `json:"contacts"`
	ScheduledMessages int `json:"scheduled_messages"`
	Jobs              int `json:"jobs"`
	Chats             int `json:"chats"`
	Messages          int `json:"messages"`
}

// TableCounts counts the rows of the data tables as tx sees them.
func (tx *Tx) TableCounts(ctx context.Context) (TableCounts, error) {
	var c TableCounts
	err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM scheduled_messages),
		(SELECT count(*) FROM jobs), (SELECT count(*) FROM chats), (SELECT count(*) FROM messages)`).
		Scan(&c.Contacts, &c.ScheduledMessages, &c.Jobs, &c.Chats, &c.Messages)
	if err != nil {
		return c, fmt.Errorf("count rows: %w", err)
	}
	return c, nil
}
