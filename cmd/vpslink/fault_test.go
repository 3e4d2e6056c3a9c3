package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/internal/tooltest"
	"github.com/vpslink/vpslink/scheduler"
	"github.com/vpslink/vpslink/store"
)

// Figures of TestServe_KillAtRandom: enough kills to land in every phase of
// a send many times, few enough to stay within about a minute of wall time
// on a loaded two-core machine.
const (
	faultKills      = 32
	faultSQLBatches = 6  // batches of messages written by the sqlite3 CLI
	faultSQLBatch   = 40 // messages per batch
	faultAPIPerLife = 2  // messages posted through the API per service life
	faultAPIJobs    = 4  // jobs posted through the API
	faultSecret     = "fault-suite-secret"
)

// TestServe_KillAtRandom SIGKILLs `serve --sender dryrun` at random moments
// (during start-up and recovery, mid-send, between sends and between a
// job's parts) while a few hundred messages and several multi-part jobs,
// written by the sqlite3 CLI and by the API, come due, restarting it each
// time. Then, from the dry-run log and the database: nothing was sent
// twice, every message ended sent or failed as possibly delivered, every
// job finished, and every unknown outcome was claimed by a process that was
// killed, no more than one per kill. The seed is logged; FAULT_SEED
// replays a run's kill moments.
func TestServe_KillAtRandom(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it 32 times")
	}
	sqlite3 := tooltest.Installed(t, "sqlite3", ".ci/install-ops-tools")
	bin, dir, db := serviceSetup(t)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("FAULT_SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	t.Logf("FAULT_SEED=%d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	addr := freeAddr(t)
	env := []string{"VPSLINK_LISTEN=" + addr, "VPSLINK_API_SECRET=" + faultSecret, "VPSLINK_LOG_LEVEL=warn",
		// Nothing may fail as missed: every failure must be a kill's.
		"VPSLINK_MAX_LATENESS=1h", dryRunDelayEnv + "=20ms"}
	dbPath := filepath.Join(dir, "whatsapp.db")

	started := time.Now()
	var lives []life // the killed ones
	sqlRows, apiRows, jobs := 0, 0, 0
	for kill := range faultKills {
		l := life{from: time.Now()}
		s := startProcess(t, bin, dir, env...)
		if rng.IntN(8) == 0 {
			// Start-up and recovery are moments too.
			time.Sleep(time.Duration(rng.IntN(300)) * time.Millisecond)
			s.kill()
			l.to = time.Now()
			lives = append(lives, l)
			continue
		}
		waitUp(t, addr)
		if kill%(faultKills/faultSQLBatches) == 0 && sqlRows < faultSQLBatches*faultSQLBatch {
			insertWithCLI(t, sqlite3, dbPath, sqlRows, faultSQLBatch, time.Now())
			sqlRows += faultSQLBatch
		}
		for range faultAPIPerLife {
			at := time.Now().Add(time.Duration(500+rng.IntN(3000)) * time.Millisecond)
			postAPI(t, addr, faultSecret, "/api/messages", map[string]any{"to_phone": fmt.Sprintf("4915300%05d", apiRows),
				"message": fmt.Sprintf("api message %d", apiRows), "scheduled_at": vpslink.FormatTime(at)})
			apiRows++
		}
		if jobs < faultAPIJobs && kill%3 != 0 {
			postAPI(t, addr, faultSecret, "/api/jobs", faultJob(jobs, time.Now().Add(300*time.Millisecond)))
			jobs++
		}
		time.Sleep(time.Duration(rng.IntN(600)) * time.Millisecond)
		s.kill()
		l.to = time.Now()
		lives = append(lives, l)
	}
	killPhase := time.Since(started)

	s := startProcess(t, bin, dir, env...)
	settle := time.Now().Add(90 * time.Second)
	for count(t, db, `SELECT (SELECT count(*) FROM scheduled_messages WHERE status IN ('pending', 'sending'))
		+ (SELECT count(*) FROM jobs WHERE status IN ('pending', 'running'))`) > 0 {
		if time.Now().After(settle) {
			t.Fatal("messages or jobs still not settled 90 s after the last restart")
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v", err)
	}

	// readDryRun fails on anything sent twice.
	lines := readDryRun(t, filepath.Join(dir, "dryrun.jsonl"))
	checkMessagesSettled(t, db, lines)
	if sqlRows > 0 {
		jobs++ // the sqlite3 CLI's
	}
	checkJobsSettled(t, db, lines, jobs)
	checkLinesClaimed(t, db, lines)
	unknown := checkOneUnknownPerKill(t, db, lives)
	messages := count(t, db, `SELECT count(*) FROM scheduled_messages`)
	if want := sqlRows + apiRows; messages != want {
		t.Fatalf("%d messages in the database, %d written", messages, want)
	}
	t.Logf("%d kills in %s; %d messages (%d by sqlite3, %d by the API) and %d jobs; %d sends, each once; %d failed as unknown outcomes",
		faultKills, killPhase.Round(time.Second), messages, sqlRows, apiRows, jobs, len(lines), unknown)
}

// life is when one serve process ran: from before its start to after its
// death.
type life struct{ from, to time.Time }

// checkOneUnknownPerKill checks that every unknown outcome was claimed
// during a life that ended in a kill, at most one per life (the send in
// flight when it died), and returns how many there are.
func checkOneUnknownPerKill(t *testing.T, db *store.DB, lives []life) int {
	t.Helper()
	rows, err := db.Reader().Query(`SELECT claimed_at FROM deliveries WHERE state = 'unknown'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	perLife := make([]int, len(lives))
	n := 0
	for rows.Next() {
		var at string
		if err := rows.Scan(&at); err != nil {
			t.Fatal(err)
		}
		claimed, err := vpslink.ParseStoredTime(at)
		if err != nil {
			t.Fatal(err)
		}
		n++
		i := slices.IndexFunc(lives, func(l life) bool {
			return !claimed.Before(l.from.Truncate(time.Millisecond)) && !claimed.After(l.to)
		})
		if i < 0 {
			t.Errorf("an unknown outcome claimed at %s, in no killed service's life", at)
			continue
		}
		if perLife[i]++; perLife[i] > 1 {
			t.Errorf("kill %d left %d unknown outcomes; one at most", i+1, perLife[i])
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// checkMessagesSettled checks that every message ended sent, with its line
// in the dry-run log, or failed as possibly delivered with an unknown
// ledger row.
func checkMessagesSettled(t *testing.T, db *store.DB, lines map[string]scheduler.DryRunLine) {
	t.Helper()
	rows, err := db.Reader().Query(`SELECT m.id, m.status, coalesce(m.error_message, ''), coalesce(d.state, '')
		FROM scheduled_messages m LEFT JOIN deliveries d ON d.message_id = m.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, status, reason, state string
		if err := rows.Scan(&id, &status, &reason, &state); err != nil {
			t.Fatal(err)
		}
		_, logged := lines["message "+id]
		switch {
		case status == vpslink.MessageSent && logged && state == vpslink.DeliverySent:
		case status == vpslink.MessageFailed && state == vpslink.DeliveryUnknown && strings.Contains(reason, "may have been delivered"):
		default:
			t.Errorf("message %s ended %s (%q), ledger %q, in the dry-run log: %v", id, status, reason, state, logged)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// checkJobsSettled checks that every job finished with each recipient
// counted once, and that every step it recorded was sent, with its line in
// the dry-run log, or is an unknown outcome that says so.
func checkJobsSettled(t *testing.T, db *store.DB, lines map[string]scheduler.DryRunLine, want int) {
	t.Helper()
	ctx := context.Background()
	js, _, err := db.ListJobs(ctx, vpslink.JobFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(js) != want {
		t.Fatalf("%d jobs, want %d", len(js), want)
	}
	for _, j := range js {
		if j.Status != vpslink.JobCompleted && j.Status != vpslink.JobFailed || j.RecipientsSent+j.RecipientsFailed != len(j.Recipients) {
			t.Errorf("job %s ended %s with %d sent and %d failed of %d recipients", j.ID, j.Status, j.RecipientsSent, j.RecipientsFailed, len(j.Recipients))
		}
		ds, err := db.JobDeliveries(ctx, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			_, logged := lines[fmt.Sprintf("job %s %d %d", j.ID, d.RecipientIndex, d.PartIndex)]
			switch {
			case d.State == vpslink.DeliverySent && logged:
			case d.State == vpslink.DeliveryUnknown && strings.Contains(d.Error, "may have been delivered"):
			default:
				t.Errorf("job %s step %d/%d ended %s (%q), in the dry-run log: %v", j.ID, d.RecipientIndex, d.PartIndex, d.State, d.Error, logged)
			}
		}
	}
}

// faultJob is a job of three parts to three recipients, a second between
// parts and between recipients.
func faultJob(n int, start time.Time) map[string]any {
	one := 1.0
	var recipients []string
	for r := range 3 {
		recipients = append(recipients, fmt.Sprintf("49154%02d%05d@s.whatsapp.net", n, r))
	}
	return map[string]any{
		"title": fmt.Sprintf("fault job %d", n), "scheduled_start_at": vpslink.FormatTime(start), "recipients": recipients,
		"message_parts": []vpslink.MessagePart{{Text: "one", DelayAfterSeconds: &one}, {Text: "two", DelayAfterSeconds: &one}, {Text: "three"}},
		"config":        vpslink.JobConfig{RecipientGapSeconds: 1},
	}
}

// insertWithCLI writes n messages, numbered from first, due over the next
// few seconds, and the first time one job, with the sqlite3 CLI: rows
// another tool writes while serve runs (or is being killed).
func insertWithCLI(t *testing.T, sqlite3, dbPath string, first, n int, now time.Time) {
	t.Helper()
	var b strings.Builder
	b.WriteString(".timeout 20000\n.bail on\nBEGIN IMMEDIATE;\n")
	for i := first; i < first+n; i++ {
		at := now.Add(500*time.Millisecond + time.Duration(i-first)*4500*time.Millisecond/time.Duration(n))
		fmt.Fprintf(&b, "INSERT INTO scheduled_messages (to_phone, message, scheduled_at, status, created_at) VALUES ('4915500%05d', 'sqlite3 message %d', '%s', 'pending', '%s');\n",
			i, i, vpslink.FormatTime(at), vpslink.FormatTime(now))
	}
	if first == 0 {
		fmt.Fprintf(&b, `INSERT INTO jobs (title, status, scheduled_start_at, created_at, recipients, message_parts, config)
			VALUES ('sqlite3 job', 'pending', '%s', '%s', '["4915600000001@s.whatsapp.net","4915600000002@s.whatsapp.net"]',
			'[{"text":"first","delayAfterSeconds":1},{"text":"second","delayAfterSeconds":null}]', '{"recipientGapSeconds":1,"maxRetries":0}');`+"\n",
			vpslink.FormatTime(now.Add(time.Second)), vpslink.FormatTime(now))
	}
	b.WriteString("COMMIT;\n")
	cmd := exec.Command(sqlite3, dbPath)
	cmd.Stdin = strings.NewReader(b.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sqlite3: %v\n%s", err, out)
	}
}

// waitUp polls the service's /healthz until it answers.
func waitUp(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not answer on %s within 30 s", addr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// freeAddr returns a loopback address with a port free right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
