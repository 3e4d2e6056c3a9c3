package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

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
			// A prefix: the field is named once, not "message: message: ...".
			if vpslink.ErrorCode(err) != vpslink.EINVALID || !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want a validation error starting %q", err, tt.wantErr)
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
	// Saved as it is (the name's spaces are trimmed), the template is not
	// edited: updated_at stays.
	created := tpl.UpdatedAt
	db.Now = func() time.Time { return storetest.Now.Add(time.Hour) }
	for _, same := range []vpslink.Template{{ID: tpl.ID, Name: "greeting", Text: tpl.Text}, {ID: tpl.ID, Name: " greeting ", Text: tpl.Text}} {
		if err := db.UpdateTemplate(ctx, &same); err != nil || !same.UpdatedAt.Equal(created) {
			t.Fatalf("unchanged update of %q: updated_at %v, want %v (%v)", same.Name, same.UpdatedAt, created, err)
		}
		if got, _ := db.GetTemplate(ctx, tpl.ID); !got.UpdatedAt.Equal(created) {
			t.Fatalf("stored updated_at %v, want %v", got.UpdatedAt, created)
		}
	}
	tpl.Text = "Hello {name}"
	if err := db.UpdateTemplate(ctx, tpl); err != nil || !tpl.UpdatedAt.Equal(created.Add(time.Hour)) {
		t.Fatalf("update: updated_at %v (%v)", tpl.UpdatedAt, err)
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

// A message or job part that names a saved template gets its text, unless
// it has one of its own; the reference is kept, and the placeholders are
// checked for the recipients like an inline text's.
func TestTemplateRefs(t *testing.T) {
	ctx := context.Background()
	db := placeholderDB(t)
	hello := &vpslink.Template{Name: "hello", Text: "Oi {first_name}"}
	nick := &vpslink.Template{Name: "nick", Text: "Oi {alias}"}
	for _, tpl := range []*vpslink.Template{hello, nick} {
		if err := db.CreateTemplate(ctx, tpl); err != nil {
			t.Fatal(err)
		}
	}
	ref := func(t *vpslink.Template) *int64 { return &t.ID }
	missing := int64(999)

	m := &vpslink.ScheduledMessage{ToPhone: anaPhone, TemplateID: ref(hello), ScheduledAt: storetest.Now, Recurrence: "FREQ=DAILY"}
	if err := db.CreateMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.GetMessage(ctx, m.ID); got.Message != "Oi {first_name}" || got.TemplateID == nil || *got.TemplateID != hello.ID {
		t.Fatalf("stored %q from template %v", got.Message, got.TemplateID)
	}
	own := &vpslink.ScheduledMessage{ToPhone: anaPhone, Message: "edited", TemplateID: ref(hello), ScheduledAt: storetest.Now}
	if err := db.CreateMessage(ctx, own); err != nil || own.Message != "edited" {
		t.Fatalf("own text: %q %v", own.Message, err)
	}
	j := &vpslink.Job{ScheduledStartAt: storetest.Now, Recipients: []string{anaPhone, bobPhone},
		MessageParts: []vpslink.MessagePart{{Text: "first"}, {TemplateID: ref(hello)}}}
	if err := db.CreateJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.GetJob(ctx, j.ID); got.MessageParts[1].Text != "Oi {first_name}" || *got.MessageParts[1].TemplateID != hello.ID {
		t.Fatalf("job parts %+v", got.MessageParts)
	}

	for _, tt := range []struct {
		name, wantErr string
		create        func() error
	}{
		{"message from a missing template", "template_id: template 999 does not exist", func() error {
			return db.CreateMessage(ctx, &vpslink.ScheduledMessage{ToPhone: anaPhone, TemplateID: &missing, ScheduledAt: storetest.Now})
		}},
		{"message from a template its recipient cannot fill", "template_id: placeholder {alias} has no value", func() error {
			return db.CreateMessage(ctx, &vpslink.ScheduledMessage{ToPhone: bobPhone, TemplateID: ref(nick), ScheduledAt: storetest.Now})
		}},
		{"job part from a template one recipient cannot fill", "message_parts[0].templateId: placeholder {alias} has no value", func() error {
			return db.CreateJob(ctx, &vpslink.Job{ScheduledStartAt: storetest.Now, Recipients: []string{anaPhone, bobPhone},
				MessageParts: []vpslink.MessagePart{{TemplateID: ref(nick)}}})
		}},
		{"job part from a missing template", "message_parts[0].templateId: template 999 does not exist", func() error {
			return db.CreateJob(ctx, &vpslink.Job{ScheduledStartAt: storetest.Now, Recipients: []string{anaPhone},
				MessageParts: []vpslink.MessagePart{{TemplateID: &missing}}})
		}},
		{"edit to a template its recipient cannot fill", "template_id: placeholder {alias} has no value", func() error {
			m := storetest.CreateMessage(t, db, bobPhone, "Oi", storetest.Now)
			_, err := db.UpdateMessage(ctx, m.ID, vpslink.MessageUpdate{TemplateID: ref(nick)})
			return err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.create()
			// A prefix: the field is named once, not "message: message: ...".
			if vpslink.ErrorCode(err) != vpslink.EINVALID || !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want a validation error starting %q", err, tt.wantErr)
			}
		})
	}

	edited, err := db.UpdateMessage(ctx, own.ID, vpslink.MessageUpdate{TemplateID: ref(nick)})
	if err != nil || edited.Message != "Oi {alias}" || *edited.TemplateID != nick.ID {
		t.Fatalf("edit to another template: %+v %v", edited, err)
	}
	// The claim of a series' occurrence creates the next one from the
	// same template.
	if c, err := db.ClaimMessage(ctx, m.ID, storetest.Now, 0); err != nil || c.Status != store.ClaimOK {
		t.Fatalf("claim: %+v %v", c, err)
	}
	list, _, err := db.ListMessages(ctx, vpslink.MessageFilter{Status: vpslink.MessagePending})
	if err != nil {
		t.Fatal(err)
	}
	var next *vpslink.ScheduledMessage
	for _, x := range list {
		if x.SeriesID == m.ID {
			next = x
		}
	}
	if next == nil || next.TemplateID == nil || *next.TemplateID != hello.ID {
		t.Fatalf("next occurrence %+v", next)
	}

	// Deleting the template keeps the texts and forgets the reference.
	if err := db.DeleteTemplate(ctx, hello.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.GetMessage(ctx, next.ID); got.TemplateID != nil || got.Message != "Oi {first_name}" {
		t.Fatalf("message after delete: %v %q", got.TemplateID, got.Message)
	}
	if got, _ := db.GetJob(ctx, j.ID); got.MessageParts[1].TemplateID != nil || got.MessageParts[1].Text != "Oi {first_name}" ||
		got.MessageParts[0].Text != "first" {
		t.Fatalf("job parts after delete: %+v", got.MessageParts)
	}
}

// A job step whose text cannot be filled for its recipient is recorded
// failed in the claim, in the place of a not-sent attempt it may have;
// nothing is claimed for sending.
func TestClaimJobStep_UnfillableRecorded(t *testing.T) {
	ctx := context.Background()
	db := placeholderDB(t)
	j := &vpslink.Job{ScheduledStartAt: storetest.Now, Recipients: []string{anaPhone}, MessageParts: []vpslink.MessagePart{{Text: "Oi {alias}"}}}
	if err := db.CreateJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	c, err := db.ClaimJobStep(ctx, j.ID, 0, 0, storetest.Now, 0)
	if err != nil || c.Status != store.ClaimOK {
		t.Fatalf("claim: %+v %v", c, err)
	}
	if err := db.FinishJobStep(ctx, c.Delivery, store.Outcome{State: vpslink.DeliveryNotSent, Error: "offline", At: storetest.Now},
		progress(store.JobProgress{})); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateContact(ctx, anaPhone, vpslink.ContactUpdate{Aliases: &[]string{}}); err != nil {
		t.Fatal(err)
	}
	c, err = db.ClaimJobStep(ctx, j.ID, 0, 0, storetest.Now, 0)
	if err != nil || c.Status != store.ClaimRecorded || c.Reason == "" {
		t.Fatalf("claim after the alias went: %+v %v", c, err)
	}
	ds, _ := db.JobDeliveries(ctx, j.ID)
	if len(ds) != 1 || ds[0].State != vpslink.DeliveryFailed || !strings.Contains(ds[0].Error, "not sent: message_parts[0].text: placeholder {alias}") {
		t.Fatalf("ledger %+v", ds)
	}
}
