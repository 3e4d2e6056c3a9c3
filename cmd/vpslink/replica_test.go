package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/internal/tooltest"
	"github.com/vpslink/vpslink/store"
)

// TestServe_ReplicaAfterCrash runs serve with its replicate child and the
// default file replica, lets it send a burst (commits written into the
// zero-filled WAL that serve reserves), SIGKILLs it, and restores the
// replica with the official litestream CLI: the copy holds every send's
// outcome and passes `vpslink db check`.
func TestServe_ReplicaAfterCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	litestream := tooltest.Built(t, "litestream")
	bin, dir, db := serviceSetup(t)
	ctx := context.Background()
	const n = 200
	due := time.Now().Add(time.Second)
	err := db.Update(ctx, func(tx *store.Tx) error {
		for i := range n {
			m := &vpslink.ScheduledMessage{ToPhone: "491510000001", Message: fmt.Sprint("burst ", i), ScheduledAt: due}
			if err := tx.CreateMessage(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	s := startProcess(t, bin, dir, "VPSLINK_REPLICATE=child", dryRunDelayEnv+"=0s")
	defer s.kill()
	waitFor(t, db, "the burst to be sent", func() bool {
		return count(t, db, `SELECT count(*) FROM scheduled_messages WHERE status = 'sent'`) == n
	})
	restored := filepath.Join(t.TempDir(), "restored.db")
	restore := func() (int, error) {
		os.Remove(restored)
		cmd := exec.Command(litestream, "restore", "-o", restored, "file://"+filepath.Join(dir, "replica"))
		if b, err := cmd.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("litestream restore: %v: %s", err, b)
		}
		copy, err := store.OpenReadOnly(ctx, restored)
		if err != nil {
			return 0, err
		}
		defer copy.Close()
		var sent int
		err = copy.Reader().QueryRow(`SELECT count(*) FROM scheduled_messages WHERE status = 'sent'`).Scan(&sent)
		return sent, err
	}
	deadline := time.Now().Add(20 * time.Second)
	for sent, err := restore(); sent != n; sent, err = restore() {
		if time.Now().After(deadline) {
			t.Fatalf("the replica restores with %d of %d sent (%v)", sent, n, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	s.kill()
	if fi, err := os.Stat(filepath.Join(dir, "whatsapp.db-wal")); err != nil || fi.Size() < 32<<20 {
		t.Fatalf("serve did not reserve its WAL: %v, %v", fi, err)
	}
	if out, err := runCLI(t, "--db", restored, "db", "check"); err != nil {
		t.Fatalf("db check of the restored copy: %v\n%s", err, out)
	}
}
