package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vpslink/vpslink/internal/s3test"
	"github.com/vpslink/vpslink/internal/tooltest"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

// drillMessages is how many messages each drill sends before the restore.
const drillMessages = 10

// drill is one restore drill: a data directory whose service sent
// drillMessages messages through the dry-run sender with replication on,
// and the moment before they were due, to restore to.
type drill struct {
	t        *testing.T
	bin, dir string
	env      []string // the replica's configuration, if not the file default
	before   time.Time
}

// newDrill runs a service on a new data directory until it has sent the
// drill's messages, taking a snapshot before they were due, and stops it.
func newDrill(t *testing.T, bin string, env ...string) *drill {
	t.Helper()
	d := &drill{t: t, bin: bin, dir: t.TempDir(), env: env}
	db := storetest.Open(t, storetest.WithPath(d.db()), storetest.WithClock(time.Now))
	due := time.Now().Add(4 * time.Second)
	for i := range drillMessages {
		storetest.CreateMessage(t, db, fmt.Sprintf("4915100001%02d", i), fmt.Sprint("drill ", i), due)
	}
	db.Close()
	s := d.serve(d.dir)
	// Let the replica take the state before the sends, then remember it.
	time.Sleep(2500 * time.Millisecond)
	d.before = time.Now()
	d.run(d.dir, "backup", "now")
	d.waitFor(d.dir, "the drill's messages to be sent", func(db *store.DB) bool {
		return countIn(t, db, `SELECT count(*) FROM scheduled_messages WHERE status = 'sent'`) == drillMessages
	})
	s.stop()
	return d
}

func (d *drill) db() string { return filepath.Join(d.dir, "whatsapp.db") }

// serve starts serve with its replicate child on dir's database.
func (d *drill) serve(dir string) *serveProcess {
	return startProcess(d.t, d.bin, dir, append([]string{"VPSLINK_REPLICATE=child", dryRunDelayEnv + "=0s"}, d.env...)...)
}

// run runs a vpslink command on dir's database and returns its output.
func (d *drill) run(dir string, args ...string) string {
	d.t.Helper()
	out, err := d.try(dir, args...)
	if err != nil {
		d.t.Fatal(err)
	}
	return out
}

// try is run without failing the test.
func (d *drill) try(dir string, args ...string) (string, error) {
	return runIn(dir, append([]string{"VPSLINK_DB=" + filepath.Join(dir, "whatsapp.db"), "VPSLINK_CONFIG=/dev/null"}, d.env...),
		d.bin, args...)
}

// runIn runs a program in dir with env added.
func runIn(dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// mustRunIn is runIn that fails the test on error.
func mustRunIn(t *testing.T, dir string, name string, args ...string) {
	t.Helper()
	if _, err := runIn(dir, nil, name, args...); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls dir's database, opened read-only each time (a restore
// replaces the file), until cond holds.
func (d *drill) waitFor(dir, what string, cond func(db *store.DB) bool) {
	d.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		db, err := store.OpenReadOnly(context.Background(), filepath.Join(dir, "whatsapp.db"))
		if err == nil {
			ok := cond(db)
			db.Close()
			if ok {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	d.t.Fatalf("timed out waiting for %s", what)
}

func countIn(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Reader().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// snapshot returns the path of the snapshot `backup now` took.
func (d *drill) snapshot() string {
	d.t.Helper()
	files, _ := filepath.Glob(filepath.Join(d.dir, "snapshots", "*.db.gz"))
	if len(files) != 1 {
		d.t.Fatalf("snapshots: %v", files)
	}
	return files[0]
}

// gunzip writes the decompressed snapshot to out.
func gunzip(t *testing.T, snapshot, out string) {
	t.Helper()
	f, err := os.Open(snapshot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	w, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(w, zr); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// replaceDB moves a restored file over dir's database, as an operator does
// by hand: the old -wal and -shm go first.
func replaceDB(t *testing.T, restored, dir string) {
	t.Helper()
	db := filepath.Join(dir, "whatsapp.db")
	os.Remove(db + "-wal")
	os.Remove(db + "-shm")
	if err := os.Rename(restored, db); err != nil {
		t.Fatal(err)
	}
}

func (s *serveProcess) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := s.cmd.Wait(); err != nil {
		s.t.Fatalf("serve after SIGTERM: %v", err)
	}
}

// listenAddr reads the address serve logged that it listens on.
func listenAddr(t *testing.T, dir string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		f, err := os.Open(filepath.Join(dir, "serve.log"))
		if err == nil {
			addr := ""
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				var l struct{ Msg, Listen string }
				if json.Unmarshal(sc.Bytes(), &l) == nil && l.Msg == "vpslink serving" {
					addr = l.Listen // the last start's
				}
			}
			f.Close()
			if addr != "" {
				return addr
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("serve did not log its address")
	return ""
}

// get fetches path from the service in dir with its API secret.
func get(t *testing.T, dir, addr, path string) []byte {
	t.Helper()
	secret, err := os.ReadFile(filepath.Join(dir, "api-secret"))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
	req.Header.Set("X-API-Secret", strings.TrimSpace(string(secret)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return b
}

// TestRestoreDrill sends messages through the dry-run sender with
// replication on, restores the database to a moment before they were due
// by every way there is, starts serve on the result, and checks that
// nothing is sent a second time, that the messages are held for a
// post-restore review that /health, the metric, the log and `vpslink status`
// show, that `vpslink restore --force` refuses while serve runs,
// that a message due after the start is sent, and that the replica follows
// the restored database. A restart and a crash restart hold nothing.
func TestRestoreDrill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	litestream := tooltest.Built(t, "litestream")
	bin := buildBinary(t, t.TempDir())
	replicaURL := func(d *drill) string { return "file://" + filepath.Join(d.dir, "replica") }
	for _, tc := range []struct {
		name string
		s3   bool
		// restore restores d's database and returns the data directory the
		// service is to start in.
		restore func(t *testing.T, d *drill) string
		held    bool
	}{
		{name: "vpslink restore --timestamp", held: true, restore: func(t *testing.T, d *drill) string {
			d.run(d.dir, "restore", "--force", "--timestamp", d.before.UTC().Format(time.RFC3339Nano))
			return d.dir
		}},
		{name: "vpslink restore --timestamp from S3", s3: true, held: true, restore: func(t *testing.T, d *drill) string {
			d.run(d.dir, "restore", "--force", "--timestamp", d.before.UTC().Format(time.RFC3339Nano))
			return d.dir
		}},
		{name: "vpslink restore --from-snapshot", held: true, restore: func(t *testing.T, d *drill) string {
			d.run(d.dir, "restore", "--force", "--from-snapshot", "latest")
			return d.dir
		}},
		{name: "litestream restore and mv", held: true, restore: func(t *testing.T, d *drill) string {
			out := filepath.Join(t.TempDir(), "restored.db")
			mustRunIn(t, d.dir, litestream, "restore", "-timestamp", d.before.UTC().Format(time.RFC3339Nano), "-o", out, replicaURL(d))
			replaceDB(t, out, d.dir)
			return d.dir
		}},
		{name: "snapshot copied by hand: gunzip and mv", held: true, restore: func(t *testing.T, d *drill) string {
			out := filepath.Join(d.dir, "restored.db")
			gunzip(t, d.snapshot(), out)
			replaceDB(t, out, d.dir)
			return d.dir
		}},
		{name: "a lagging replica restored on a new host", held: true, restore: func(t *testing.T, d *drill) string {
			host := t.TempDir()
			mustRunIn(t, host, litestream, "restore", "-timestamp", d.before.UTC().Format(time.RFC3339Nano),
				"-o", filepath.Join(host, "whatsapp.db"), replicaURL(d))
			return host
		}},
		{name: "restart", restore: func(t *testing.T, d *drill) string { return d.dir }},
		{name: "crash restart", restore: func(t *testing.T, d *drill) string {
			os.Remove(filepath.Join(d.dir, "serve.log"))
			s := d.serve(d.dir)
			listenAddr(t, d.dir)
			s.kill()
			return d.dir
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var env []string
			if tc.s3 {
				env = s3Env(t, s3test.Start(t))
			}
			d := newDrill(t, bin, env...)
			dir := tc.restore(t, d)
			os.Remove(filepath.Join(dir, "serve.log"))
			s := d.serve(dir)
			defer s.kill()
			addr := listenAddr(t, dir)
			// No restore over the database while the service runs on it.
			if _, err := d.try(dir, "restore", "--force"); err == nil || !strings.Contains(err.Error(), "stop it first") {
				t.Fatalf("restore --force while serve runs: %v", err)
			}

			var health struct {
				Status        string
				RestoreReview *store.RestoreReview `json:"restore_review"`
			}
			if err := json.Unmarshal(get(t, dir, addr, "/health"), &health); err != nil {
				t.Fatal(err)
			}
			metrics := string(get(t, dir, addr, "/metrics"))
			want := 0
			if tc.held {
				want = drillMessages
				if health.RestoreReview == nil || health.RestoreReview.Messages != drillMessages || health.Status != "degraded" {
					t.Fatalf("/health: %+v %+v", health, health.RestoreReview)
				}
			} else if health.RestoreReview != nil {
				t.Fatalf("/health after a %s: review %+v", tc.name, health.RestoreReview)
			}
			if !strings.Contains(metrics, fmt.Sprintf("vpslink_restore_review_items %d\n", want)) {
				t.Fatalf("metrics lack vpslink_restore_review_items %d", want)
			}
			if log, _ := os.ReadFile(filepath.Join(dir, "serve.log")); strings.Contains(string(log), "post-restore review pending") != tc.held {
				t.Fatalf("the log, held %v:\n%s", tc.held, log)
			}

			// A message due after the start is sent as usual.
			db := storetest.Open(t, storetest.WithPath(filepath.Join(dir, "whatsapp.db")), storetest.WithClock(time.Now))
			after := storetest.CreateMessage(t, db, "491510000999", "after the restore", time.Now().Add(500*time.Millisecond))
			db.Close()
			d.waitFor(dir, "the message due after the start to be sent", func(db *store.DB) bool {
				return countIn(t, db, `SELECT count(*) FROM scheduled_messages WHERE id = ? AND status = 'sent'`, after.ID) == 1
			})
			// Nothing was sent twice, on either host.
			sent := readDryRuns(t, filepath.Join(d.dir, "dryrun.jsonl"), filepath.Join(dir, "dryrun.jsonl"))
			if len(sent) != drillMessages+1 {
				t.Fatalf("%d sends, want %d", len(sent), drillMessages+1)
			}
			if tc.held {
				d.waitFor(dir, "the held messages", func(db *store.DB) bool {
					return countIn(t, db, `SELECT count(*) FROM scheduled_messages WHERE status = 'failed' AND error_message = ?`, store.HeldReason) == drillMessages
				})
				// The replica follows the restored database, not its old history.
				d.waitFor(dir, "the replica to hold the restored database's sends", func(*store.DB) bool {
					restored := filepath.Join(t.TempDir(), "replica.db")
					if _, err := d.try(dir, "restore", "-o", restored); err != nil {
						return false
					}
					copy, err := store.OpenReadOnly(context.Background(), restored)
					if err != nil {
						return false
					}
					defer copy.Close()
					return countIn(t, copy, `SELECT count(*) FROM scheduled_messages WHERE id = ? AND status = 'sent'`, after.ID) == 1 &&
						countIn(t, copy, `SELECT count(*) FROM scheduled_messages WHERE error_message = ?`, store.HeldReason) == drillMessages
				})
			}
			s.stop()
			// vpslink status shows the review without the service, too.
			status := d.run(dir, "status")
			if got := strings.Contains(status, "post-restore review pending"); got != tc.held {
				t.Fatalf("vpslink status:\n%s", status)
			}
		})
	}
}

// readDryRuns reads dry-run logs together, failing on any send in two.
func readDryRuns(t *testing.T, paths ...string) map[string]bool {
	t.Helper()
	sent := map[string]bool{}
	for i, p := range paths {
		if i > 0 && p == paths[0] {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			continue
		}
		for key := range readDryRun(t, p) {
			if sent[key] {
				t.Fatalf("%s sent twice", key)
			}
			sent[key] = true
		}
	}
	return sent
}

// s3Env is the environment that points the repository's litestream.yml at
// srv.
func s3Env(t *testing.T, srv *s3test.Server) []string {
	t.Helper()
	config, err := filepath.Abs(filepath.Join("..", "..", "litestream.yml"))
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"LITESTREAM_CONFIG=" + config, "LITESTREAM_S3_ENDPOINT=" + srv.Endpoint,
		"LITESTREAM_S3_BUCKET=" + srv.Bucket, "LITESTREAM_ACCESS_KEY_ID=" + srv.AccessKey,
		"LITESTREAM_SECRET_ACCESS_KEY=" + srv.SecretKey}
	if srv.CAFile != "" {
		env = append(env, "AWS_CA_BUNDLE="+srv.CAFile)
	}
	return env
}
