package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLoadConfig_Precedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "vpslink.yml")
	os.WriteFile(file, []byte("db: /from/file.db\nlisten: 127.0.0.1:4000\nsafety_poll: 5m\nallowed_ips: [10.0.0.0/8]\n"), 0o600)
	t.Setenv("VPSLINK_LISTEN", "127.0.0.1:5000")
	t.Setenv("VPSLINK_MAX_LATENESS", "0")
	cfg, err := LoadConfig(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ got, want any }{
		{cfg.DB, "/from/file.db"},
		{cfg.Listen, "127.0.0.1:5000"},
		{cfg.SafetyPoll.Duration, 5 * time.Minute},
		{cfg.MaxLateness.Duration, time.Duration(0)},
		{cfg.AllowedIPs[0], "10.0.0.0/8"},
		{cfg.MaxSendsPerMinute, 20},
		{cfg.DataDir(), "/from"},
		{cfg.SessionDBPath(), "/from/session.db"},
	} {
		if c.got != c.want {
			t.Errorf("got %v, want %v", c.got, c.want)
		}
	}
}

func TestLoadConfig_Errors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, env, want string
	}{
		{"unknown key", "dbpath: x\n", "", "field dbpath not found"},
		{"bad duration", "safety_poll: soon\n", "", "not a duration"},
		{"bad sender", "sender: sms\n", "", "sender"},
		{"bad replicate", "", "VPSLINK_REPLICATE=always", "replicate"},
		{"bad env number", "", "VPSLINK_MAX_SENDS_PER_MINUTE=many", "VPSLINK_MAX_SENDS_PER_MINUTE"},
		{"bad env duration", "", "VPSLINK_SAFETY_POLL=1 hour", "VPSLINK_SAFETY_POLL"},
		{"tiny safety poll", "safety_poll: 1ms\n", "", "safety_poll"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "vpslink.yml")
			os.WriteFile(file, []byte(tc.yaml), 0o600)
			if k, v, ok := strings.Cut(tc.env, "="); ok {
				t.Setenv(k, v)
			}
			_, err := LoadConfig(file)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// The example file documents every key and holds the defaults.
func TestExampleConfigMatchesDefaults(t *testing.T) {
	cfg, err := LoadConfig(filepath.Join("..", "..", "vpslink.example.yml"))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	// An empty list in YAML reads as an empty slice, not nil.
	want.TrustedProxies = []string{}
	want.CORSAllowedOrigins = []string{}
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("example file:\n%+v\ndefaults:\n%+v", cfg, want)
	}
}
