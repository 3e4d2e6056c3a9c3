package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLI_Settings: the environment gives a starting value, `settings set`
// saves values that win over it, a bad value saves nothing, null resets.
func TestCLI_Settings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "whatsapp.db")
	t.Setenv("VPSLINK_JOB_RECIPIENT_GAP", "45s")
	mustRunCLI(t, "db", "migrate", "--db", path)
	get := func() settingsView {
		t.Helper()
		var v settingsView
		if err := json.Unmarshal([]byte(mustRunCLI(t, "settings", "get", "--json", "--db", path)), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := get(); v.Settings.RecipientGapSeconds != 45 || v.Sources["recipient_gap_seconds"] != "config" {
		t.Fatalf("from the environment: %+v", v)
	}
	mustRunCLI(t, "settings", "set", "recipient_gap_seconds=12", "quiet_start=21:30", "automatic_mode=true", "--db", path)
	v := get()
	if v.Settings.RecipientGapSeconds != 12 || v.Settings.QuietStart != "21:30" || !v.Settings.AutomaticMode ||
		v.Sources["recipient_gap_seconds"] != "saved" {
		t.Fatalf("after set: %+v", v)
	}
	if _, err := runCLI(t, "settings", "set", "max_retries=5", "typing_cps=-1", "--db", path); err == nil ||
		!strings.Contains(err.Error(), "typing_cps") {
		t.Fatalf("bad value: %v", err)
	}
	if v := get(); v.Settings.MaxRetries != 3 {
		t.Fatalf("a bad set half-applied: %+v", v)
	}
	mustRunCLI(t, "settings", "set", "recipient_gap_seconds=null", "--db", path)
	if v := get(); v.Settings.RecipientGapSeconds != 45 || v.Sources["recipient_gap_seconds"] != "config" {
		t.Fatalf("after reset: %+v", v)
	}
	out := mustRunCLI(t, "settings", "get", "--db", path)
	if !strings.Contains(out, "quiet_start") || !strings.Contains(out, "saved") {
		t.Fatalf("table:\n%s", out)
	}
}
