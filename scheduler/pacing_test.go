package scheduler_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/scheduler"
	"github.com/vpslink/vpslink/scheduler/schedulertest"
	"github.com/vpslink/vpslink/store/storetest"
)

// newPacedHarness runs automatic-mode jobs (the settings' default) with a
// fixed jitter source: typing 2 s (the minimum; the parts are short), null
// part delays 5 s (half-way between 2 and 8 s), recipient gaps 30 s.
func newPacedHarness(t *testing.T) (*harness, *schedulertest.Typer) {
	typer := &schedulertest.Typer{}
	h := newHarness(t, func(c *scheduler.Config) {
		c.Typer = typer
		c.Rand = func() float64 { return 0.5 }
	})
	h.db.SettingsBase.AutomaticMode = true
	return h, typer
}

func (h *harness) deliveries() int {
	h.t.Helper()
	var n int
	if err := h.db.Reader().QueryRow(`SELECT count(*) FROM deliveries`).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// TestEngine_AutomaticMode: "typing…" shows before each part's claim for
// the typing time, parts without a delay and recipient gaps get worked-out
// delays, and each send carries its typing time.
func TestEngine_AutomaticMode(t *testing.T) {
	h, typer := newPacedHarness(t)
	h.createJob(t0, 2, 30, nil, nil)
	h.start()
	// Typing for the first part: shown, nothing claimed yet.
	if calls := typer.Calls(); len(calls) != 1 || !calls[0].On || calls[0].To != "491510000000@s.whatsapp.net" {
		t.Fatalf("presences %+v", calls)
	}
	if n := h.deliveries(); n != 0 {
		t.Fatalf("%d ledger rows while typing", n)
	}
	h.runFor(time.Minute)
	h.wantSteps(4, []step{{2 * time.Second, 0, 0}, {9 * time.Second, 0, 1}, {41 * time.Second, 1, 0}, {48 * time.Second, 1, 1}})
	for _, s := range h.sender.Attempts() {
		if s.Typing != 2*time.Second {
			t.Fatalf("send %d/%d typing %v", s.RecipientIndex, s.PartIndex, s.Typing)
		}
	}
	if calls := typer.Calls(); len(calls) != 4 || slices.ContainsFunc(calls, func(p schedulertest.Presence) bool { return !p.On }) {
		t.Fatalf("presences %+v", calls)
	}
}

// TestEngine_ManualModeKeepsDelays: a job saying "manual" gets no typing
// and its explicit delays, whatever the default.
func TestEngine_ManualModeKeepsDelays(t *testing.T) {
	h, typer := newPacedHarness(t)
	j := &vpslink.Job{ScheduledStartAt: t0, Recipients: []string{"491510000000"},
		MessageParts: []vpslink.MessagePart{{Text: "a", DelayAfterSeconds: seconds(3)}, {Text: "b"}},
		Config:       vpslink.JobConfig{IntervalMode: vpslink.IntervalManual}}
	if err := h.db.CreateJob(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	h.start()
	h.runFor(10 * time.Second)
	h.wantSteps(2, []step{{0, 0, 0}, {3 * time.Second, 0, 1}})
	if len(typer.Calls()) != 0 || h.sender.Attempts()[0].Typing != 0 {
		t.Fatalf("manual mode typed: %+v", typer.Calls())
	}
}

// TestEngine_CancelWhileTyping: the claim after the typing re-checks the
// job, so a cancel during "typing…" sends nothing and takes it back.
func TestEngine_CancelWhileTyping(t *testing.T) {
	h, typer := newPacedHarness(t)
	j := h.createJob(t0, 1, 30, nil)
	h.start()
	if _, err := h.db.CancelJob(context.Background(), j.ID); err != nil {
		t.Fatal(err)
	}
	h.advance(2 * time.Second)
	if n := len(h.sender.Attempts()); n != 0 || h.deliveries() != 0 {
		t.Fatalf("sent %d, ledger rows %d after a cancel while typing", n, h.deliveries())
	}
	want := []schedulertest.Presence{{To: "491510000000@s.whatsapp.net", On: true}, {To: "491510000000@s.whatsapp.net", On: false}}
	if got := typer.Calls(); !slices.Equal(got, want) {
		t.Fatalf("presences %+v, want %+v", got, want)
	}
}

// TestEngine_StopWhileTyping: a process ending during "typing…" leaves
// nothing claimed; the next one types again and sends once.
func TestEngine_StopWhileTyping(t *testing.T) {
	h, _ := newPacedHarness(t)
	j := h.createJob(t0, 1, 30, nil)
	h.start()
	h.stop()
	if n := h.deliveries(); n != 0 || h.job(j.ID).Status != vpslink.JobPending {
		t.Fatalf("after a stop while typing: %d ledger rows, job %s", n, h.job(j.ID).Status)
	}
	h.start()
	h.advance(2 * time.Second)
	h.wantSteps(1, []step{{2 * time.Second, 0, 0}})
}

// TestEngine_QuietHours: a step inside the recipient's quiet hours moves to
// the window's end, in the contact's zone, else the default one.
func TestEngine_QuietHours(t *testing.T) {
	for _, tc := range []struct {
		name, zone string
		want       time.Duration // send time after t0 (10:00 UTC)
	}{
		{"default zone", "", 22 * time.Hour},                          // 23:00 UTC is quiet until 08:00 UTC
		{"contact's zone", "Asia/Tokyo", 13 * time.Hour},              // 23:00 UTC is 08:00 in Tokyo: not quiet
		{"contact's zone, quiet", "America/New_York", 27 * time.Hour}, // 18:00 EST, quiet until 08:00 EST = 13:00 UTC the next day
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil)
			s := &h.db.SettingsBase
			s.QuietHours, s.QuietStart, s.QuietEnd, s.DefaultTimezone = true, "22:00", "08:00", "UTC"
			if tc.name == "contact's zone, quiet" {
				s.QuietStart = "18:00" // 23:00 UTC = 18:00 EST
			}
			if tc.zone != "" {
				if _, err := time.LoadLocation(tc.zone); err != nil {
					t.Skip("no time zone data")
				}
				storetest.CreateContact(t, h.db, &vpslink.Contact{Phone: "491510000000", Name: "Anna", Timezone: tc.zone})
			}
			j := h.createJob(t0.Add(13*time.Hour), 1, 30, nil)
			h.start()
			h.advance(13 * time.Hour)
			if tc.want > 13*time.Hour {
				h.settle() // the re-plan after the deferral's own write
				got := h.job(j.ID)
				if len(h.sender.Attempts()) != 0 || got.NextStepAt == nil || !got.NextStepAt.Equal(t0.Add(tc.want)) ||
					!got.ScheduledStartAt.Equal(t0.Add(tc.want)) {
					t.Fatalf("inside quiet hours: %d sends, job %+v", len(h.sender.Attempts()), got)
				}
				h.advance(tc.want - 13*time.Hour)
			}
			h.wantSteps(1, []step{{tc.want, 0, 0}})
		})
	}
}

// TestEngine_QuietHoursForMessages: single messages keep their time unless
// the settings ask for quiet hours on them too.
func TestEngine_QuietHoursForMessages(t *testing.T) {
	for _, forMessages := range []bool{false, true} {
		h := newHarness(t, nil)
		s := &h.db.SettingsBase
		s.QuietHours, s.QuietStart, s.QuietEnd, s.QuietForMessages = true, "22:00", "08:00", forMessages
		id := h.schedule(t0.Add(13*time.Hour), "late") // 23:00 UTC
		h.start()
		h.advance(13 * time.Hour)
		if !forMessages {
			h.wantStatus(id, vpslink.MessageSent, "")
			continue
		}
		h.settle() // the re-plan after the move's own write
		if m := h.message(id); m.Status != vpslink.MessagePending || !m.ScheduledAt.Equal(t0.Add(22*time.Hour)) {
			t.Fatalf("inside quiet hours: %+v", m)
		}
		h.advance(9 * time.Hour)
		h.wantStatus(id, vpslink.MessageSent, "")
	}
}

// TestEngine_FractionalPartDelay: a delay of 2.5 s is waited to the
// millisecond, not rounded to whole seconds.
func TestEngine_FractionalPartDelay(t *testing.T) {
	h := newHarness(t, nil)
	j := &vpslink.Job{ScheduledStartAt: t0.Add(time.Second), Recipients: []string{"491510000000"},
		MessageParts: []vpslink.MessagePart{{Text: "a", DelayAfterSeconds: seconds(2.5)}, {Text: "b"}},
		Config:       vpslink.JobConfig{IntervalMode: vpslink.IntervalManual}}
	if err := h.db.CreateJob(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	h.start()
	h.advance(time.Second)
	h.wantAttempts(1)
	if next := h.job(j.ID).NextStepAt; next == nil || !next.Equal(t0.Add(3500*time.Millisecond)) {
		t.Fatalf("next step at %v, want 2.5 s after the first part", next)
	}
	h.advance(2500*time.Millisecond - time.Millisecond)
	h.wantAttempts(1)
	h.advance(time.Millisecond)
	h.wantSteps(2, []step{{time.Second, 0, 0}, {3500 * time.Millisecond, 0, 1}})
}
