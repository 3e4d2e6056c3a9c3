package whatsapp

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/proto/waHistorySync"
	"go.mau.fi/whatsmeow/proto/waWeb"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"
)

func TestConnectionEvents(t *testing.T) {
	c, f, _ := newTestClient(t, true)
	notified := make(chan struct{}, 1)
	c.OnConnected(func() { notified <- struct{}{} })
	send := vpslink.Send{To: "120363000000000001@g.us", Text: "x", WAMessageID: "1"}

	steps := []struct {
		evt       any
		state     string
		reason    string
		connected bool
	}{
		{&events.Connected{}, StateConnected, "", true},
		{&events.Disconnected{}, StateDisconnected, "disconnected, reconnecting", false},
		{&events.Connected{}, StateConnected, "", true},
		{&events.TemporaryBan{Code: events.TempBanSentToTooManyPeople, Expire: time.Hour}, StateBanned,
			"temporarily banned until 2026-11-27T13:00:00.000Z", false},
		{&events.Connected{}, StateConnected, "", true},
		{&events.StreamReplaced{}, StateReplaced, "stream replaced", false},
		{&events.Disconnected{}, StateReplaced, "stream replaced", false},
		{&events.LoggedOut{Reason: events.ConnectFailureLoggedOut}, StateLoggedOut, "logged out", false},
		{&events.Disconnected{}, StateLoggedOut, "logged out", false},
	}
	for i, st := range steps {
		f.mu.Lock()
		f.connected = st.connected
		f.mu.Unlock()
		f.emit(st.evt)
		state, reason, connected := c.State()
		if state != st.state || !strings.Contains(reason, st.reason) || connected != st.connected {
			t.Fatalf("step %d %T: state %q %q %v", i, st.evt, state, reason, connected)
		}
		gauge := testutil.ToFloat64(c.metrics.connected)
		if (gauge == 1) != st.connected {
			t.Fatalf("step %d: connected gauge %v", i, gauge)
		}
		if err := c.Send(context.Background(), send); st.connected != (err == nil) || (err != nil && !vpslink.IsNotSent(err)) {
			t.Fatalf("step %d: send while %s: %v", i, state, err)
		}
		if _, ok := st.evt.(*events.Connected); ok {
			select {
			case <-notified:
			case <-time.After(5 * time.Second):
				t.Fatalf("step %d: OnConnected not called", i)
			}
		}
	}
	waitFor(t, "stream replaced to disconnect", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.disconnect > 0
	})
	c.Close()
}

func TestState_NotPaired(t *testing.T) {
	c, _, _ := newTestClient(t, false)
	state, reason, connected := c.State()
	if state != StateNotPaired || reason != reasonNotPaired || connected {
		t.Fatalf("%q %q %v", state, reason, connected)
	}
}

func textEvent(chat, sender types.JID, id, text string, fromMe bool, ts int64) *events.Message {
	return &events.Message{
		Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: chat, Sender: sender, IsFromMe: fromMe, IsGroup: chat.Server == types.GroupServer},
			ID:            id, PushName: "Anna", Timestamp: time.Unix(ts, 0),
		},
		Message: &waE2E.Message{Conversation: proto.String(text)},
	}
}

func TestIncomingHistoryAndReceipts(t *testing.T) {
	c, f, db := newTestClient(t, true)
	ctx := context.Background()
	c.Start(ctx)
	connect(c, f)

	anna := types.NewJID("491510000001", types.DefaultUserServer)
	annaLID := types.NewJID("123456789", types.HiddenUserServer)
	group := types.NewJID("120363000000000001", types.GroupServer)
	bob := types.NewJID("491510000002", types.DefaultUserServer)

	// A scheduled message whose send outcome was unknown.
	m := storetest.CreateMessage(t, db, anna.User, "see you at 8", storetest.Now)
	if err := db.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(context.Background(), `UPDATE scheduled_messages SET status = 'failed', error_message = 'may have been delivered' WHERE id = ?;
			INSERT INTO deliveries (message_id, recipient, wa_message_id, state, claimed_at)
			VALUES (?, ?, 'UNKNOWN1', 'unknown', '2026-11-27T11:59:00.000Z')`, m.ID, m.ID, anna.String())
		return err
	}); err != nil {
		t.Fatal(err)
	}

	lidMsg := textEvent(annaLID, annaLID, "IN2", "over LID", false, 1700000200)
	lidMsg.Info.SenderAlt = anna
	reaction := textEvent(anna, anna, "R1", "", false, 1700000300)
	reaction.Message = &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Text: proto.String("👍")}}
	image := textEvent(group, bob, "G1", "", false, 1700000400)
	image.Message = &waE2E.Message{ImageMessage: &waE2E.ImageMessage{Caption: proto.String("look")}}
	for _, evt := range []any{
		textEvent(anna, anna, "IN1", "hi", false, 1700000100),
		textEvent(anna, anna, "IN1", "hi", false, 1700000100), // redelivered
		lidMsg, reaction, image,
		&events.GroupInfo{JID: group, Name: &types.GroupName{Name: "Family"}},
		&events.HistorySync{Data: &waHistorySync.HistorySync{
			SyncType: waHistorySync.HistorySync_RECENT.Enum(),
			Conversations: []*waHistorySync.Conversation{{
				ID: proto.String(anna.String()), UnreadCount: proto.Uint32(5),
				Messages: []*waHistorySync.HistorySyncMsg{
					{Message: &waWeb.WebMessageInfo{Key: &waCommon.MessageKey{RemoteJID: proto.String(anna.String()), FromMe: proto.Bool(true), ID: proto.String("OLD1")},
						MessageTimestamp: proto.Uint64(1600000000),
						Message:          &waE2E.Message{EphemeralMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{Conversation: proto.String("old one")}}}}},
					{Message: &waWeb.WebMessageInfo{Key: &waCommon.MessageKey{RemoteJID: proto.String(anna.String()), ID: proto.String("IN1")},
						MessageTimestamp: proto.Uint64(1700000100), Message: &waE2E.Message{Conversation: proto.String("hi")}}},
				},
			}},
			Pushnames: []*waHistorySync.Pushname{{ID: proto.String(anna.String()), Pushname: proto.String("Anna P")}},
		}},
		&events.Receipt{MessageSource: types.MessageSource{Chat: anna, Sender: anna}, MessageIDs: []types.MessageID{"UNKNOWN1"},
			Type: types.ReceiptTypeRead, Timestamp: storetest.Now.Add(time.Minute)},
		&events.Receipt{MessageSource: types.MessageSource{Chat: anna, Sender: anna, IsFromMe: true}, MessageIDs: []types.MessageID{"IN1"},
			Type: types.ReceiptTypeRead, Timestamp: storetest.Now},
	} {
		f.emit(evt)
	}
	// One of our own sends lands in the history too.
	if err := c.Send(ctx, vpslink.Send{To: group.String(), Text: "hello family", WAMessageID: "OUT1"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil { // drains the queue
		t.Fatal(err)
	}

	chat, err := db.GetChat(ctx, anna.String())
	if err != nil || chat.Name != "Anna" || chat.UnreadCount != 5 || chat.LastMessageTime != 1700000200 {
		t.Fatalf("anna's chat: %+v %v", chat, err)
	}
	msgs, _ := db.ChatMessages(ctx, anna.String(), 10, 0)
	var ids []string
	for _, m := range msgs {
		ids = append(ids, m.WAMessageID+":"+m.Message)
	}
	if got := strings.Join(ids, ","); got != "IN2:over LID,IN1:hi,OLD1:old one" {
		t.Fatalf("anna's messages: %s", got)
	}
	if msgs[2].SenderJID != ownPhone+"@s.whatsapp.net" || !msgs[2].IsFromMe {
		t.Fatalf("own history message: %+v", msgs[2])
	}
	var raw rawKey
	if err := json.Unmarshal([]byte(msgs[1].RawMessage), &raw); err != nil || raw.Key.ID != "IN1" {
		t.Fatalf("raw message: %s %v", msgs[1].RawMessage, err)
	}

	g, _ := db.GetChat(ctx, group.String())
	gm, _ := db.ChatMessages(ctx, group.String(), 10, 0)
	if g.Name != "Family" || !g.IsGroup || g.UnreadCount != 1 || len(gm) != 2 ||
		gm[0].WAMessageID != "OUT1" || !gm[0].IsFromMe ||
		gm[1].MessageType != "image" || gm[1].Message != "look" || gm[1].SenderJID != bob.String() {
		t.Fatalf("group: %+v %+v", g, gm)
	}
	if n := testutil.ToFloat64(c.metrics.incoming); n != 4 {
		t.Fatalf("incoming messages: %v", n)
	}

	got, _ := db.GetMessage(ctx, m.ID)
	if got.Status != vpslink.MessageSent || got.WAMessageID != "UNKNOWN1" {
		t.Fatalf("receipt did not confirm the message: %+v", got)
	}
	if n := testutil.ToFloat64(c.metrics.receipts.WithLabelValues("read")); n != 1 {
		t.Fatalf("read receipts: %v", n)
	}
	if n := testutil.ToFloat64(c.metrics.receipts.WithLabelValues("own")); n != 1 {
		t.Fatalf("own receipts: %v", n)
	}

	// A retry request after a restart is answered from the database.
	for id, want := range map[types.MessageID]string{"UNKNOWN1": "see you at 8", "OUT1": "hello family", "IN1": ""} {
		msg := c.messageForRetry(anna, anna, id)
		if msg.GetConversation() != want {
			t.Errorf("retry %s: %v", id, msg)
		}
	}
}

// A receipt whose write fails is kept and retried, not dropped: WhatsApp
// had its acknowledgement and will not send it again.
func TestReceiptRetriedAfterFailedWrite(t *testing.T) {
	c, f, db := newTestClient(t, true)
	var log logLines
	c.log = slog.New(slog.NewTextHandler(&log, nil))
	ctx := context.Background()
	c.Start(ctx)
	connect(c, f)
	m := storetest.CreateMessage(t, db, "491510000001", "see you at 8", storetest.Now)
	exec := func(query string, args ...any) {
		t.Helper()
		if err := db.UpdateQuiet(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(context.Background(), query, args...)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE scheduled_messages SET status = 'failed', error_message = 'may have been delivered' WHERE id = ?;
		INSERT INTO deliveries (message_id, recipient, wa_message_id, state, claimed_at)
		VALUES (?, '491510000001@s.whatsapp.net', 'UNKNOWN1', 'unknown', '2026-11-27T11:59:00.000Z')`, m.ID, m.ID)
	exec(`CREATE TRIGGER fail_receipts BEFORE UPDATE ON deliveries BEGIN SELECT RAISE(ABORT, 'the disk is failing'); END`)

	anna := types.NewJID("491510000001", types.DefaultUserServer)
	f.emit(&events.Receipt{MessageSource: types.MessageSource{Chat: anna, Sender: anna}, MessageIDs: []types.MessageID{"UNKNOWN1"},
		Type: types.ReceiptTypeDelivered, Timestamp: storetest.Now.Add(time.Minute)})
	waitFor(t, "the receipt's write to fail", func() bool { return strings.Contains(log.String(), "receipts not recorded; retrying") })
	exec(`DROP TRIGGER fail_receipts`)
	waitFor(t, "the retried receipt to confirm the message", func() bool {
		got, err := db.GetMessage(ctx, m.ID)
		return err == nil && got.Status == vpslink.MessageSent
	})
}

// logLines collects a logger's output for a test to read while the code
// under test writes.
type logLines struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
