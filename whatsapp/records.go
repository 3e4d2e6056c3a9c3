package whatsapp

import (
	"cmp"
	"encoding/json"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/proto/waWeb"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// ownJID is the paired account's JID without device, or the empty JID.
func (c *Client) ownJID() types.JID {
	if !c.paired() {
		return types.EmptyJID
	}
	return c.device.ID.ToNonAD()
}

// rawKey is the stored raw_message: the message key in the shape the legacy
// listener wrote (rawMessage.key.id is the WhatsApp id), without the
// message body, whose media thumbnails would bloat the database.
type rawKey struct {
	Key struct {
		RemoteJID   string `json:"remoteJid"`
		FromMe      bool   `json:"fromMe"`
		ID          string `json:"id"`
		Participant string `json:"participant,omitempty"`
	} `json:"key"`
	MessageTimestamp int64  `json:"messageTimestamp"`
	PushName         string `json:"pushName,omitempty"`
}

// canonical prefers a phone-number JID over a LID one, so that a chat keeps
// one row whichever addressing WhatsApp used for a message.
func canonical(jid, alt types.JID) types.JID {
	if jid.Server == types.HiddenUserServer && alt.Server == types.DefaultUserServer {
		return alt.ToNonAD()
	}
	return jid.ToNonAD()
}

// messageRecord turns a message event into a row for `messages`. Messages
// without content a person would read (reactions, edits, revokes, key
// distribution, status updates) are skipped.
func messageRecord(e *events.Message, own types.JID, live bool) (store.WAMessage, bool) {
	info := e.Info
	if info.Chat == types.StatusBroadcastJID || info.ID == "" {
		return store.WAMessage{}, false
	}
	text, typ, ok := messageContent(e.Message)
	if !ok {
		return store.WAMessage{}, false
	}
	chatAlt := info.SenderAlt
	if info.IsFromMe {
		chatAlt = info.RecipientAlt
	}
	chat := canonical(info.Chat, chatAlt)
	sender := canonical(info.Sender, info.SenderAlt)
	if info.IsFromMe && !own.IsEmpty() {
		sender = own
	}
	var raw rawKey
	raw.Key.RemoteJID, raw.Key.FromMe, raw.Key.ID = chat.String(), info.IsFromMe, info.ID
	if info.IsGroup {
		raw.Key.Participant = sender.String()
	}
	raw.MessageTimestamp, raw.PushName = info.Timestamp.Unix(), info.PushName
	rawJSON, _ := json.Marshal(raw)
	return store.WAMessage{
		ChatMessage: vpslink.ChatMessage{
			ChatID:      chat.String(),
			Message:     text,
			Timestamp:   info.Timestamp.Unix(),
			IsFromMe:    info.IsFromMe,
			MessageType: typ,
			WAMessageID: info.ID,
			SenderJID:   sender.String(),
			RawMessage:  string(rawJSON),
		},
		ChatName:    info.PushName,
		IsGroup:     info.IsGroup,
		CountUnread: live,
	}, true
}

// sentMessage is the history row of a text vpslink sent.
func sentMessage(to types.JID, s vpslink.Send, own types.JID, at time.Time) store.WAMessage {
	e := &events.Message{
		Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: to, Sender: own, IsFromMe: true, IsGroup: to.Server == types.GroupServer},
			ID:            s.WAMessageID,
			Timestamp:     at,
		},
		Message: &waE2E.Message{Conversation: &s.Text},
	}
	m, _ := messageRecord(e, own, false)
	return m
}

// historyRecords turns one history-sync blob into chats and messages. The
// conversation's unread count replaces the stored one; push names of the
// same blob name chats that have no name of their own.
func historyRecords(e *events.HistorySync, own types.JID) ([]store.WAChat, []store.WAMessage) {
	pushNames := map[string]string{}
	for _, p := range e.Data.GetPushnames() {
		pushNames[p.GetID()] = p.GetPushname()
	}
	var chats []store.WAChat
	var msgs []store.WAMessage
	for _, conv := range e.Data.GetConversations() {
		jid, err := types.ParseJID(conv.GetID())
		if err != nil || jid == types.StatusBroadcastJID {
			continue
		}
		var pn types.JID
		if conv.GetPnJID() != "" {
			pn, _ = types.ParseJID(conv.GetPnJID())
		}
		jid = canonical(jid, pn)
		chat := store.WAChat{
			ID:              jid.String(),
			Name:            conv.GetName(),
			IsGroup:         jid.Server == types.GroupServer,
			UnreadCount:     int(conv.GetUnreadCount()),
			LastMessageTime: int64(max(conv.GetConversationTimestamp(), conv.GetLastMsgTimestamp())),
		}
		if chat.Name == "" {
			chat.Name = conv.GetDisplayName()
		}
		if chat.Name == "" {
			chat.Name, chat.NameIsHint = pushNames[conv.GetID()], true
		}
		chats = append(chats, chat)
		for _, hm := range conv.GetMessages() {
			if m, ok := webMessageRecord(jid, hm.GetMessage(), own); ok {
				msgs = append(msgs, m)
			}
		}
	}
	return chats, msgs
}

// webMessageRecord converts a history-sync message, unwrapping it as
// whatsmeow does for live ones.
func webMessageRecord(chat types.JID, wm *waWeb.WebMessageInfo, own types.JID) (store.WAMessage, bool) {
	key := wm.GetKey()
	info := types.MessageInfo{
		MessageSource: types.MessageSource{Chat: chat, IsFromMe: key.GetFromMe(), IsGroup: chat.Server == types.GroupServer},
		ID:            key.GetID(),
		PushName:      wm.GetPushName(),
		Timestamp:     time.Unix(int64(wm.GetMessageTimestamp()), 0),
	}
	participant := wm.GetParticipant()
	if participant == "" {
		participant = key.GetParticipant()
	}
	switch {
	case info.IsFromMe:
		info.Sender = own
	case participant != "":
		info.Sender, _ = types.ParseJID(participant)
	default:
		info.Sender = chat
	}
	e := (&events.Message{Info: info, RawMessage: wm.GetMessage()}).UnwrapRaw()
	return messageRecord(e, own, false)
}

// messageContent returns the readable text and type of a message, and false
// for messages that are not chat content.
func messageContent(m *waE2E.Message) (text, typ string, ok bool) {
	switch {
	case m == nil:
		return "", "", false
	case m.GetConversation() != "":
		return m.GetConversation(), "text", true
	case m.GetExtendedTextMessage() != nil:
		return m.GetExtendedTextMessage().GetText(), "text", true
	case m.GetImageMessage() != nil:
		return m.GetImageMessage().GetCaption(), "image", true
	case m.GetVideoMessage() != nil:
		return m.GetVideoMessage().GetCaption(), "video", true
	case m.GetAudioMessage() != nil:
		return "", "audio", true
	case m.GetDocumentMessage() != nil:
		d := m.GetDocumentMessage()
		if d.GetCaption() != "" {
			return d.GetCaption(), "document", true
		}
		return d.GetFileName(), "document", true
	case m.GetStickerMessage() != nil:
		return "", "sticker", true
	case m.GetLocationMessage() != nil:
		l := m.GetLocationMessage()
		return cmp.Or(l.GetName(), l.GetAddress()), "location", true
	case m.GetLiveLocationMessage() != nil:
		return m.GetLiveLocationMessage().GetCaption(), "location", true
	case m.GetContactMessage() != nil:
		return m.GetContactMessage().GetDisplayName(), "contact", true
	case m.GetContactsArrayMessage() != nil:
		return m.GetContactsArrayMessage().GetDisplayName(), "contact", true
	case m.GetPollCreationMessage() != nil:
		return m.GetPollCreationMessage().GetName(), "poll", true
	case m.GetPollCreationMessageV3() != nil:
		return m.GetPollCreationMessageV3().GetName(), "poll", true
	}
	return "", "", false
}
