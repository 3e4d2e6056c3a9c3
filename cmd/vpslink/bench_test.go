package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store/storetest"
)

// buildBinary compiles vpslink into dir and returns its path.
func buildBinary(tb testing.TB, dir string) string {
	tb.Helper()
	bin := filepath.Join(dir, "vpslink")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// The whole process of `vpslink contacts list --json` over 1,000 contacts:
// start, open read-only, query, print, exit.
func BenchmarkContactsListProcess(b *testing.B) {
	dir := b.TempDir()
	bin := buildBinary(b, dir)
	path := filepath.Join(dir, "whatsapp.db")
	db := storetest.Open(b, storetest.WithPath(path), storetest.WithClock(time.Now))
	for i := range 1000 {
		c := &vpslink.Contact{Phone: fmt.Sprintf("49151%08d", i), Name: fmt.Sprintf("Contact %04d", i),
			Aliases: []string{fmt.Sprintf("c%d", i)}, Tags: []string{"bench"}}
		storetest.CreateContact(b, db, c)
	}
	db.Close()
	d := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		cmd := exec.Command(bin, "contacts", "list", "--json", "--limit", "1000", "--db", path)
		if out, err := cmd.Output(); err != nil || len(out) < 100_000 {
			b.Fatalf("%v: %d bytes", err, len(out))
		}
		d = append(d, time.Since(start))
	}
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(d[len(d)*99/100].Microseconds())/1000, "p99-ms")
}
