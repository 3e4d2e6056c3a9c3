package gc

import (
	"runtime/debug"
	"testing"
)

func TestTuneForService(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  string // "" = unset
		want int
	}{
		{"default", "", ServicePercent},
		{"GOGC wins", "150", 100}, // the runtime read GOGC at start; Tune leaves it
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv("GOGC", tt.env)
			}
			old := debug.SetGCPercent(100)
			defer debug.SetGCPercent(old)
			TuneForService()
			if got := debug.SetGCPercent(100); got != tt.want {
				t.Fatalf("GOGC %d, want %d", got, tt.want)
			}
		})
	}
}
