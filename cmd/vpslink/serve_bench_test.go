package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

// BenchmarkServeMillionPending starts `vpslink serve --sender dryrun` on a
// database with 1,000,000 pending messages, one of them due, and measures
// the time from process start to the first dry-run line and the process's
// peak resident memory (VmHWM) at that point.
func BenchmarkServeMillionPending(b *testing.B) {
	dir := b.TempDir()
	bin := buildBinary(b, dir)
	ctx := context.Background()
	path := filepath.Join(dir, "whatsapp.db")
	db := storetest.Open(b, storetest.WithPath(path), storetest.WithClock(time.Now))
	storetest.CreateContact(b, db, &vpslink.Contact{Phone: "491511234567", Name: "Bench"})
	now := time.Now().UTC()
	err := db.UpdateQuiet(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000)
			INSERT INTO scheduled_messages (id, to_phone, message, scheduled_at, status, created_at, updated_at)
			SELECT printf('bench%07d', x), '491511234567', 'bench ' || x,
			       CASE WHEN x = 500000 THEN ?1 ELSE strftime('%Y-%m-%dT%H:%M:%fZ', ?2, '+' || x || ' seconds') END,
			       'pending', ?1, ?1 FROM c`, vpslink.FormatTime(now), vpslink.FormatTime(now.Add(time.Hour)))
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	db.Close()
	for i := range b.N {
		logPath := filepath.Join(dir, "dryrun"+strconv.Itoa(i)+".jsonl")
		cmd := exec.Command(bin, "serve", "--sender", "dryrun", "--listen", "127.0.0.1:0")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "VPSLINK_DB="+path, "VPSLINK_DRYRUN_LOG="+logPath,
			"VPSLINK_REPLICATE=off", "VPSLINK_CONFIG=/dev/null", "VPSLINK_MAX_SENDS_PER_MINUTE=0",
			"VPSLINK_LOG_LEVEL=error")
		t := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		for {
			if fi, err := os.Stat(logPath); err == nil && fi.Size() > 0 {
				break
			}
			if time.Since(t) > time.Minute {
				cmd.Process.Kill()
				b.Fatal("no dispatch within a minute")
			}
			time.Sleep(time.Millisecond)
		}
		el := time.Since(t)
		status, _ := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/status")
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		b.ReportMetric(el.Seconds(), "s-to-first-dispatch")
		for _, line := range strings.Split(string(status), "\n") {
			if f := strings.Fields(line); len(f) == 3 && f[0] == "VmHWM:" {
				kb, _ := strconv.Atoi(f[1])
				b.ReportMetric(float64(kb)/1024, "peak-RSS-MB")
			}
		}
		// Put the sent message back so the next iteration dispatches again.
		db := storetest.Open(b, storetest.WithPath(path), storetest.WithClock(time.Now))
		db.UpdateQuiet(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM deliveries; UPDATE scheduled_messages SET status = 'pending' WHERE id = 'bench0500000'`)
			return err
		})
		db.Close()
	}
}
