package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/vpslink/vpslink"
)

const chatColumns = `id, coalesce(name, ''), is_group, unread_count, coalesce(last_message_time, 0),
	participant_count, left_at, created_at, updated_at`

// ListChats returns one page of chats, most recent activity first.
func (db *DB) ListChats(ctx context.Context, f vpslink.ChatFilter) ([]*vpslink.Chat, int, error) {
	var where []string
	if f.Unread {
		where = append(where, `unread_count > 0`)
	}
	if f.Groups {
		where = append(where, groupCond)
		if !f.Left {
			where = append(where, `left_at IS NULL`)
		}
	}
	var args []any
	if f.Search != "" {
		name, nameArgs := foldContains("coalesce(name, '')", f.Search)
		where, args = append(where, name), nameArgs
	}
	cond := ""
	if len(where) > 0 {
		cond = ` WHERE ` + strings.Join(where, ` AND `)
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM chats`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count chats: %w", describe(err))
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+chatColumns+` FROM chats`+cond+
		` ORDER BY coalesce(last_message_time, 0) DESC, id LIMIT ? OFFSET ?`, append(args, limit(f.Limit), f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list chats: %w", describe(err))
	}
	defer rows.Close()
	out := []*vpslink.Chat{}
	for rows.Next() {
		c, err := scanChat(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list chats: %w", err)
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// GetChat returns a chat by JID.
func (db *DB) GetChat(ctx context.Context, id string) (*vpslink.Chat, error) {
	return getChat(ctx, db.read, id)
}

func getChat(ctx context.Context, q queryer, id string) (*vpslink.Chat, error) {
	c, err := scanChat(q.QueryRowContext(ctx, `SELECT `+chatColumns+` FROM chats WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vpslink.Errorf(vpslink.ENOTFOUND, "chat %s not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("get chat: %w", describe(err))
	}
	return c, nil
}

// ChatMessages returns up to limit messages of a chat older than before
// (Unix seconds; 0 for the newest), newest first.
func (db *DB) ChatMessages(ctx context.Context, chatID string, limitN int, before int64) ([]*vpslink.ChatMessage, error) {
	cond, args := ``, []any{chatID}
	if before > 0 {
		cond, args = ` AND timestamp < ?`, append(args, before)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, chat_id, coalesce(message, ''), timestamp, is_from_me,
		message_type, coalesce(wa_message_id, ''), coalesce(sender_jid, ''), coalesce(raw_message, '')
		FROM messages WHERE chat_id = ?`+cond+` ORDER BY timestamp DESC, id DESC LIMIT ?`,
		append(args, limit(limitN))...)
	if err != nil {
		return nil, fmt.Errorf("list chat messages: %w", describe(err))
	}
	defer rows.Close()
	out := []*vpslink.ChatMessage{}
	for rows.Next() {
		var m vpslink.ChatMessage
		if err := rows.Scan(&m.ID, &m.ChatID, &m.Message, &m.Timestamp, &m.IsFromMe, &m.MessageType,
			&m.WAMessageID, &m.SenderJID, &m.RawMessage); err != nil {
			return nil, err
		}
		out = append(out, &m)
	}
	return out, rows.Err()
}

// MarkChatRead sets a chat's unread count to zero.
func (db *DB) MarkChatRead(ctx context.Context, id string) (*vpslink.Chat, error) {
	err := db.Update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE chats SET unread_count = 0, updated_at = ? WHERE id = ?`, fmtTime(tx.now), id)
		if err != nil {
			return fmt.Errorf("mark chat read: %w", describe(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vpslink.Errorf(vpslink.ENOTFOUND, "chat %s not found", id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return db.GetChat(ctx, id)
}

func scanChat(row scanner) (*vpslink.Chat, error) {
	var c vpslink.Chat
	var created, updated string
	var left sql.NullString
	if err := row.Scan(&c.ID, &c.Name, &c.IsGroup, &c.UnreadCount, &c.LastMessageTime, &c.ParticipantCount, &left,
		&created, &updated); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt, c.LeftAt = parseTime(created), parseTime(updated), parseNullTime(left)
	return &c, nil
}
