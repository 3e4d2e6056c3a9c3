package replicator_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vpslink/vpslink/internal/s3test"
	"github.com/vpslink/vpslink/replicator"
)

// TestReplication runs the replicate child under a supervisor against a
// real S3 server, over HTTP and over TLS with the CA in AWS_CA_BUNDLE, and
// restores with vpslink and with the official litestream CLI.
func TestReplication(t *testing.T) {
	for _, tt := range []struct {
		name   string
		opts   []s3test.Option
		outage bool // also stop S3 for 30 s during writes
	}{
		{name: "http", outage: true},
		{name: "tls", opts: []s3test.Option{s3test.WithTLS()}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := s3test.Start(t, tt.opts...)
			e := newEnv(t, srv)
			db := openDB(t, e.db)
			insert(t, db, 1, 50)

			sup := replicator.NewSupervisor(replicator.SupervisorConfig{
				Executable:     os.Args[0],
				Args:           []string{},
				Env:            append([]string{"VPSLINK_TEST_PROCESS=replicate"}, e.vars...),
				MinBackoff:     100 * time.Millisecond,
				ScrapeInterval: 100 * time.Millisecond,
				Logger:         slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
			})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- sup.Run(ctx) }()
			t.Cleanup(func() {
				cancel()
				<-done
			})

			e.waitRestorable(rowsOf(t, db), 20*time.Second)
			checkMetrics(t, sup)
			if got, want := dump(t, e.restoreOfficial()), rowsOf(t, db); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("official litestream restore has %d rows, want %d", len(got), len(want))
			}

			// Point in time: the state before the second batch.
			time.Sleep(1100 * time.Millisecond)
			pointInTime, before := time.Now(), rowsOf(t, db)
			time.Sleep(1100 * time.Millisecond)
			insert(t, db, 51, 50)
			e.waitRestorable(rowsOf(t, db), 10*time.Second)
			out, err := e.restore(pointInTime)
			if err != nil {
				t.Fatal(err)
			}
			if got := dump(t, out); len(got) != len(before) {
				t.Fatalf("restore at %s has %d rows, want %d", pointInTime.Format(time.RFC3339Nano), len(got), len(before))
			}

			// The child is killed; the supervisor restarts it.
			pid := sup.PID()
			if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			waitFor(t, 10*time.Second, "a restarted child", func() bool {
				return sup.Up() && sup.PID() != pid && sup.Restarts() == 1
			})
			insert(t, db, 101, 10)
			e.waitRestorable(rowsOf(t, db), 10*time.Second)

			if tt.outage {
				testOutage(t, e, sup, db)
			}
		})
	}
}

// testOutage stops S3 for 30 s while rows keep being written, checks that
// the lag shows it, and that everything is in the replica soon after S3
// returns.
func testOutage(t *testing.T, e *env, sup *replicator.Supervisor, db *sql.DB) {
	e.srv.Stop()
	start, id := time.Now(), 1000
	var peak time.Duration
	for time.Since(start) < 30*time.Second {
		insert(t, db, id, 1)
		id++
		time.Sleep(time.Second)
		if lag, ok := sup.Lag(); ok && lag > peak {
			peak = lag
		}
	}
	if peak < 20*time.Second {
		t.Errorf("lag peaked at %s during a 30 s outage", peak)
	}
	if !sup.Up() {
		t.Error("replicator not up during the S3 outage")
	}
	e.srv.Restart()
	caughtUp := e.waitRestorable(rowsOf(t, db), 20*time.Second)
	t.Logf("S3 down 30 s: lag peaked at %s; replica complete %s after S3 returned", peak.Round(time.Millisecond), caughtUp.Round(time.Millisecond))
	waitFor(t, 20*time.Second, "the lag back at 0", func() bool {
		lag, ok := sup.Lag()
		return ok && lag == 0
	})
}

// TestParentKilled SIGKILLs a stand-in for serve right after a write: the
// write is in the replica and the replicate child does not outlive it.
func TestParentKilled(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	e := newEnv(t, srv)
	db := openDB(t, e.db)
	insert(t, db, 1, 5)

	cmd := exec.Command(os.Args[0])
	cmd.Env = append(append(os.Environ(), e.vars...), "VPSLINK_TEST_PROCESS=supervise")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() {
		t.Fatalf("supervisor printed no child pid: %v", sc.Err())
	}
	var child int
	if _, err := fmt.Sscanf(sc.Text(), "child %d", &child); err != nil {
		t.Fatal(err)
	}
	e.waitRestorable(rowsOf(t, db), 20*time.Second)

	insert(t, db, 6, 1)
	time.Sleep(2 * time.Second) // the RPO
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	waitFor(t, 5*time.Second, "the orphaned child to die", func() bool { return !alive(child) })

	out, err := e.restore(time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := dump(t, out), rowsOf(t, db); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("after SIGKILL the replica has %d rows, want %d", len(got), len(want))
	}
}

// checkMetrics checks that the supervisor serves the child's litestream
// and vpslink metrics with its own, and none of the child's Go runtime ones.
func checkMetrics(t *testing.T, sup *replicator.Supervisor) {
	t.Helper()
	families, err := prometheus.Gatherers{prometheus.NewRegistry(), sup}.Gather()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]float64{}
	for _, mf := range families {
		if len(mf.Metric) > 0 {
			m := mf.Metric[0]
			have[mf.GetName()] = m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	for name, want := range map[string]float64{"vpslink_replicator_up": 1, "vpslink_replication_lag_seconds": 0, "vpslink_replicator_restarts_total": 0} {
		if got, ok := have[name]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", name, got, ok, want)
		}
	}
	if _, ok := have["litestream_txid"]; !ok {
		t.Error("litestream_txid missing")
	}
	if _, ok := have["go_goroutines"]; ok {
		t.Error("the child's go_* metrics would clash with serve's")
	}
}

func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(timeout); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
	}
}

// alive reports whether pid is a live process (a zombie is dead).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z" && fields[0] != "X"
}
