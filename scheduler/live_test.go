package scheduler_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/scheduler"
	"github.com/vpslink/vpslink/scheduler/schedulertest"
	"github.com/vpslink/vpslink/store/storetest"
)

// runLive runs an engine on the wall clock until the test ends.
func runLive(t *testing.T, cfg scheduler.Config) (*scheduler.Engine, context.CancelFunc, chan error) {
	t.Helper()
	cfg.Logger = slog.New(slog.DiscardHandler)
	e, err := scheduler.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return e, cancel, done
}

// A row another tool inserts with only the seed's columns, without telling
// the service, is noticed through PRAGMA data_version and sent when due:
// the safety re-plan is an hour away, so only the change detection can
// have found it. How soon after its due time it goes is a matter for the
// benchmarks, not for a test on a loaded machine.
func TestEngine_PicksUpOtherWriters(t *testing.T) {
	db := storetest.Open(t, storetest.WithClock(time.Now))
	path := db.Path()
	logPath := filepath.Join(t.TempDir(), "dryrun.jsonl")
	sender, err := scheduler.NewDryRunSender(logPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	runLive(t, scheduler.Config{DB: db, Sender: sender, ChangePoll: 50 * time.Millisecond, SafetyPoll: time.Hour})

	other, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	due := time.Now().UTC().Add(300 * time.Millisecond)
	if _, err := other.Exec(`INSERT INTO scheduled_messages (to_phone, message, scheduled_at) VALUES (?, ?, ?)`,
		"+49 151 7654321", "from sqlite3", due.Format("2006-01-02 15:04:05.000")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(logPath)
		if len(b) > 0 {
			var line scheduler.DryRunLine
			if err := json.Unmarshal(b, &line); err != nil {
				t.Fatal(err)
			}
			sent, _ := vpslink.ParseStoredTime(line.Time)
			if line.To != "491517654321@s.whatsapp.net" || line.Text != "from sqlite3" || line.Kind != "message" || line.MessageID == "" {
				t.Fatalf("dry-run line %+v", line)
			}
			if early := due.Sub(sent); early > 0 {
				t.Fatalf("sent %s before its due time", early)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the row inserted by another writer was not sent")
}

// On shutdown the in-flight send completes and is recorded; one that hangs
// past the grace period is recorded as an unknown outcome, never retried.
func TestEngine_GracefulShutdown(t *testing.T) {
	for _, tt := range []struct {
		name   string
		result schedulertest.Result
		want   string
	}{
		{"in-flight send finishes", schedulertest.Succeed, vpslink.MessageSent},
		{"hung send is released as unknown", schedulertest.Hang, vpslink.MessageFailed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := storetest.Open(t, storetest.WithClock(time.Now))
			m := storetest.CreateMessage(t, db, "491511234567", "x", time.Now())
			fake := schedulertest.NewSender()
			fake.Script(tt.result)
			gate := &gated{Sender: fake, release: make(chan struct{})}
			_, cancel, done := runLive(t, scheduler.Config{DB: db, Sender: gate, ShutdownGrace: 100 * time.Millisecond})
			<-fake.Started()
			cancel()
			close(gate.release)
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
				done <- nil
			case <-time.After(5 * time.Second):
				t.Fatal("shutdown did not finish")
			}
			got, _ := db.GetMessage(context.Background(), m.ID)
			if got.Status != tt.want {
				t.Fatalf("status %s (%s), want %s", got.Status, got.ErrorMessage, tt.want)
			}
		})
	}
}

// gated holds each send's result until release is closed, so that the
// shutdown begins while the send is in flight.
type gated struct {
	*schedulertest.Sender
	release chan struct{}
}

func (g *gated) Send(ctx context.Context, s vpslink.Send) error {
	err := g.Sender.Send(ctx, s)
	<-g.release
	return err
}

func TestDryRunSender_Lines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dryrun.jsonl")
	clock := schedulertest.NewClock(t0)
	s, err := scheduler.NewDryRunSender(path, clock)
	if err != nil {
		t.Fatal(err)
	}
	sends := []vpslink.Send{
		{Kind: vpslink.SendKindMessage, MessageID: "m1", To: "4915@s.whatsapp.net", Text: "hi", WAMessageID: "3EB0000000000000000001"},
		{Kind: vpslink.SendKindJob, JobID: "j1", RecipientIndex: 2, PartIndex: 1, To: "1203-1@g.us", Text: "part", WAMessageID: "3EB0000000000000000002", Typing: 1500 * time.Millisecond},
	}
	for _, snd := range sends {
		if err := s.Send(context.Background(), snd); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	f, _ := os.Open(path)
	defer f.Close()
	want := []string{
		`{"time":"2026-11-27T10:00:00.000Z","to":"4915@s.whatsapp.net","text":"hi","wa_message_id":"` + sends[0].WAMessageID + `","kind":"message","message_id":"m1","recipient_index":0,"part_index":0,"typing_ms":0}`,
		`{"time":"2026-11-27T10:00:00.000Z","to":"1203-1@g.us","text":"part","wa_message_id":"` + sends[1].WAMessageID + `","kind":"job","job_id":"j1","recipient_index":2,"part_index":1,"typing_ms":1500}`,
	}
	sc := bufio.NewScanner(f)
	for i := 0; sc.Scan(); i++ {
		if sc.Text() != want[i] {
			t.Fatalf("line %d:\n%s\nwant\n%s", i, sc.Text(), want[i])
		}
	}
}
