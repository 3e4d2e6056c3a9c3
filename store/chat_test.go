package store_test

import (
	"context"
	"testing"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

func TestChats(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	if err := db.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(context.Background(), `INSERT INTO chats (id, name, is_group, unread_count, last_message_time) VALUES
			('491510000001@s.whatsapp.net', 'Anna', 0, 2, 1700000100),
			('120363000000000000@g.us', 'Family', 1, 0, 1700000200);
			INSERT INTO messages (chat_id, message, timestamp, is_from_me) VALUES
			('491510000001@s.whatsapp.net', 'one', 1700000000, 0),
			('491510000001@s.whatsapp.net', 'two', 1700000050, 1),
			('491510000001@s.whatsapp.net', 'three', 1700000100, 0)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	all, total, err := db.ListChats(ctx, vpslink.ChatFilter{})
	if err != nil || total != 2 || all[0].Name != "Family" || !all[0].IsGroup {
		t.Fatalf("list: %+v %d %v", all, total, err)
	}
	groups, total, err := db.ListChats(ctx, vpslink.ChatFilter{Groups: true})
	if err != nil || total != 1 || groups[0].ID != "120363000000000000@g.us" {
		t.Fatalf("groups: %+v %d %v", groups, total, err)
	}
	unread, total, _ := db.ListChats(ctx, vpslink.ChatFilter{Unread: true})
	if total != 1 || unread[0].UnreadCount != 2 {
		t.Fatalf("unread: %+v", unread)
	}
	msgs, err := db.ChatMessages(ctx, "491510000001@s.whatsapp.net", 2, 0)
	if err != nil || len(msgs) != 2 || msgs[0].Message != "three" {
		t.Fatalf("messages: %+v %v", msgs, err)
	}
	older, _ := db.ChatMessages(ctx, "491510000001@s.whatsapp.net", 10, 1700000050)
	if len(older) != 1 || older[0].Message != "one" {
		t.Fatalf("before: %+v", older)
	}
	c, err := db.MarkChatRead(ctx, "491510000001@s.whatsapp.net")
	if err != nil || c.UnreadCount != 0 {
		t.Fatalf("read: %+v %v", c, err)
	}
	if _, err := db.MarkChatRead(ctx, "nobody@s.whatsapp.net"); vpslink.ErrorCode(err) != vpslink.ENOTFOUND {
		t.Fatalf("missing chat: %v", err)
	}
	if _, err := db.GetChat(ctx, "nobody@s.whatsapp.net"); vpslink.ErrorCode(err) != vpslink.ENOTFOUND {
		t.Fatalf("missing chat: %v", err)
	}
}

func TestSettings(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	if v, err := db.Setting(ctx, store.SettingSendingStopped); err != nil || v != "" {
		t.Fatalf("unset: %q %v", v, err)
	}
	for _, v := range []string{"1", "0"} {
		if err := db.SetSetting(ctx, store.SettingSendingStopped, v); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Setting(ctx, store.SettingSendingStopped); got != v {
			t.Fatalf("got %q, want %q", got, v)
		}
	}
}
