package vpslink

import "time"

// Chat is a WhatsApp conversation, keyed by its JID.
type Chat struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	IsGroup         bool   `json:"is_group"`
	UnreadCount     int    `json:"unread_count"`
	LastMessageTime int64  `json:"last_message_time"`
	// ParticipantCount is a group's number of members as WhatsApp last
	// reported it; 0 when unknown (a direct chat, a group only seen in
	// the history).
	ParticipantCount int `json:"participant_count"`
	// LeftAt is when this account was seen to have left the group (or was
	// removed, or the group was deleted); nil while it is a member.
	// Sending to a group left fails without trying.
	LeftAt    *time.Time `json:"left_at"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// Label names a chat for a person: its name and JID, or the JID alone.
func (c *Chat) Label() string {
	if c.Name == "" {
		return c.ID
	}
	return c.Name + " (" + c.ID + ")"
}

// ChatMessage is one message of a chat's history. Timestamp is Unix seconds.
type ChatMessage struct {
	ID          int64  `json:"id"`
	ChatID      string `json:"chat_id"`
	Message     string `json:"message"`
	Timestamp   int64  `json:"timestamp"`
	IsFromMe    bool   `json:"is_from_me"`
	MessageType string `json:"message_type"`
	WAMessageID string `json:"wa_message_id,omitempty"`
	SenderJID   string `json:"sender_jid,omitempty"`
	RawMessage  string `json:"raw_message,omitempty"`
}

// MessageTypes are the message_type values chat capture writes.
var MessageTypes = []string{"text", "image", "video", "audio", "document", "sticker", "location", "contact", "poll"}

// ChatFilter selects chats.
type ChatFilter struct {
	Unread bool
	Groups bool // only group chats (JIDs …@g.us)
	// Left keeps the groups the account has left; without it, Groups
	// lists the groups the account is in.
	Left bool
	// Search keeps the chats whose name contains it, case-insensitively.
	Search string
	Limit  int
	Offset int
}
