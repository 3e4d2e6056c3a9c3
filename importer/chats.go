package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vpslink/vpslink"
)

// legacyMessage is one element of a chat's messages. The fields stay raw so
// that every generation's variant can be read; decoding into a struct rather
// than a map keeps a 200,000-message file fast.
type legacyMessage struct {
	Message     json.RawMessage `json:"message"`
	Text        json.RawMessage `json:"text"`
	Timestamp   json.RawMessage `json:"timestamp"`
	IsFromMe    json.RawMessage `json:"isFromMe"`
	FromMe      json.RawMessage `json:"fromMe"`
	MessageType json.RawMessage `json:"messageType"`
	RawMessage  json.RawMessage `json:"rawMessage"`
}

// rawKey is the part of a Baileys rawMessage that identifies it.
type rawKey struct {
	Key struct {
		ID          any `json:"id"`
		Participant any `json:"participant"`
		FromMe      any `json:"fromMe"`
	} `json:"key"`
}

// chatMessage is one parsed message of a chat, or why it is skipped.
type chatMessage struct {
	index int
	msg   vpslink.ChatMessage
	skip  string
}

// chatInfo is a parsed chat, known once its whole object has been read.
type chatInfo struct {
	chat     vpslink.Chat
	skip     string // the chat id is unusable; its messages are skipped too
	warnings []string
}

// chatSink receives chats.json as it is read: beginChat before a chat's
// messages, endChat after its object.
type chatSink interface {
	beginChat(jid, skip string) error
	message(m *chatMessage) error
	endChat(c *chatInfo) error
}

// parseChats streams chats.json, an object keyed by chat JID, to sink. Only
// one message is held in memory at a time.
func parseChats(r io.Reader, sink chatSink) error {
	p := &chatParser{dec: json.NewDecoder(r), sink: sink}
	p.dec.UseNumber()
	if err := p.expect('{', "expected an object keyed by chat JID"); err != nil {
		return err
	}
	for p.dec.More() {
		tok, err := p.dec.Token()
		if err != nil {
			return decodeError(err)
		}
		key, _ := tok.(string)
		if err := p.chat(key); err != nil {
			return err
		}
	}
	if _, err := p.dec.Token(); err != nil {
		return decodeError(err)
	}
	if tok, err := p.dec.Token(); err != io.EOF {
		if err != nil {
			return decodeError(err)
		}
		return errorAt(p.dec.InputOffset(), "unexpected %s after the end of the JSON value", describeToken(tok))
	}
	return nil
}

type chatParser struct {
	dec  *json.Decoder
	sink chatSink
	buf  bytes.Buffer
}

// expect reads the opening delimiter delim or fails with msg.
func (p *chatParser) expect(delim json.Delim, msg string) error {
	at := p.dec.InputOffset()
	tok, err := p.dec.Token()
	if err != nil {
		return decodeError(err)
	}
	if tok != delim {
		return errorAt(at, "%s, found %s", msg, describeToken(tok))
	}
	return nil
}

func (p *chatParser) chat(key string) error {
	info := &chatInfo{}
	jid, skip, warning := chatID(key)
	info.chat.ID, info.skip = jid, skip
	if warning != "" {
		info.warnings = append(info.warnings, warning)
	}
	if err := p.sink.beginChat(jid, skip); err != nil {
		return err
	}
	if err := p.expect('{', fmt.Sprintf("chat %q: expected an object", key)); err != nil {
		return err
	}
	r := &record{fields: map[string]json.RawMessage{}, used: map[string]bool{"messages": true}}
	for p.dec.More() {
		tok, err := p.dec.Token()
		if err != nil {
			return decodeError(err)
		}
		field, _ := tok.(string)
		if field == "messages" {
			if err := p.messages(key, jid); err != nil {
				return err
			}
			continue
		}
		var raw json.RawMessage
		if err := p.dec.Decode(&raw); err != nil {
			return decodeError(err)
		}
		r.fields[field] = raw
	}
	if _, err := p.dec.Token(); err != nil {
		return decodeError(err)
	}
	chatFields(r, info)
	return p.sink.endChat(info)
}

// chatID checks a chats.json key. A bare phone number is taken as the
// user's JID.
func chatID(key string) (jid, skip, warning string) {
	key = strings.TrimSpace(key)
	switch {
	case key == "":
		return "", "missing chat id", ""
	case strings.Contains(key, "@"):
		return key, "", ""
	}
	phone, err := vpslink.NormalizePhone("chat", key)
	if err != nil {
		return key, fmt.Sprintf("chat id %q is not a JID or phone", key), ""
	}
	return phone + "@" + vpslink.UserServer, "", "key " + key + " is not a JID; read as " + phone + "@" + vpslink.UserServer
}

// chatFields reads a chat's own fields. One of the wrong type is left out
// with a warning: the chat's messages have been written already.
func chatFields(r *record, info *chatInfo) {
	c := &info.chat
	r.get("id") // the key is the chat's id
	var err error
	warn := func(err error) {
		if err != nil {
			info.warnings = append(info.warnings, err.Error()+"; not imported")
		}
	}
	c.Name, err = r.str("name")
	warn(err)
	group, ok, err := r.boolean("isGroup")
	warn(err)
	c.IsGroup = group
	if !ok {
		c.IsGroup = strings.HasSuffix(c.ID, "@"+vpslink.GroupServer)
	}
	unread, _, err := r.integer("unreadCount")
	warn(err)
	if unread >= 0 && unread < 1<<31 {
		c.UnreadCount = int(unread)
	}
	last, err := readTime(r, &item[struct{}]{}, "lastMessageTime")
	warn(err)
	if !last.IsZero() {
		c.LastMessageTime = last.Unix()
	}
	if u := r.unknown(); len(u) > 0 {
		info.warnings = append(info.warnings, "fields not imported: "+strings.Join(u, ", "))
	}
}

// messages streams one chat's messages array to the sink.
func (p *chatParser) messages(key, jid string) error {
	at := p.dec.InputOffset()
	tok, err := p.dec.Token()
	if err != nil {
		return decodeError(err)
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('[') {
		return errorAt(at, "chat %q: messages must be an array, found %s", key, describeToken(tok))
	}
	for i := 0; p.dec.More(); i++ {
		at := p.dec.InputOffset()
		var lm legacyMessage
		if err := p.dec.Decode(&lm); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return errorAt(at, "chat %q messages[%d]: expected an object, found %s", key, i, te.Value)
			}
			return decodeError(err)
		}
		m := &chatMessage{index: i}
		p.convert(&lm, jid, m)
		if err := p.sink.message(m); err != nil {
			return err
		}
	}
	_, err = p.dec.Token()
	return decodeError(err)
}

// convert reads one legacy message into m.msg, or sets m.skip.
func (p *chatParser) convert(lm *legacyMessage, jid string, m *chatMessage) {
	msg := &m.msg
	msg.ChatID = jid
	text := lm.Message
	if kindOf(text) == "nothing" || kindOf(text) == "null" {
		text = lm.Text
	}
	var err error
	if msg.Message, err = asString(text); err != nil {
		m.skip = "message: " + err.Error()
		return
	}
	ts, _, err := parseTime(lm.Timestamp)
	if err != nil {
		m.skip = "timestamp: " + err.Error()
		return
	}
	if ts.IsZero() {
		m.skip = "missing time"
		return
	}
	msg.Timestamp = ts.Unix()
	if msg.MessageType, err = asString(lm.MessageType); err != nil {
		m.skip = "messageType: " + err.Error()
		return
	}
	if msg.MessageType == "" {
		msg.MessageType = "text"
	}
	fromMe, ok, err := asBool(lm.IsFromMe)
	if !ok && err == nil {
		fromMe, _, err = asBool(lm.FromMe)
	}
	if err != nil {
		m.skip = "isFromMe: " + err.Error()
		return
	}
	msg.IsFromMe = fromMe
	if k := kindOf(lm.RawMessage); k != "nothing" && k != "null" {
		p.buf.Reset()
		if err := json.Compact(&p.buf, lm.RawMessage); err == nil {
			msg.RawMessage = p.buf.String()
		}
		var rk rawKey
		if json.Unmarshal(lm.RawMessage, &rk) == nil {
			msg.WAMessageID, _ = rk.Key.ID.(string)
			msg.SenderJID, _ = rk.Key.Participant.(string)
			if b, ok := rk.Key.FromMe.(bool); ok && kindOf(lm.IsFromMe) == "nothing" && kindOf(lm.FromMe) == "nothing" {
				msg.IsFromMe = b
			}
		}
	}
	if msg.Message == "" && msg.RawMessage == "" {
		m.skip = "missing text"
	}
}
