// Package gc sets the garbage collector for the long-running service.
package gc

import (
	"os"
	"runtime/debug"
)

// ServicePercent is the GOGC the service runs with. Its live heap is a few
// megabytes, so the default of 100 collects every few megabytes allocated:
// under API load, several times per second of CPU, which took a fifth of
// the CPU of a list request. 400 lets the heap grow to five times the live
// data, tens of megabytes, for a fraction of the collections.
const ServicePercent = 400

// TuneForService applies ServicePercent unless GOGC is set in the
// environment, which always wins.
func TuneForService() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(ServicePercent)
	}
}
