package replicator_test

// Measurements for BENCHMARKS.md ("Replication"). They run real servers for
// a long time, so they are benchmarks, run one at a time with -benchtime=1x:
//
//	go test -run '^$' -bench BenchmarkIdleRequests -benchtime=1x -timeout 2h ./replicator/
//
// VPSLINK_IDLE_MEASURE sets the idle window (default 10m).

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/vpslink/vpslink/internal/s3test"
	"github.com/vpslink/vpslink/internal/tooltest"
)

// replicaProcess is a running replicator: ours (the replicate helper, what
// `vpslink replicate` runs) or the official litestream CLI.
type replicaProcess struct {
	name    string
	srv     *s3test.Server
	db      string
	logPath string
}

func (p *replicaProcess) log() string {
	b, _ := os.ReadFile(p.logPath)
	return string(b)
}

// seedDB creates a database with the service's schema (the store's
// migration files, applied with litestream's SQLite build) and n scheduled
// messages of about size bytes each.
func seedDB(tb testing.TB, path string, n, size int) {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	files, _ := filepath.Glob("../store/migrations/*.sql")
	sort.Strings(files)
	if len(files) == 0 {
		tb.Fatal("no migrations in ../store/migrations")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := db.Exec(string(b)); err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
	}
	tx, err := db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO contacts (phone, name) VALUES ('491511234567', 'Bench')`); err != nil {
		tb.Fatal(err)
	}
	text := strings.Repeat("Happy birthday! ", size/16+1)[:size]
	for i := 0; i < n; i++ {
		if _, err := tx.Exec(`INSERT INTO scheduled_messages (to_phone, contact_name, message, scheduled_at, status) VALUES ('491511234567', 'Bench', ?, ?, 'sent')`,
			fmt.Sprintf("%d %s", i, text), time.Now().UTC().Format("2006-01-02T15:04:05.000Z")); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// writeOne is one scheduled-message write, as the API makes it.
func writeOne(tb testing.TB, path string, i int) {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO scheduled_messages (to_phone, contact_name, message, scheduled_at) VALUES ('491511234567', 'Bench', ?, ?)`,
		fmt.Sprintf("reminder %d: call the dentist", i), time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z")); err != nil {
		tb.Fatal(err)
	}
}

// startOurs runs our replicator for db against a new S3 server.
func startOurs(tb testing.TB, db string) *replicaProcess {
	srv := s3test.Start(tb)
	p := &replicaProcess{name: "vpslink replicate", srv: srv, db: db}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(append(os.Environ(), p.env()...), "VPSLINK_TEST_PROCESS=replicate")
	p.start(tb, cmd)
	return p
}

// startOfficial runs the official litestream CLI for db against a new S3
// server, with the given config (the production litestream.yml, or one
// with litestream's defaults).
func startOfficial(tb testing.TB, db, config, name string) *replicaProcess {
	srv := s3test.Start(tb)
	p := &replicaProcess{name: name, srv: srv, db: db}
	cmd := exec.Command(tooltest.Built(tb, "litestream"), "replicate", "-config", config)
	for _, kv := range append(os.Environ(), p.env()...) {
		if !strings.HasPrefix(kv, "AWS_CA_BUNDLE=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	p.start(tb, cmd)
	return p
}

// productionConfig is the repository's litestream.yml.
func productionConfig(tb testing.TB) string {
	config, err := filepath.Abs("../litestream.yml")
	if err != nil {
		tb.Fatal(err)
	}
	return config
}

func (p *replicaProcess) env() []string {
	config, _ := filepath.Abs("../litestream.yml")
	return []string{
		"VPSLINK_TEST_LITESTREAM=" + config,
		"VPSLINK_DB=" + p.db,
		"LITESTREAM_S3_ENDPOINT=" + p.srv.Endpoint,
		"LITESTREAM_S3_BUCKET=" + p.srv.Bucket,
		"LITESTREAM_ACCESS_KEY_ID=" + p.srv.AccessKey,
		"LITESTREAM_SECRET_ACCESS_KEY=" + p.srv.SecretKey,
	}
}

func (p *replicaProcess) start(tb testing.TB, cmd *exec.Cmd) {
	p.logPath = filepath.Join(tb.TempDir(), "replicate.log")
	log, err := os.Create(p.logPath)
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // no orphan if the benchmark is killed
	// Our replicator exits when its stdin closes, as under serve.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
		log.Close()
	})
}

// defaultsConfig writes a litestream config with litestream's defaults
// (only the database and replica given).
func defaultsConfig(tb testing.TB) string {
	path := filepath.Join(tb.TempDir(), "defaults.yml")
	err := os.WriteFile(path, []byte(`dbs:
  - path: ${VPSLINK_DB}
    replica:
      type: s3
      endpoint: ${LITESTREAM_S3_ENDPOINT}
      region: garage
      bucket: ${LITESTREAM_S3_BUCKET}
      path: vpslink/whatsapp.db
      access-key-id: ${LITESTREAM_ACCESS_KEY_ID}
      secret-access-key: ${LITESTREAM_SECRET_ACCESS_KEY}
`), 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	return path
}

// copyDB makes an independent copy of a seeded database for a second
// replicator.
func copyDB(tb testing.TB, src, dst string) {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+src)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`VACUUM INTO ?`, dst); err != nil {
		tb.Fatal(err)
	}
	d, err := sql.Open("sqlite", "file:"+dst+"?_pragma=journal_mode(WAL)")
	if err != nil {
		tb.Fatal(err)
	}
	defer d.Close()
	if err := d.Ping(); err != nil {
		tb.Fatal(err)
	}
}

// usage sums the requests and uploaded bytes a server logged since t.
func usage(p *replicaProcess, since time.Time) (requests int, puts int, uploaded int64) {
	for _, r := range p.srv.RequestsSince(since) {
		requests++
		if r.Operation == "PutObject" || r.Operation == "UploadPart" {
			puts++
			uploaded += r.Size
		}
	}
	return requests, puts, uploaded
}

// BenchmarkIdleRequests counts the S3 requests of an idle database over
// VPSLINK_IDLE_MEASURE (default 10m) and extrapolates to an hour, for our
// replicator with the production litestream.yml and for the official CLI
// with litestream's defaults.
func BenchmarkIdleRequests(b *testing.B) {
	window := 10 * time.Minute
	if v := os.Getenv("VPSLINK_IDLE_MEASURE"); v != "" {
		var err error
		if window, err = time.ParseDuration(v); err != nil {
			b.Fatal(err)
		}
	}
	dir := b.TempDir()
	seedDB(b, filepath.Join(dir, "a.db"), 2000, 200)
	copyDB(b, filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db"))
	procs := []*replicaProcess{
		startOurs(b, filepath.Join(dir, "a.db")),
		startOfficial(b, filepath.Join(dir, "b.db"), defaultsConfig(b), "litestream CLI, litestream defaults"),
	}
	time.Sleep(10 * time.Second) // start-up: first sync and snapshot
	start := time.Now()
	b.ResetTimer()
	time.Sleep(window)
	for _, p := range procs {
		n, _, _ := usage(p, start.Add(time.Second))
		perHour := float64(n) * float64(time.Hour) / float64(window)
		b.Logf("%-40s %d requests in %s idle = %.0f per hour", p.name, n, window, perHour)
		counts := map[string]int{}
		for _, r := range p.srv.RequestsSince(start.Add(time.Second)) {
			counts[r.Operation]++
		}
		b.Logf("%-40s by operation: %v", "", counts)
	}
}

// BenchmarkBytesPerWrite makes the same single scheduled-message writes to
// two copies of a seeded database (2,000 messages), one replicated by us and
// one by the official CLI with the same litestream.yml (and a third with
// litestream's defaults), and compares what each uploads.
func BenchmarkBytesPerWrite(b *testing.B) {
	const writes = 20
	dir := b.TempDir()
	seedDB(b, filepath.Join(dir, "a.db"), 2000, 200)
	copyDB(b, filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db"))
	copyDB(b, filepath.Join(dir, "a.db"), filepath.Join(dir, "c.db"))
	procs := []*replicaProcess{
		startOurs(b, filepath.Join(dir, "a.db")),
		startOfficial(b, filepath.Join(dir, "b.db"), productionConfig(b), "litestream CLI, same litestream.yml"),
		startOfficial(b, filepath.Join(dir, "c.db"), defaultsConfig(b), "litestream CLI, litestream defaults"),
	}
	time.Sleep(8 * time.Second)
	start := time.Now()
	b.ResetTimer()
	for i := 0; i < writes; i++ {
		for _, p := range procs {
			writeOne(b, p.db, i)
		}
		time.Sleep(1500 * time.Millisecond)
	}
	time.Sleep(35 * time.Second) // one compaction period of litestream's defaults
	for _, p := range procs {
		n, puts, bytes := usage(p, start.Add(time.Second))
		b.Logf("%-40s %d writes: %d requests, %d uploads, %d bytes = %.1f KB per write", p.name, writes, n, puts, bytes, float64(bytes)/writes/1000)
	}
}

// BenchmarkRPO measures the time from a commit to its L0 file being in S3.
func BenchmarkRPO(b *testing.B) {
	const writes = 20
	dir := b.TempDir()
	path := filepath.Join(dir, "a.db")
	seedDB(b, path, 2000, 200)
	p := startOurs(b, path)
	client := p.srv.Client()
	count := func() int {
		out, err := client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{
			Bucket: aws.String(p.srv.Bucket), Prefix: aws.String("vpslink/whatsapp.db/0000/"),
		})
		if err != nil {
			return -1
		}
		return int(aws.ToInt32(out.KeyCount))
	}
	time.Sleep(5 * time.Second)
	var rpos []time.Duration
	b.ResetTimer()
	for i := 0; i < writes; i++ {
		before := count()
		writeOne(b, path, i)
		committed := time.Now()
		for count() <= before {
			if time.Since(committed) > 10*time.Second {
				b.Fatalf("write not in S3 after 10s (%d objects): %s", count(), p.log())
			}
			time.Sleep(10 * time.Millisecond)
		}
		rpos = append(rpos, time.Since(committed))
		time.Sleep(500 * time.Millisecond)
	}
	sort.Slice(rpos, func(i, j int) bool { return rpos[i] < rpos[j] })
	b.Logf("RPO over %d single writes: min %s, median %s, max %s", writes, rpos[0].Round(time.Millisecond), rpos[writes/2].Round(time.Millisecond), rpos[writes-1].Round(time.Millisecond))
}

// BenchmarkRestore300MB times restoring a 300 MB database from loopback S3
// with `vpslink restore`'s code (a process, as the CLI runs) and with the
// official CLI.
func BenchmarkRestore300MB(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "big.db")
	seedDB(b, path, 210_000, 1000)
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	p := startOurs(b, path)
	client := p.srv.Client()
	waitFor(b, 5*time.Minute, "the snapshot in S3", func() bool {
		out, err := client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{
			Bucket: aws.String(p.srv.Bucket), Prefix: aws.String("vpslink/whatsapp.db/0009/"),
		})
		return err == nil && aws.ToInt32(out.KeyCount) > 0
	})
	e := &env{t: b, srv: p.srv, db: path, vars: p.env()}
	b.ResetTimer()
	start := time.Now()
	out, err := e.restore(time.Time{})
	if err != nil {
		b.Fatal(err)
	}
	ours := time.Since(start)
	start = time.Now()
	official := e.restoreOfficial()
	theirs := time.Since(start)
	b.StopTimer()
	for _, f := range []string{out, official} {
		got, err := os.Stat(f)
		if err != nil || got.Size() < fi.Size()/2 {
			b.Fatalf("restored %s: %v", f, err)
		}
	}
	b.Logf("%d MB database: vpslink restore %s (incl. integrity_check), litestream restore %s", fi.Size()>>20, ours.Round(10*time.Millisecond), theirs.Round(10*time.Millisecond))
}
