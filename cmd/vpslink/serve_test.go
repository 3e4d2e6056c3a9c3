package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/scheduler"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

// serveProcess is one `vpslink serve --sender dryrun` process.
type serveProcess struct {
	t   *testing.T
	cmd *exec.Cmd
}

// startProcess starts serve on dir's database without replication; env
// adds to or overrides its environment.
func startProcess(t *testing.T, bin, dir string, env ...string) *serveProcess {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--sender", "dryrun")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"VPSLINK_DB="+filepath.Join(dir, "whatsapp.db"),
		"VPSLINK_LISTEN=127.0.0.1:0",
		"VPSLINK_REPLICATE=off",
		"VPSLINK_MAX_SENDS_PER_MINUTE=0",
		"VPSLINK_CONFIG=/dev/null",
		dryRunDelayEnv+"=150ms",
	)
	cmd.Env = append(cmd.Env, env...)
	logf, err := os.OpenFile(filepath.Join(dir, "serve.log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return &serveProcess{t: t, cmd: cmd}
}

func (s *serveProcess) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
}

// serviceSetup builds the binary and opens, in a new directory, the
// database a service will use; the test watches the service through it.
func serviceSetup(t *testing.T) (bin, dir string, db *store.DB) {
	t.Helper()
	bin, dir = buildBinary(t, t.TempDir()), t.TempDir()
	db = storetest.Open(t, storetest.WithPath(filepath.Join(dir, "whatsapp.db")), storetest.WithClock(time.Now))
	return bin, dir, db
}

// waitFor polls the database until cond holds.
func waitFor(t *testing.T, db *store.DB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func count(t *testing.T, db *store.DB, query string) int {
	t.Helper()
	var n int
	if err := db.Reader().QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestServe_CrashSafety kills the service with SIGKILL mid-send (a message,
// then a job part) and between a job's parts, restarts it each time, lets it
// finish, and checks from the dry-run log and the ledger that every message
// and every (job, recipient, part) went out at most once and that every row
// ended sent, or failed with a reason.
func TestServe_CrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, dir, db := serviceSetup(t)
	ctx := context.Background()
	start := time.Now().Add(500 * time.Millisecond)
	var msgIDs []string
	for i := range 6 {
		m := &vpslink.ScheduledMessage{ToPhone: fmt.Sprintf("4915100000%02d", i), Message: fmt.Sprintf("message %d", i),
			ScheduledAt: start.Add(time.Duration(i) * 100 * time.Millisecond)}
		if err := db.CreateMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
		msgIDs = append(msgIDs, m.ID)
	}
	one := 1.0
	job := &vpslink.Job{ScheduledStartAt: start.Add(time.Second), Recipients: []string{"491510000100", "491510000101", "491510000102"},
		MessageParts: []vpslink.MessagePart{{Text: "first", DelayAfterSeconds: &one}, {Text: "second"}, {Text: "third"}},
		Config:       vpslink.JobConfig{RecipientGapSeconds: 1}}
	if err := db.CreateJob(ctx, job); err != nil {
		t.Fatal(err)
	}

	kills := []struct {
		what string
		cond func() bool
	}{
		{"a message mid-send", func() bool {
			return count(t, db, `SELECT count(*) FROM deliveries WHERE state = 'claimed' AND message_id IS NOT NULL`) > 0
		}},
		{"a job part mid-send", func() bool {
			return count(t, db, `SELECT count(*) FROM deliveries WHERE state = 'claimed' AND job_id IS NOT NULL`) > 0
		}},
		{"a job between parts", func() bool {
			return count(t, db, `SELECT count(*) FROM jobs WHERE status = 'running' AND next_step_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+0.3 seconds')
				AND NOT EXISTS (SELECT 1 FROM deliveries WHERE state = 'claimed')`) > 0
		}},
	}
	for _, k := range kills {
		s := startProcess(t, bin, dir)
		waitFor(t, db, k.what, k.cond)
		s.kill()
	}
	s := startProcess(t, bin, dir)
	waitFor(t, db, "every row to settle", func() bool {
		return count(t, db, `SELECT (SELECT count(*) FROM scheduled_messages WHERE status IN ('pending', 'sending'))
			+ (SELECT count(*) FROM jobs WHERE status IN ('pending', 'running'))`) == 0
	})
	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v", err)
	}

	lines := readDryRun(t, filepath.Join(dir, "dryrun.jsonl"))
	checkLinesClaimed(t, db, lines)
	for _, id := range msgIDs {
		m, err := db.GetMessage(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		_, sent := lines["message "+id]
		switch {
		case m.Status == vpslink.MessageSent && sent:
		case m.Status == vpslink.MessageFailed && strings.Contains(m.ErrorMessage, "may have been delivered"):
		default:
			t.Fatalf("message %s ended %s (%q), in the dry-run log: %v", id, m.Status, m.ErrorMessage, sent)
		}
	}
	ds, err := db.JobDeliveries(ctx, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		_, sent := lines[fmt.Sprintf("job %s %d %d", job.ID, d.RecipientIndex, d.PartIndex)]
		if d.State == vpslink.DeliverySent && !sent || d.State != vpslink.DeliverySent && d.Error == "" {
			t.Fatalf("job step %d/%d ended %s (%q), in the dry-run log: %v", d.RecipientIndex, d.PartIndex, d.State, d.Error, sent)
		}
	}
	j, _ := db.GetJob(ctx, job.ID)
	if j.Status != vpslink.JobCompleted && j.Status != vpslink.JobFailed || j.RecipientsSent+j.RecipientsFailed != 3 {
		t.Fatalf("job ended %+v", j)
	}
	if count(t, db, `SELECT count(*) FROM deliveries WHERE state = 'unknown'`) < 2 {
		t.Fatal("the mid-send kills left no unknown outcomes: the test did not kill mid-send")
	}
}

// checkLinesClaimed checks that every dry-run line was claimed in the
// ledger first, under its WhatsApp id, and recorded as sent or unknown.
func checkLinesClaimed(t *testing.T, db *store.DB, lines map[string]scheduler.DryRunLine) {
	t.Helper()
	for key, l := range lines {
		var state string
		if err := db.Reader().QueryRow(`SELECT state FROM deliveries WHERE wa_message_id = ?`, l.WAMessageID).Scan(&state); err != nil {
			t.Fatalf("%s sent without a ledger row: %v", key, err)
		}
		if state != vpslink.DeliverySent && state != vpslink.DeliveryUnknown {
			t.Fatalf("%s was sent but its ledger row is %s", key, state)
		}
	}
}

// readDryRun returns the dry-run log's lines keyed by what they sent, and
// fails on any key sent twice.
func readDryRun(t *testing.T, path string) map[string]scheduler.DryRunLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]scheduler.DryRunLine{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l scheduler.DryRunLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("dry-run line %q: %v", sc.Text(), err)
		}
		key := "message " + l.MessageID
		if l.Kind == vpslink.SendKindJob {
			key = fmt.Sprintf("job %s %d %d", l.JobID, l.RecipientIndex, l.PartIndex)
		}
		if _, dup := out[key]; dup {
			t.Fatalf("%s sent twice", key)
		}
		out[key] = l
	}
	return out
}

func TestServe_SecretRules(t *testing.T) {
	dir := t.TempDir()
	cfg := DefaultConfig()
	cfg.DB = filepath.Join(dir, "whatsapp.db")
	cfg.Listen = "0.0.0.0:0"
	if err := serve(context.Background(), cfg, newLogger("error", os.Stderr)); err == nil || !strings.Contains(err.Error(), "not loopback") {
		t.Fatalf("non-loopback listener without a secret: %v", err)
	}
	if _, err := os.Stat(cfg.DB); err == nil {
		t.Fatal("refusing to start still created the database")
	}
	var logs strings.Builder
	log := newLogger("info", &logs)
	s1, err := serveSecret(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := serveSecret(cfg, log)
	if err != nil || s1 != s2 || len(s1) < 32 {
		t.Fatalf("secret not created once: %q %q %v", s1, s2, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "api-secret")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v %v", fi, err)
	}
	if strings.Contains(logs.String(), s1) || !strings.Contains(logs.String(), "api-secret") {
		t.Fatalf("logs leak the secret or miss its path: %s", logs.String())
	}
}

// serviceConfig is a dry-run service's configuration in a new directory,
// on an ephemeral loopback port, without replication.
func serviceConfig(t *testing.T) *Config {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DB = filepath.Join(t.TempDir(), "whatsapp.db")
	cfg.Sender = "dryrun"
	cfg.Listen = "127.0.0.1:0"
	cfg.Replicate = "off"
	cfg.APISecret = "s3cret"
	cfg.LogLevel = "error"
	return cfg
}

// openService opens the service serve runs, closed when the test ends.
func openService(t *testing.T, cfg *Config) *service {
	t.Helper()
	s := newService(cfg, newLogger(cfg.LogLevel, os.Stderr))
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// postAPI makes a POST with secret to the service at addr that must
// succeed; body goes as JSON (a json.RawMessage as it is written).
func postAPI(t *testing.T, addr, secret, path string, body any) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		e, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST %s: %s %s", path, resp.Status, e)
	}
}

// TestService_Run drives the service as the binary does: a message created
// over HTTP goes out through the dry run, and a cancelled context stops it
// cleanly.
func TestService_Run(t *testing.T) {
	cfg := serviceConfig(t)
	s := openService(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runDone := make(chan error, 1)
	go func() { runDone <- s.Run(ctx) }()

	postAPI(t, s.ln.Addr().String(), cfg.APISecret, "/api/messages",
		map[string]string{"to_phone": "491511234567", "message": "hello", "scheduled_at": vpslink.FormatTime(time.Now())})
	waitFor(t, s.db, "the message to be sent", func() bool {
		return count(t, s.db, `SELECT count(*) FROM scheduled_messages WHERE status = 'sent'`) == 1
	})
	cancel()
	if err := <-runDone; err != nil {
		t.Fatalf("run: %v", err)
	}
	if lines := readDryRun(t, cfg.DryRunLogPath()); len(lines) != 1 {
		t.Fatalf("dry-run log: %v", lines)
	}
}

// TestService_OpenFails checks that a failed Open leaves nothing held: a
// second service on the same database opens.
func TestService_OpenFails(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cfg := serviceConfig(t)
	cfg.Listen = busy.Addr().String()
	s := newService(cfg, newLogger(cfg.LogLevel, os.Stderr))
	if err := s.Open(context.Background()); err == nil || !strings.Contains(err.Error(), "listen") {
		t.Fatalf("open on a busy port: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("close after a failed open: %v", err)
	}
	cfg.Listen = "127.0.0.1:0"
	openService(t, cfg)
}

func TestServe_Handler(t *testing.T) {
	s := openService(t, serviceConfig(t))
	h, db := s.http.Handler, s.db
	tests := []struct {
		method, path, remote string
		header               map[string]string
		code                 int
	}{
		{"GET", "/healthz", "203.0.113.9:1", nil, 200},
		{"POST", "/scheduler/refresh", "127.0.0.1:1", nil, 401},
		{"POST", "/scheduler/refresh", "127.0.0.1:1", map[string]string{"X-API-Secret": "wrong"}, 401},
		{"POST", "/scheduler/refresh", "127.0.0.1:1", map[string]string{"X-API-Secret": "s3cret"}, 200},
		{"POST", "/scheduler/refresh", "[::1]:1", map[string]string{"Authorization": "Bearer s3cret"}, 200},
		{"POST", "/scheduler/refresh", "203.0.113.9:1", map[string]string{"X-API-Secret": "s3cret"}, 403},
		{"POST", "/scheduler/stop", "127.0.0.1:1", map[string]string{"X-API-Secret": "s3cret"}, 200},
		{"POST", "/scheduler/start", "127.0.0.1:1", map[string]string{"X-API-Secret": "s3cret"}, 200},
		{"GET", "/metrics", "127.0.0.1:1", map[string]string{"X-API-Secret": "s3cret"}, 200},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, tt.path, nil)
		r.RemoteAddr = tt.remote
		for k, v := range tt.header {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tt.code {
			t.Errorf("%s %s from %s: %d %s, want %d", tt.method, tt.path, tt.remote, w.Code, w.Body, tt.code)
		}
		if tt.path == "/metrics" && !strings.Contains(w.Body.String(), `vpslink_scheduled_messages{status="pending"} 0`) {
			t.Errorf("metrics lack the status gauges:\n%s", w.Body)
		}
	}
	if v, _ := db.Setting(context.Background(), store.SettingSendingStopped); v != "0" {
		t.Fatalf("stop then start left the setting %q", v)
	}
}

func TestServe_OneServicePerDatabase(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data", "whatsapp.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, nil, 0o600)
	os.Symlink(path, filepath.Join(dir, "link.db"))
	os.Symlink(filepath.Join(dir, "data"), filepath.Join(dir, "datalink"))
	t.Chdir(dir)
	release, err := lockDatabase(path)
	if err != nil {
		t.Fatal(err)
	}
	// The same file by another name: itself, a relative path, a symlink to
	// it, a path through a symlinked directory.
	for _, other := range []string{path, "data/whatsapp.db", "./data/../data/whatsapp.db", "link.db", "datalink/whatsapp.db"} {
		if _, err := lockDatabase(other); err == nil || !strings.Contains(err.Error(), "another vpslink serve") {
			t.Fatalf("second lock through %s: %v", other, err)
		}
	}
	release()
	again, err := lockDatabase(path)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	again()
}

// login and logout refuse while serve holds the database: serve keeps the
// session it loaded at start and would replace what they write. So does a
// restore into its path: serve would keep writing to the file it opened.
func TestLoginLogout_RefuseWhileServeRuns(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "whatsapp.db")
	t.Setenv("VPSLINK_SESSION_DB", filepath.Join(dir, "session.db"))
	release, err := lockDatabase(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"login"}, {"logout"}, {"restore", "--force"},
		{"restore", "--from-snapshot", "latest", "--force"}, {"restore", "--output", path}} {
		if _, err := runCLI(t, append(args, "--db", path)...); err == nil || !strings.Contains(err.Error(), "stop it first") {
			t.Fatalf("%s while serve runs: %v", args, err)
		}
	}
	release()
	if out, err := runCLI(t, "logout", "--db", path); err != nil || !strings.Contains(out, "Not paired") {
		t.Fatalf("logout once serve stopped: %q %v", out, err)
	}
}
