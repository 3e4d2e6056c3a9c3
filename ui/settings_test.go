package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
)

// TestSettingsPage: the page shows each setting and its source; a save
// keeps only the changed values; a bad value shows next to its field and
// saves nothing.
func TestSettingsPage(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.get("/settings").mustStatus(t, http.StatusOK).mustContain(t, `name="typing_cps"`, `value="5"`, "(config)")

	form := url.Values{}
	s, _, err := e.db.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range s.SettingValues() {
		if v == "true" {
			form.Set(name, "1")
		} else if v != "false" {
			form.Set(name, v)
		}
	}
	form.Set("quiet_start", "22:00")
	form.Set("typing_cps", "7")
	form.Set("quiet_hours", "1")

	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("max_retries", "9")
	bad.Set("min_delay_seconds", "50") // above max_delay_seconds
	e.post("/settings", bad).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, `id="max_delay_seconds-error"`, `aria-invalid="true"`)
	if s, _, _ := e.db.Settings(context.Background()); s.MaxRetries == 9 {
		t.Fatal("a refused save changed a setting")
	}

	e.post("/settings", form).mustStatus(t, http.StatusSeeOther)
	e.get("/settings?saved=1").mustStatus(t, http.StatusOK).mustContain(t, `id="settings-saved"`, "(saved)")
	got, sources, err := e.db.Settings(context.Background())
	if err != nil || got.TypingCPS != 7 || !got.QuietHours || sources["typing_cps"] != "saved" || sources["max_retries"] != "config" {
		t.Fatalf("after save: %+v %v %v", got, sources, err)
	}
}
