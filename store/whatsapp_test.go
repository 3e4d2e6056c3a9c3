package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

func waMessage(chat, id, text string, ts int64, fromMe bool) store.WAMessage {
	return store.WAMessage{ChatMessage: vpslink.ChatMessage{ChatID: chat, WAMessageID: id, Message: text,
		Timestamp: ts, IsFromMe: fromMe, MessageType: "text", SenderJID: chat}}
}

func TestIngestWhatsApp(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	anna := "491510000001@s.whatsapp.net"
	group := "120363000000000001@g.us"

	live := waMessage(anna, "A1", "hi", 1700000100, false)
	live.ChatName, live.CountUnread = "Anna (push)", true
	if n, err := db.IngestWhatsApp(ctx, store.WABatch{Messages: []store.WAMessage{live, live}}); err != nil || n != 1 {
		t.Fatalf("live: %d %v", n, err)
	}
	c, err := db.GetChat(ctx, anna)
	if err != nil || c.Name != "Anna (push)" || c.UnreadCount != 1 || c.LastMessageTime != 1700000100 {
		t.Fatalf("chat after live message: %+v %v", c, err)
	}

	// History sync repeats A1, brings an older one, names the chat and sets
	// the unread count; a push name no longer overrides the saved name.
	gm := waMessage(group, "G1", "hello all", 1700000300, false)
	gm.IsGroup, gm.ChatName, gm.SenderJID = true, "Bob", "491510000002@s.whatsapp.net"
	hist := store.WABatch{
		Chats: []store.WAChat{
			{ID: anna, Name: "Anna", UnreadCount: 3, LastMessageTime: 1700000000},
			{ID: group, Name: "Family", IsGroup: true, UnreadCount: -1},
			{ID: anna, Name: "Anna push", NameIsHint: true, UnreadCount: -1},
		},
		Messages: []store.WAMessage{waMessage(anna, "A1", "hi", 1700000100, false),
			waMessage(anna, "A0", "earlier", 1700000000, true), gm},
	}
	if n, err := db.IngestWhatsApp(ctx, hist); err != nil || n != 2 {
		t.Fatalf("history: %d %v", n, err)
	}
	c, _ = db.GetChat(ctx, anna)
	if c.Name != "Anna" || c.UnreadCount != 3 || c.LastMessageTime != 1700000100 {
		t.Fatalf("chat after history: %+v", c)
	}
	g, _ := db.GetChat(ctx, group)
	if g.Name != "Family" || !g.IsGroup || g.UnreadCount != 0 {
		t.Fatalf("group: %+v", g)
	}
	msgs, _ := db.ChatMessages(ctx, anna, 10, 0)
	if len(msgs) != 2 || msgs[0].WAMessageID != "A1" || !msgs[1].IsFromMe {
		t.Fatalf("messages: %+v", msgs)
	}
	gmsgs, _ := db.ChatMessages(ctx, group, 10, 0)
	if len(gmsgs) != 1 || gmsgs[0].SenderJID != "491510000002@s.whatsapp.net" {
		t.Fatalf("group messages: %+v", gmsgs)
	}
}

// ledgerFixture creates a scheduled message whose send had an unknown
// outcome (failed, ledger 'unknown') and a job part that was sent.
func ledgerFixture(t *testing.T, db *store.DB) (msgID, jobID string) {
	t.Helper()
	ctx := context.Background()
	m := storetest.CreateMessage(t, db, "491510000001", "hello there", time.Date(2026, 12, 31, 11, 0, 0, 0, time.UTC))
	jobID = "job1"
	if err := db.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(context.Background(), `UPDATE scheduled_messages SET status = 'failed', error_message = 'may have been delivered'
			WHERE id = ?;
			INSERT INTO deliveries (message_id, recipient, wa_message_id, state, claimed_at)
			VALUES (?, '491510000001@s.whatsapp.net', 'WAMSG1', 'unknown', '2026-12-31T11:00:00.000Z');
			INSERT INTO jobs (id, status, scheduled_start_at, message_parts, recipients)
			VALUES ('job1', 'running', '2026-12-31T11:00:00.000Z', '[{"text":"part one"},{"text":"part two"}]',
			        '["491510000001@s.whatsapp.net"]');
			INSERT INTO deliveries (job_id, part_index, recipient, wa_message_id, state, claimed_at, sent_at)
			VALUES ('job1', 1, '491510000001@s.whatsapp.net', 'WAJOB2', 'sent', '2026-12-31T11:00:00.000Z',
			        '2026-12-31T11:00:01.000Z')`, m.ID, m.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return m.ID, jobID
}

func TestApplyReceipt(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	msgID, jobID := ledgerFixture(t, db)
	at := time.Date(2026, 12, 31, 11, 5, 0, 0, time.UTC)

	res, err := db.ApplyReceipt(ctx, store.ReceiptRead, []string{"WAJOB2"}, at)
	if err != nil || res.Deliveries != 1 || len(res.Confirmed) != 0 {
		t.Fatalf("read job part: %+v %v", res, err)
	}
	// A late delivered receipt must not move a read delivery backwards.
	if _, err := db.ApplyReceipt(ctx, store.ReceiptDelivered, []string{"WAJOB2"}, at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	ds, _ := db.JobDeliveries(ctx, jobID)
	if len(ds) != 1 || ds[0].State != vpslink.DeliveryRead || !ds[0].ReadAt.Equal(at) || !ds[0].DeliveredAt.Equal(at) {
		t.Fatalf("job delivery: %+v", ds)
	}

	res, err = db.ApplyReceipt(ctx, store.ReceiptDelivered, []string{"WAMSG1", "NOPE"}, at)
	if err != nil || res.Deliveries != 1 || len(res.Confirmed) != 1 || res.Confirmed[0] != msgID {
		t.Fatalf("delivered unknown: %+v %v", res, err)
	}
	m, _ := db.GetMessage(ctx, msgID)
	if m.Status != vpslink.MessageSent || m.ErrorMessage != "" || m.WAMessageID != "WAMSG1" || m.SentAt == nil {
		t.Fatalf("message not confirmed: %+v", m)
	}
	// A second receipt changes nothing more.
	if res, _ := db.ApplyReceipt(ctx, store.ReceiptRead, []string{"WAMSG1"}, at); len(res.Confirmed) != 0 {
		t.Fatalf("confirmed twice: %+v", res)
	}
	if _, err := db.ApplyReceipt(ctx, "played", []string{"WAMSG1"}, at); err == nil {
		t.Fatal("unknown receipt kind accepted")
	}
}

func TestSentText(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	ledgerFixture(t, db)
	if _, err := db.IngestWhatsApp(ctx, store.WABatch{Messages: []store.WAMessage{
		waMessage("491510000009@s.whatsapp.net", "OUT1", "typed on the phone", 1700000000, true),
		waMessage("491510000009@s.whatsapp.net", "IN1", "incoming", 1700000001, false),
	}}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ id, want, code string }{
		{"WAMSG1", "hello there", ""},
		{"WAJOB2", "part two", ""},
		{"OUT1", "typed on the phone", ""},
		{"IN1", "", vpslink.ENOTFOUND},
		{"NOPE", "", vpslink.ENOTFOUND},
	} {
		got, err := db.SentText(ctx, tt.id)
		if got != tt.want || vpslink.ErrorCode(err) != tt.code {
			t.Errorf("%s: %q %v", tt.id, got, err)
		}
	}
}
