package importer

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"strconv"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

// importChats streams chats.json from r into tx. A position error is
// located by reading the file again from src.
func importChats(ctx context.Context, tx *store.Tx, src Source, r io.Reader, chats, msgs *FileReport) error {
	w, err := tx.NewChatMessageImporter(ctx)
	if err != nil {
		return err
	}
	defer w.Close()
	ci := &chatImporter{ctx: ctx, tx: tx, w: w, chats: chats, msgs: msgs, seenChats: map[string]bool{}}
	err = parseChats(r, ci)
	if err == nil {
		return w.Flush(ctx)
	}
	return locate(chatsFile, err, func() (io.ReadCloser, error) {
		rc, _, err := src.Open(ctx, chatsFile)
		return rc, err
	})
}

// chatImporter is the chatSink that writes to the store.
type chatImporter struct {
	ctx         context.Context
	tx          *store.Tx
	w           *store.ChatMessageImporter
	chats, msgs *FileReport
	seenChats   map[string]bool

	// The chat being read.
	jid, skip string
	isNew     bool
	lookup    bool                // look messages up: the chat may hold them already
	seen      map[string][16]byte // message identity -> content hash
	lastTime  int64
}

func (c *chatImporter) beginChat(jid, skip string) error {
	if err := c.ctx.Err(); err != nil {
		return err
	}
	c.jid, c.skip, c.lastTime = jid, skip, 0
	c.seen = map[string][16]byte{}
	if skip != "" {
		return nil
	}
	created, err := c.tx.EnsureChat(c.ctx, jid)
	if err != nil {
		return err
	}
	c.isNew = created
	c.lookup = !created || c.seenChats[jid]
	c.seenChats[jid] = true
	return nil
}

// message writes one message. Within a chat a message is identified by its
// WhatsApp id, or by its time, direction, type and text when it has none:
// an exact repeat is a skipped duplicate; a different record with the same
// identity is merged into the first.
func (c *chatImporter) message(m *chatMessage) error {
	c.msgs.Read++
	ref := c.jid + " messages[" + strconv.Itoa(m.index) + "]"
	switch {
	case c.skip != "":
		c.msgs.skip(ref, "chat skipped: %s", c.skip)
		return nil
	case m.skip != "":
		c.msgs.skip(ref, "%s", m.skip)
		return nil
	}
	identity, content := messageKeys(&m.msg)
	if prev, ok := c.seen[identity]; ok {
		if prev == content {
			c.msgs.skip(ref, "exact duplicate of an earlier message")
		} else {
			c.msgs.Merged++
			c.msgs.warn(ref, "same identity as an earlier message of the chat; the earlier one is kept")
		}
		return nil
	}
	c.seen[identity] = content
	res, err := c.w.Import(c.ctx, &m.msg, c.lookup)
	if err != nil {
		return err
	}
	c.msgs.count(ref, res)
	c.lastTime = max(c.lastTime, m.msg.Timestamp)
	return nil
}

func (c *chatImporter) endChat(info *chatInfo) error {
	c.chats.Read++
	ref := info.chat.ID
	for _, w := range info.warnings {
		c.chats.warn(ref, "%s", w)
	}
	if info.skip != "" {
		c.chats.skip(ref, "%s", info.skip)
		return nil
	}
	info.chat.LastMessageTime = max(info.chat.LastMessageTime, c.lastTime)
	res, err := c.tx.ImportChat(c.ctx, &info.chat)
	if err != nil {
		return err
	}
	if c.isNew {
		res = store.ImportInserted
		c.isNew = false
	}
	c.chats.count(ref, res)
	return nil
}

// messageKeys returns a message's identity within its chat and a hash of
// everything it holds.
func messageKeys(m *vpslink.ChatMessage) (identity string, content [16]byte) {
	h := sha256.New()
	fmt.Fprintf(h, "%d\x00%t\x00%s\x00%s\x00", m.Timestamp, m.IsFromMe, m.MessageType, m.Message)
	var base [32]byte
	h.Sum(base[:0])
	if m.WAMessageID != "" {
		identity = "id:" + m.WAMessageID
	} else {
		identity = "h:" + string(base[:16])
	}
	fmt.Fprintf(h, "%s\x00%s\x00%s", m.WAMessageID, m.SenderJID, m.RawMessage)
	var all [32]byte
	h.Sum(all[:0])
	copy(content[:], all[:16])
	return identity, content
}
