package api_test

import (
	"net/http"
	"testing"

	"github.com/vpslink/vpslink"
)

type settingsData struct {
	Settings vpslink.Settings  `json:"settings"`
	Sources  map[string]string `json:"sources"`
}

// TestSettings_SavedWinsAndSurvivesRestart: the configuration gives the
// starting values, a saved value wins, survives a restart and says so in
// sources, null gives the configuration's value back.
func TestSettings_SavedWinsAndSurvivesRestart(t *testing.T) {
	e := newEnv(t)
	e.db.SettingsBase.RecipientGapSeconds = 45 // as if from the configuration
	var got settingsData
	e.do(req{path: "/api/settings"}).ok(t, 200, &got)
	if got.Settings.RecipientGapSeconds != 45 || got.Sources["recipient_gap_seconds"] != vpslink.SettingFromConfig {
		t.Fatalf("before: %+v", got)
	}

	e.do(req{method: http.MethodPut, path: "/api/settings", body: `{"recipient_gap_seconds": 10, "quiet_hours": true, "quiet_start": "23:30"}`}).ok(t, 200, &got)
	if got.Settings.RecipientGapSeconds != 10 || !got.Settings.QuietHours || got.Settings.QuietStart != "23:30" ||
		got.Sources["recipient_gap_seconds"] != vpslink.SettingFromSaved || got.Sources["max_retries"] != vpslink.SettingFromConfig {
		t.Fatalf("after PUT: %+v", got)
	}

	e.restart()
	e.db.SettingsBase.RecipientGapSeconds = 45
	e.do(req{path: "/api/settings"}).ok(t, 200, &got)
	if got.Settings.RecipientGapSeconds != 10 || got.Sources["recipient_gap_seconds"] != vpslink.SettingFromSaved {
		t.Fatalf("after restart: %+v", got)
	}

	e.do(req{method: http.MethodPut, path: "/api/settings", body: `{"recipient_gap_seconds": null}`}).ok(t, 200, &got)
	if got.Settings.RecipientGapSeconds != 45 || got.Sources["recipient_gap_seconds"] != vpslink.SettingFromConfig {
		t.Fatalf("after reset: %+v", got)
	}
}

// TestSettings_BadValueSavesNothing: each field is checked, and the
// settings as a whole; one bad value keeps every other one from saving.
func TestSettings_BadValueSavesNothing(t *testing.T) {
	for _, tc := range []struct{ body, field string }{
		{`{"max_retries": 2, "typing_cps": 0}`, "typing_cps"},
		{`{"max_retries": 2, "min_delay_seconds": 9, "max_delay_seconds": 3}`, "max_delay_seconds"},
		{`{"max_retries": 2, "quiet_start": "25:00"}`, "quiet_start"},
		{`{"max_retries": 2, "default_timezone": "Mars/Olympus"}`, "default_timezone"},
		{`{"max_retries": 2, "recipient_gap_seconds": -1}`, "recipient_gap_seconds"},
		{`{"max_retries": 2, "humanize": "yes"}`, "humanize"},
		{`{"max_retries": 2, "colour": "blue"}`, "colour"},
		{`[1]`, "body"},
	} {
		t.Run(tc.field, func(t *testing.T) {
			e := newEnv(t)
			e.do(req{method: http.MethodPut, path: "/api/settings", body: tc.body}).fails(t, 400, "VALIDATION_ERROR", tc.field)
			var got settingsData
			e.do(req{path: "/api/settings"}).ok(t, 200, &got)
			if got.Settings.MaxRetries != vpslink.DefaultSettings().MaxRetries || got.Sources["max_retries"] != vpslink.SettingFromConfig {
				t.Fatalf("half-applied: %+v", got)
			}
		})
	}
}
