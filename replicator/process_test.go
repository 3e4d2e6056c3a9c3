package replicator_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vpslink/vpslink/internal/s3client"
	"github.com/vpslink/vpslink/internal/s3test"
	"github.com/vpslink/vpslink/internal/tooltest"
	"github.com/vpslink/vpslink/replicator"
)

// The test binary doubles as the processes the tests need, selected by
// VPSLINK_TEST_PROCESS: "replicate" (what `vpslink replicate` runs),
// "restore" (what `vpslink restore` runs) and "supervise" (a stand-in for
// `vpslink serve` that supervises a replicate child).
func TestMain(m *testing.M) {
	switch os.Getenv("VPSLINK_TEST_PROCESS") {
	case "":
		os.Exit(m.Run())
	case "replicate":
		exitOn(helperReplicate())
	case "restore":
		exitOn(helperRestore())
	case "supervise":
		exitOn(helperSupervise())
	}
	os.Exit(2)
}

func exitOn(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func helperConfig() (*replicator.Config, error) {
	if err := s3client.TrustCABundle(); err != nil {
		return nil, err
	}
	return replicator.LoadConfig(os.Getenv("VPSLINK_TEST_LITESTREAM"), os.Getenv("VPSLINK_DB"))
}

func helperReplicate() error {
	cfg, err := helperConfig()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	return replicator.RunProcess(ctx, replicator.ProcessOptions{
		Config:      cfg,
		MetricsAddr: "127.0.0.1:0",
		Parent:      os.Stdin,
		Logger:      slog.New(replicator.NewChildLogHandler(os.Stderr)),
	})
}

func helperRestore() error {
	cfg, err := helperConfig()
	if err != nil {
		return err
	}
	opt := replicator.RestoreOptions{Output: os.Getenv("VPSLINK_TEST_OUTPUT")}
	if ts := os.Getenv("VPSLINK_TEST_TIMESTAMP"); ts != "" {
		if opt.Timestamp, err = time.Parse(time.RFC3339Nano, ts); err != nil {
			return err
		}
	}
	_, err = replicator.Restore(context.Background(), cfg.DBs[0], opt, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	return err
}

// helperSupervise runs a supervisor of a replicate child and prints the
// child's pid once it is up.
func helperSupervise() error {
	sup := replicator.NewSupervisor(replicator.SupervisorConfig{
		Executable:     os.Args[0],
		Args:           []string{},
		Env:            []string{"VPSLINK_TEST_PROCESS=replicate"},
		ScrapeInterval: 100 * time.Millisecond,
	})
	go func() {
		for !sup.Up() {
			time.Sleep(50 * time.Millisecond)
		}
		fmt.Printf("child %d\n", sup.PID())
	}()
	return sup.Run(context.Background())
}

// env is the environment of a test's helper processes: the repository's
// production litestream.yml pointed at srv.
type env struct {
	t    testing.TB
	srv  *s3test.Server
	db   string
	vars []string
}

func newEnv(t *testing.T, srv *s3test.Server) *env {
	dir := t.TempDir()
	e := &env{t: t, srv: srv, db: filepath.Join(dir, "data", "whatsapp.db")}
	if err := os.MkdirAll(filepath.Dir(e.db), 0o755); err != nil {
		t.Fatal(err)
	}
	config, err := filepath.Abs(filepath.Join("..", "litestream.yml"))
	if err != nil {
		t.Fatal(err)
	}
	e.vars = []string{
		"VPSLINK_TEST_LITESTREAM=" + config,
		"VPSLINK_DB=" + e.db,
		"LITESTREAM_S3_ENDPOINT=" + srv.Endpoint,
		"LITESTREAM_S3_BUCKET=" + srv.Bucket,
		"LITESTREAM_ACCESS_KEY_ID=" + srv.AccessKey,
		"LITESTREAM_SECRET_ACCESS_KEY=" + srv.SecretKey,
	}
	// Over HTTP the machine's own AWS_CA_BUNDLE, if any, is inherited: it
	// must not break replication either.
	if srv.CAFile != "" {
		e.vars = append(e.vars, "AWS_CA_BUNDLE="+srv.CAFile)
	}
	return e
}

func (e *env) config() string { return strings.TrimPrefix(e.vars[0], "VPSLINK_TEST_LITESTREAM=") }

// restore runs a restore process into a new file and returns its path.
func (e *env) restore(at time.Time) (string, error) {
	out := filepath.Join(e.t.TempDir(), "restored.db")
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), e.vars...)
	cmd.Env = append(cmd.Env, "VPSLINK_TEST_PROCESS=restore", "VPSLINK_TEST_OUTPUT="+out)
	if !at.IsZero() {
		cmd.Env = append(cmd.Env, "VPSLINK_TEST_TIMESTAMP="+at.Format(time.RFC3339Nano))
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("restore: %v: %s", err, b)
	}
	return out, nil
}

// restoreOfficial restores with the official litestream CLI. It cannot
// use AWS_CA_BUNDLE (its S3 client rejects it), so over TLS it is given
// the CA through SSL_CERT_FILE, as docs/replication.md says.
func (e *env) restoreOfficial() string {
	e.t.Helper()
	bin := tooltest.Built(e.t, "litestream")
	out := filepath.Join(e.t.TempDir(), "official.db")
	cmd := exec.Command(bin, "restore", "-config", e.config(), "-o", out, e.db)
	for _, kv := range append(os.Environ(), e.vars...) {
		if !strings.HasPrefix(kv, "AWS_CA_BUNDLE=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if e.srv.CAFile != "" {
		cmd.Env = append(cmd.Env, "SSL_CERT_FILE="+e.srv.CAFile)
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		e.t.Fatalf("litestream restore: %v: %s", err, b)
	}
	return out
}

// waitRestorable restores until the result holds want, and returns how long
// that took from the call.
func (e *env) waitRestorable(want []string, timeout time.Duration) time.Duration {
	e.t.Helper()
	start := time.Now()
	var got []string
	var err error
	for time.Since(start) < timeout {
		var out string
		if out, err = e.restore(time.Time{}); err == nil {
			got = dump(e.t, out)
			if strings.Join(got, "\n") == strings.Join(want, "\n") {
				return time.Since(start)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	e.t.Fatalf("replica not restorable with %d rows after %s: have %d rows, last error %v", len(want), timeout, len(got), err)
	return 0
}

// openDB opens the test database with litestream's SQLite build (modernc),
// in WAL mode as the service does.
func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=synchronous(FULL)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS scheduled_messages (id INTEGER PRIMARY KEY, to_phone TEXT, message TEXT, payload BLOB)`); err != nil {
		t.Fatal(err)
	}
	return db
}

// insert adds n rows numbered from first.
func insert(t *testing.T, db *sql.DB, first, n int) {
	t.Helper()
	for i := first; i < first+n; i++ {
		if _, err := db.Exec(`INSERT INTO scheduled_messages (id, to_phone, message, payload) VALUES (?, ?, ?, ?)`,
			i, fmt.Sprintf("4915%08d", i), fmt.Sprintf("message %d ✓", i), []byte{byte(i), 0, byte(i >> 8)}); err != nil {
			t.Fatal(err)
		}
	}
}

// dump returns every row of the database at path byte for byte (hex), in
// id order.
func dump(t testing.TB, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return rowsOf(t, db)
}

func rowsOf(t testing.TB, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT id, hex(to_phone), hex(message), hex(payload) FROM scheduled_messages ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id int
		var a, b, c string
		if err := rows.Scan(&id, &a, &b, &c); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d|%s|%s|%s", id, a, b, c))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
