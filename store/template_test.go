package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

const (
	anaPhone = "491511234567"
	bobPhone = "491517654321"
)

// placeholderDB has two contacts: Ana with an alias, Bob without.
func placeholderDB(t *testing.T) *store.DB {
	db := storetest.Open(t)
	storetest.CreateContact(t, db, &vpslink.Contact{Phone: anaPhone, Name: "Ana Souza", Aliases: []string{"Aninha"}})
	storetest.CreateContact(t, db, &vpslink.Contact{Phone: bobPhone, Name: "Bob"})
	return db
}

// The claim renders the text for its recipient and the ledger row records
// the rendered text, the one the scheduler sends.
func TestClaim_RendersPlaceholders(t *testing.T) {
	ctx := context.Background()
	db := placeholderDB(t)
	m := storetest.CreateMessage(t, db, anaPhone, "Oi {alias}, {first_name}! {{ok}}", storetest.Now)
	c, err := db.ClaimMessage(ctx, m.ID, storetest.Now, 0)
	if err != nil || c.Status != store.ClaimOK {
		t.Fatalf("claim: %+v %v", c, err)
	}
	const want = "Oi Aninha, Ana! {ok}"
	if c.Delivery.Text != want {
		t.Fatalf("claimed text %q, want %q", c.Delivery.Text, want)
	}
	var recorded string
	if err := db.Reader().QueryRow(`SELECT text FROM deliveries WHERE message_id = ?`, m.ID).Scan(&recorded); err != nil || recorded != want {
		t.Fatalf("ledger text %q, %v; want %q", recorded, err, want)
	}

	j := &vpslink.Job{ScheduledStartAt: storetest.Now, Recipients: []string{anaPhone, bobPhone},
		MessageParts: []vpslink.MessagePart{{Text: "Hi {name}"}}}
	if err := db.CreateJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	c, err = db.ClaimJobStep(ctx, j.ID, 0, 0, storetest.Now, 0)
	if err != nil || c.Status != store.ClaimOK || c.Delivery.Text != "Hi Ana Souza" {
		t.Fatalf("job claim: %+v %v", c, err)
	}
}

// A placeholder that a recipient cannot fill is a validation error naming
// the field when the message or job is created or edited.
func TestCreate_RefusesUnfillablePlaceholders(t *testing.T) {
	ctx := context.Background()
	db := placeholderDB(t)
	tests := []struct {
		name    string
		create  func() error
		wantErr string
	}{
		{"message to a contact without alias", func() error {
			return db.CreateMessage(ctx, &vpslink.ScheduledMessage{ToPhone: bobPhone, Message: "Oi {alias}", ScheduledAt: storetest.Now})
		}, "message: placeholder {alias} has no value"},
		{"unknown placeholder", func() error {
			return db.CreateMessage(ctx, &vpslink.ScheduledMessage{ToPhone: anaPhone, Message: "Oi {nick}", ScheduledAt: storetest.Now})
		}, "message: has an unknown placeholder {nick}"},
		{"job part to one recipient without alias", func() error {
			return db.CreateJob(ctx, &vpslink.Job{ScheduledStartAt: storetest.Now, Recipients: []string{anaPhone, bobPhone},
				MessageParts: []vpslink.MessagePart{{Text: "hello"}, {Text: "Oi {alias}"}}})
		}, "message_parts[1].text: placeholder {alias} has no value"},
		{"edit to an unfillable text", func() error {
			m := storetest.CreateMessage(t, db, bobPhone, "Oi {alias|you}", storetest.Now)
			text := "Oi {alias}"
			_, err := db.UpdateMessage(ctx, m.ID, vpslink.MessageUpdate{Message: &text})
			return err
		}, "message: placeholder {alias} has no value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.create()
			if vpslink.ErrorCode(err) != vpslink.EINVALID || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want a validation error %q", err, tt.wantErr)
			}
		})
	}
}

func TestTemplates_CRUD(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	tpl := &vpslink.Template{Name: "greeting", Text: "Hi {first_name|there}"}
	if err := db.CreateTemplate(ctx, tpl); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateTemplate(ctx, &vpslink.Template{Name: "greeting", Text: "x"}); vpslink.ErrorCode(err) != vpslink.ECONFLICT {
		t.Fatalf("same name: %v, want conflict", err)
	}
	if err := db.CreateTemplate(ctx, &vpslink.Template{Name: "bad", Text: "Hi {nick}"}); vpslink.ErrorCode(err) != vpslink.EINVALID {
		t.Fatalf("bad placeholder: %v, want validation error", err)
	}
	tpl.Text = "Hello {name}"
	if err := db.UpdateTemplate(ctx, tpl); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetTemplate(ctx, tpl.ID)
	if err != nil || got.Text != "Hello {name}" || got.Name != "greeting" {
		t.Fatalf("get: %+v %v", got, err)
	}
	if list, err := db.ListTemplates(ctx); err != nil || len(list) != 1 {
		t.Fatalf("list: %v %v", list, err)
	}
	if err := db.DeleteTemplate(ctx, tpl.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetTemplate(ctx, tpl.ID); vpslink.ErrorCode(err) != vpslink.ENOTFOUND {
		t.Fatalf("after delete: %v", err)
	}
}
