package scheduler_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/scheduler"
	"github.com/vpslink/vpslink/store/storetest"
)

// A recipient whose contact loses a value its text needs after the job was
// created (its alias removed while the job runs) fails alone, with the
// reason in its ledger row, and nothing is sent to it; the recipients
// before and after it get their text, filled for each of them. The alias
// goes between two steps, or in the middle of a send, while the engine
// waits for WhatsApp.
func TestEngine_JobRecipientLosesPlaceholderValue(t *testing.T) {
	removeAlias := func(ctx context.Context, h *harness) error {
		_, err := h.db.UpdateContact(ctx, "491510000001", vpslink.ContactUpdate{Aliases: &[]string{}})
		return err
	}
	for _, tt := range []struct {
		name string
		run  func(h *harness)
	}{
		{"between the first recipient's last part and the second's first", func(h *harness) {
			h.start()
			h.advance(5 * time.Second) // the first recipient has both parts
			h.wantAttempts(2)
			h.do(func(ctx context.Context) error { return removeAlias(ctx, h) })
		}},
		{"while the first recipient's first part is being sent", func(h *harness) {
			h.sender.OnSend(func(s vpslink.Send) {
				if s.RecipientIndex == 0 && s.PartIndex == 0 {
					if err := removeAlias(context.Background(), h); err != nil {
						h.t.Error(err)
					}
				}
			})
			h.start()
			h.settle() // the re-plan after the edit's write
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			ctx := context.Background()
			for i, alias := range []string{"Ann", "Bo", "Cy"} {
				storetest.CreateContact(t, h.db, &vpslink.Contact{Phone: "49151000000" + string(rune('0'+i)), Name: alias + " Doe", Aliases: []string{alias}})
			}
			j := &vpslink.Job{ScheduledStartAt: t0, Recipients: []string{"491510000000", "491510000001", "491510000002"},
				MessageParts: []vpslink.MessagePart{{Text: "Hi {alias}", DelayAfterSeconds: seconds(5)}, {Text: "Bye {first_name}"}},
				Config:       vpslink.JobConfig{RecipientGapSeconds: 10}}
			if err := h.db.CreateJob(ctx, j); err != nil {
				t.Fatal(err)
			}
			tt.run(h)
			h.runFor(time.Minute)
			wantOnlyRecipientFailed(t, h, j)
		})
	}
}

// wantOnlyRecipientFailed checks that j sent both parts to its first and
// third recipients and failed its second, which lost its alias.
func wantOnlyRecipientFailed(t *testing.T, h *harness, j *vpslink.Job) {
	t.Helper()
	ctx := context.Background()
	var texts []string
	for _, s := range h.wantAttempts(4) {
		texts = append(texts, s.To+" "+s.Text)
	}
	if got, want := strings.Join(texts, "; "), "491510000000@s.whatsapp.net Hi Ann; 491510000000@s.whatsapp.net Bye Ann; "+
		"491510000002@s.whatsapp.net Hi Cy; 491510000002@s.whatsapp.net Bye Cy"; got != want {
		t.Fatalf("sent\n%s\nwant\n%s", got, want)
	}
	got := h.job(j.ID)
	if got.Status != vpslink.JobCompleted || got.RecipientsSent != 2 || got.RecipientsFailed != 1 {
		t.Fatalf("job %s: %d sent, %d failed (%s)", got.Status, got.RecipientsSent, got.RecipientsFailed, got.ErrorMessage)
	}
	ds, err := h.db.JobDeliveries(ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	var failed []*vpslink.Delivery
	for _, d := range ds {
		if d.RecipientIndex == 1 {
			failed = append(failed, d)
		} else if d.State != vpslink.DeliverySent || d.Text == "" {
			t.Errorf("ledger row %+v: want sent with its text", d)
		}
	}
	if len(failed) != 1 || failed[0].State != vpslink.DeliveryFailed || failed[0].Attempts != 0 ||
		failed[0].WAMessageID != "" || !strings.Contains(failed[0].Error, "{alias} has no value") {
		t.Fatalf("the second recipient's ledger: %+v", failed)
	}
}

// A single message whose contact lost a value its text needs fails with
// the reason, and its series goes on to the next occurrence.
func TestEngine_MessageLosesPlaceholderValue(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	storetest.CreateContact(t, h.db, &vpslink.Contact{Phone: "491511234567", Name: "Ann Doe", Aliases: []string{"Annie"}})
	m := &vpslink.ScheduledMessage{ToPhone: "491511234567", Message: "Morning {alias}", ScheduledAt: t0.Add(time.Minute),
		Recurrence: "FREQ=DAILY"}
	if err := h.db.CreateMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.UpdateContact(ctx, "491511234567", vpslink.ContactUpdate{Aliases: &[]string{}}); err != nil {
		t.Fatal(err)
	}
	h.start()
	h.advance(time.Minute)
	h.wantAttempts(0)
	h.wantStatus(m.ID, vpslink.MessageFailed, "{alias} has no value")
	list, _, err := h.db.ListMessages(ctx, vpslink.MessageFilter{Status: vpslink.MessagePending})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].SeriesID != m.ID || !list[0].ScheduledAt.Equal(t0.Add(24*time.Hour+time.Minute)) {
		t.Fatalf("pending after the failed occurrence: %+v", list)
	}
}

// The dry-run log and the ledger record the text as filled for the
// recipient, from a saved template's text as from an inline one.
func TestEngine_DryRunLogsFilledText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dryrun.jsonl")
	h := newHarness(t, func(c *scheduler.Config) {
		s, err := scheduler.NewDryRunSender(path, c.Clock)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		c.Sender = s
	})
	ctx := context.Background()
	storetest.CreateContact(t, h.db, &vpslink.Contact{Phone: "491511234567", Name: "Ana Souza", Aliases: []string{"Aninha"}})
	tpl := &vpslink.Template{Name: "hi", Text: "Oi {alias}, {first_name}!"}
	if err := h.db.CreateTemplate(ctx, tpl); err != nil {
		t.Fatal(err)
	}
	m := &vpslink.ScheduledMessage{ToPhone: "491511234567", TemplateID: &tpl.ID, ScheduledAt: t0}
	if err := h.db.CreateMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	h.start()
	h.wantStatus(m.ID, vpslink.MessageSent, "")
	var ledger string
	if err := h.db.Reader().QueryRow(`SELECT text FROM deliveries WHERE message_id = ?`, m.ID).Scan(&ledger); err != nil {
		t.Fatal(err)
	}
	log, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if ledger != "Oi Aninha, Ana!" || !strings.Contains(string(log), `"text":"Oi Aninha, Ana!"`) {
		t.Fatalf("ledger %q, dry-run log %s", ledger, log)
	}
}
