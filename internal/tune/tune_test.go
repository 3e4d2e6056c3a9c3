package tune

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestForService(t *testing.T) {
	for _, tt := range []struct {
		name      string
		env       map[string]string
		wantGC    int
		wantProcs int
	}{
		{"defaults", nil, GCPercent, Procs},
		// The runtime read the variables at start; ForService leaves them.
		{"GOGC wins", map[string]string{"GOGC": "150"}, 100, Procs},
		{"GOMAXPROCS wins", map[string]string{"GOMAXPROCS": "3"}, GCPercent, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			oldGC := debug.SetGCPercent(100)
			defer debug.SetGCPercent(oldGC)
			oldProcs := runtime.GOMAXPROCS(3)
			defer runtime.GOMAXPROCS(oldProcs)
			ForService()
			if got := debug.SetGCPercent(100); got != tt.wantGC {
				t.Errorf("GOGC %d, want %d", got, tt.wantGC)
			}
			if got := runtime.GOMAXPROCS(0); got != tt.wantProcs {
				t.Errorf("GOMAXPROCS %d, want %d", got, tt.wantProcs)
			}
		})
	}
}

// GC alone, as the in-process load generator uses it, leaves the
// processors to the runtime.
func TestGC_LeavesProcs(t *testing.T) {
	oldGC := debug.SetGCPercent(100)
	defer debug.SetGCPercent(oldGC)
	old := runtime.GOMAXPROCS(3)
	defer runtime.GOMAXPROCS(old)
	GC()
	if got := runtime.GOMAXPROCS(0); got != 3 {
		t.Fatalf("GOMAXPROCS %d, want 3", got)
	}
}
