// Package tune sets the Go runtime for the long-running service: how often
// the collector runs and how many threads run Go code at once.
package tune

import (
	"os"
	"runtime"
	"runtime/debug"
)

// GCPercent is the GOGC the service runs with. Its live heap is a few
// megabytes, so the default of 100 collects every few megabytes allocated:
// under API load, several times per second of CPU, which took a fifth of
// the CPU of a list request. 400 lets the heap grow to five times the live
// data, tens of megabytes, for a fraction of the collections.
const GCPercent = 400

// Procs is the GOMAXPROCS the service runs with: one thread runs its Go
// code at a time. With one per core (Go's default), a request arriving
// while the server's thread is busy wakes a second thread for it, and on a
// small host whose cores are all busy (the replication sidecar, the UI,
// other services, or a load generator) that thread waits for the kernel's
// next tick, 4 ms at 250 Hz: the pending list's p99 at 4 clients on two
// cores was 3.7-4.0 ms with two and 1.8-2.3 ms with one (BENCHMARKS.md).
// Calls into SQLite hand the processor on while they last, so sends and
// creates lose less than the list gains: 15-20% of the creates a second at
// 16 clients, 5-10% of a burst's sends, ceilings far above the pace of one
// WhatsApp account.
const Procs = 1

// GC applies GCPercent unless GOGC is set in the environment, which
// always wins.
func GC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(GCPercent)
	}
}

// ForService applies GC and Procs, each unless its variable (GOGC,
// GOMAXPROCS) is set in the environment.
func ForService() {
	GC()
	if _, set := os.LookupEnv("GOMAXPROCS"); !set {
		runtime.GOMAXPROCS(Procs)
	}
}
