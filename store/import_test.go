package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

func mustUpdate(t *testing.T, db *store.DB, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := db.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func TestImportContact_Merge(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	steps := []struct {
		in   vpslink.Contact
		want store.ImportResult
		out  vpslink.Contact
	}{
		{vpslink.Contact{Phone: "491511111111", Name: "Anna", Aliases: []string{"Ann", "ann"}, Tags: []string{"x"}},
			store.ImportInserted, vpslink.Contact{Name: "Anna", Aliases: []string{"Ann"}, Tags: []string{"x"}}},
		{vpslink.Contact{Phone: "491511111111", Name: "Anna", Aliases: []string{"Ann"}},
			store.ImportUnchanged, vpslink.Contact{Name: "Anna", Aliases: []string{"Ann"}, Tags: []string{"x"}}},
		{vpslink.Contact{Phone: "491511111111", Name: "Anna B", Aliases: []string{"AB"}, IsFavorite: true, Timezone: "Europe/Berlin"},
			store.ImportUpdated, vpslink.Contact{Name: "Anna B", Aliases: []string{"Ann", "AB"}, Tags: []string{"x"}, IsFavorite: true, Timezone: "Europe/Berlin"}},
		// A favourite stays one, a timezone is not cleared by a record without one.
		{vpslink.Contact{Phone: "491511111111", Name: "Anna B"},
			store.ImportUnchanged, vpslink.Contact{Name: "Anna B", Aliases: []string{"Ann", "AB"}, Tags: []string{"x"}, IsFavorite: true, Timezone: "Europe/Berlin"}},
	}
	for i, s := range steps {
		mustUpdate(t, db, func(tx *store.Tx) error {
			got, err := tx.ImportContact(ctx, &s.in)
			if got != s.want {
				t.Errorf("step %d: %v, want %v", i, got, s.want)
			}
			return err
		})
		c, err := db.GetContact(ctx, "491511111111")
		if err != nil {
			t.Fatal(err)
		}
		s.out.ID, s.out.Phone, s.out.CreatedAt, s.out.UpdatedAt = c.ID, c.Phone, c.CreatedAt, c.UpdatedAt
		if !reflect.DeepEqual(*c, s.out) {
			t.Errorf("step %d:\n got %+v\nwant %+v", i, *c, s.out)
		}
	}
}

// A re-import never revives a finished row nor touches one with a
// delivery; it may finish a pending one.
func TestImportMessage_Rules(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	at := time.Date(2027, 1, 1, 10, 0, 0, 0, time.UTC)
	msg := func(id, text, status string) *vpslink.ScheduledMessage {
		return &vpslink.ScheduledMessage{ID: id, ToPhone: "491512222222", Message: text, ScheduledAt: at, Status: status}
	}
	imp := func(m *vpslink.ScheduledMessage) (res store.ImportResult, created bool) {
		mustUpdate(t, db, func(tx *store.Tx) (err error) {
			res, created, err = tx.ImportMessage(ctx, m)
			return err
		})
		return res, created
	}
	if res, created := imp(msg("a", "hi", "pending")); res != store.ImportInserted || !created {
		t.Fatalf("insert: %v %v", res, created)
	}
	if c, err := db.GetContact(ctx, "491512222222"); err != nil || c.Name != "491512222222" {
		t.Fatalf("minimal contact: %+v %v", c, err)
	}
	for _, tt := range []struct {
		m    *vpslink.ScheduledMessage
		want store.ImportResult
	}{
		{msg("a", "hi", "pending"), store.ImportUnchanged},
		{msg("a", "hi again", "pending"), store.ImportUpdated},
		{msg("a", "hi again", "sent"), store.ImportUpdated},
		{msg("a", "hi again", "pending"), store.ImportKept},
	} {
		if res, created := imp(tt.m); res != tt.want || created {
			t.Errorf("%+v: %v %v, want %v", tt.m, res, created, tt.want)
		}
	}
	if m, _ := db.GetMessage(ctx, "a"); m.Status != "sent" || m.Message != "hi again" {
		t.Errorf("a: %+v", m)
	}

	imp(msg("b", "claimed", "pending"))
	if c, err := db.ClaimMessage(ctx, "b", at, 0); err != nil || c.Status != store.ClaimOK {
		t.Fatalf("claim: %+v %v", c, err)
	}
	if res, _ := imp(msg("b", "claimed", "cancelled")); res != store.ImportKept {
		t.Errorf("claimed message: %v", res)
	}
}

func TestImportJob_Rules(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	job := func(status string, sent int) *vpslink.Job {
		return &vpslink.Job{ID: "j", Title: "t", Status: status, ScheduledStartAt: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
			Recipients: []string{"491512222222@s.whatsapp.net"}, MessageParts: []vpslink.MessagePart{{Text: "x"}},
			RecipientsSent: sent}
	}
	for i, tt := range []struct {
		j    *vpslink.Job
		want store.ImportResult
	}{
		{job("pending", 0), store.ImportInserted},
		{job("pending", 0), store.ImportUnchanged},
		{job("paused", 0), store.ImportUpdated},
		{job("pending", 0), store.ImportKept},
		{job("completed", 1), store.ImportUpdated},
		{job("running", 0), store.ImportKept},
	} {
		mustUpdate(t, db, func(tx *store.Tx) error {
			res, err := tx.ImportJob(ctx, tt.j)
			if res != tt.want {
				t.Errorf("step %d: %v, want %v", i, res, tt.want)
			}
			return err
		})
	}
	if j, _ := db.GetJob(ctx, "j"); j.Status != "completed" || j.RecipientsSent != 1 {
		t.Errorf("job %+v", j)
	}
}

// Messages are written in batches; with lookup they are matched by
// WhatsApp id, or by content when they have none.
func TestChatMessageImporter(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	const n = 450 // two full batches and a partial one
	msgs := func(text string) []*vpslink.ChatMessage {
		var out []*vpslink.ChatMessage
		for i := range n {
			m := &vpslink.ChatMessage{ChatID: "c@s.whatsapp.net", Message: fmt.Sprintf("%s %d", text, i), Timestamp: int64(1795000000 + i), MessageType: "text"}
			if i%2 == 0 {
				m.WAMessageID = fmt.Sprintf("ID%d", i)
			}
			out = append(out, m)
		}
		return out
	}
	run := func(list []*vpslink.ChatMessage, lookup bool) map[store.ImportResult]int {
		got := map[store.ImportResult]int{}
		mustUpdate(t, db, func(tx *store.Tx) error {
			if _, err := tx.EnsureChat(ctx, "c@s.whatsapp.net"); err != nil {
				return err
			}
			w, err := tx.NewChatMessageImporter(ctx)
			if err != nil {
				return err
			}
			defer w.Close()
			for _, m := range list {
				res, err := w.Import(ctx, m, lookup)
				if err != nil {
					return err
				}
				got[res]++
			}
			return w.Flush(ctx)
		})
		return got
	}
	if got := run(msgs("hello"), false); got[store.ImportInserted] != n {
		t.Fatalf("first import: %v", got)
	}
	if got := run(msgs("hello"), true); got[store.ImportUnchanged] != n {
		t.Fatalf("second import: %v", got)
	}
	// Edited texts: the ones with an id are updated, the others are new.
	if got := run(msgs("edited"), true); got[store.ImportUpdated] != n/2 || got[store.ImportInserted] != n/2 {
		t.Fatalf("edited: %v", got)
	}
	var count int
	db.Reader().QueryRow(`SELECT count(*) FROM messages`).Scan(&count)
	if count != n+n/2 {
		t.Errorf("%d messages", count)
	}
	mustUpdate(t, db, func(tx *store.Tx) error {
		c, err := tx.TableCounts(ctx)
		if c != (store.TableCounts{Chats: 1, Messages: n + n/2}) {
			t.Errorf("counts %+v", c)
		}
		return err
	})
}

func TestImportChat(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	mustUpdate(t, db, func(tx *store.Tx) error {
		if created, err := tx.EnsureChat(ctx, "g@g.us"); !created || err != nil {
			t.Fatalf("ensure: %v %v", created, err)
		}
		for i, tt := range []struct {
			c    vpslink.Chat
			want store.ImportResult
		}{
			{vpslink.Chat{ID: "g@g.us", Name: "G", IsGroup: true, UnreadCount: 2, LastMessageTime: 100}, store.ImportUpdated},
			{vpslink.Chat{ID: "g@g.us", IsGroup: true, UnreadCount: 2, LastMessageTime: 50}, store.ImportUnchanged},
		} {
			if res, err := tx.ImportChat(ctx, &tt.c); res != tt.want || err != nil {
				t.Errorf("step %d: %v %v", i, res, err)
			}
		}
		return nil
	})
	if c, _ := db.GetChat(ctx, "g@g.us"); c.Name != "G" || c.LastMessageTime != 100 {
		t.Errorf("chat %+v", c)
	}
}

func TestCopyTo(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	storetest.CreateContact(t, db, &vpslink.Contact{Phone: "491511111111", Name: "A"})
	ro, err := store.OpenReadOnly(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := ro.CopyTo(ctx, path); err != nil {
		t.Fatal(err)
	}
	cp := storetest.Open(t, storetest.WithPath(path))
	if c, err := cp.GetContact(ctx, "491511111111"); err != nil || c.Name != "A" {
		t.Fatalf("%+v %v", c, err)
	}
}
