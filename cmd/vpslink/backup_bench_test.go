package main

import (
	"bytes"
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

	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

// BenchmarkBackupDuringAPIWrites measures what a snapshot costs the
// service. On a 300 MB database (chat history that compresses like real
// text), `vpslink serve --sender dryrun` takes POST /api/messages from one
// client, one every 20 ms: in each iteration first for 5 s idle, then while
// `vpslink backup now` (its own process, as the replicate process is)
// snapshots the database to a directory. It reports the write latencies
// idle and during the snapshots over all iterations, and each snapshot's
// wall time and its process's peak RSS.
//
//	go test -run XXX -bench BackupDuringAPIWrites -benchtime 1x ./cmd/vpslink/
func BenchmarkBackupDuringAPIWrites(b *testing.B) {
	dir := b.TempDir()
	bin := buildBinary(b, dir)
	path := filepath.Join(dir, "whatsapp.db")
	fillChatHistory(b, path, 300<<20)
	syscall.Sync() // idle means no writeback of the database just created

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	env := append(os.Environ(), "VPSLINK_DB="+path, "VPSLINK_REPLICATE=off", "VPSLINK_CONFIG=/dev/null",
		"VPSLINK_API_SECRET=bench-secret", "VPSLINK_LOG_LEVEL=error", "VPSLINK_SNAPSHOT_TARGET="+filepath.Join(dir, "snapshots"))
	serve := exec.Command(bin, "serve", "--sender", "dryrun", "--listen", addr)
	serve.Dir, serve.Env = dir, env
	if err := serve.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { serve.Process.Signal(os.Interrupt); serve.Wait() }()
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Since(start) > 30*time.Second {
			b.Fatal("serve did not start")
		}
	}

	var idle, during []time.Duration
	for b.Loop() {
		idleEnd := make(chan struct{})
		time.AfterFunc(5*time.Second, func() { close(idleEnd) })
		idle = append(idle, postLatencies(b, addr, idleEnd)...)

		backup := exec.Command(bin, "backup", "now")
		backup.Dir, backup.Env = dir, env
		start := time.Now()
		if err := backup.Start(); err != nil {
			b.Fatal(err)
		}
		finished := make(chan struct{})
		var backupErr error
		go func() { backupErr = backup.Wait(); close(finished) }()
		during = append(during, postLatencies(b, addr, finished)...)
		elapsed := time.Since(start)
		if backupErr != nil {
			b.Fatalf("backup now: %v", backupErr)
		}
		peak := backup.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB
		b.Logf("snapshot %.1fs, backup process peak RSS %d MB", elapsed.Seconds(), peak>>10)
		b.ReportMetric(float64(peak)/1024, "MB-backup-peak-rss")
	}
	b.ReportMetric(ms(percentile(idle, 50)), "ms-p50-idle")
	b.ReportMetric(ms(percentile(idle, 99)), "ms-p99-idle")
	b.ReportMetric(ms(percentile(during, 50)), "ms-p50-during")
	b.ReportMetric(ms(percentile(during, 99)), "ms-p99-during")
	b.Logf("POST /api/messages p50/p99: idle %v/%v (%d requests), during snapshots %v/%v (%d requests)",
		percentile(idle, 50), percentile(idle, 99), len(idle), percentile(during, 50), percentile(during, 99), len(during))
}

// fillChatHistory creates the database at path with the store's schema and
// one chat whose messages fill it to size bytes.
func fillChatHistory(b *testing.B, path string, size int64) {
	b.Helper()
	ctx := context.Background()
	db := storetest.Open(b, storetest.WithPath(path), storetest.WithClock(time.Now))
	words := strings.Fields("hallo ja nein morgen heute termin danke bitte genau okay später treffen essen arbeit zuhause schon noch wieder gut super")
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; ; n++ {
		if fi, err := os.Stat(path); err == nil && fi.Size() >= size {
			return
		}
		err := db.UpdateQuiet(ctx, func(tx *store.Tx) error {
			if n == 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO chats (id, name) VALUES ('491511234567@s.whatsapp.net', 'Bench')`); err != nil {
					return err
				}
			}
			stmt, err := tx.PrepareContext(ctx, `INSERT INTO messages (chat_id, message, timestamp) VALUES ('491511234567@s.whatsapp.net', ?, ?)`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for i := range 10000 {
				var text strings.Builder
				for text.Len() < 900 {
					text.WriteString(words[rng.IntN(len(words))] + " ")
				}
				if _, err := stmt.ExecContext(ctx, text.String(), 1700000000+n*10000+i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// postLatencies schedules a message every 20 ms until stop and returns the
// latency of each request.
func postLatencies(b *testing.B, addr string, stop <-chan struct{}) []time.Duration {
	var lat []time.Duration
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	at := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	for n := 0; ; n++ {
		select {
		case <-stop:
			return lat
		case <-tick.C:
		}
		body := fmt.Sprintf(`{"to_phone":"491511234567","message":"bench %d","scheduled_at":%q}`, n, at)
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/api/messages", bytes.NewBufferString(body))
		req.Header.Set("X-API-Secret", "bench-secret")
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			b.Fatalf("POST /api/messages: %s", resp.Status)
		}
		lat = append(lat, time.Since(start))
	}
}

func percentile(lat []time.Duration, p int) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
