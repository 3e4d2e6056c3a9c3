package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is vpslink's configuration. Precedence: flags > environment >
// vpslink.yml > defaults. The YAML keys are the struct's yaml tags; unknown
// keys are an error so that a typo never silently falls back to a default.
type Config struct {
	DB                string   `yaml:"db"`
	Listen            string   `yaml:"listen"`
	APISecret         string   `yaml:"api_secret"`
	AllowedIPs        []string `yaml:"allowed_ips"`
	TrustedProxies    []string `yaml:"trusted_proxies"`
	MetricsListen     string   `yaml:"metrics_listen"`
	Sender            string   `yaml:"sender"`
	DryRunLog         string   `yaml:"dryrun_log"`
	SessionDB         string   `yaml:"session_db"`
	LitestreamConfig  string   `yaml:"litestream_config"`
	Replicate         string   `yaml:"replicate"`
	SafetyPoll        Duration `yaml:"safety_poll"`
	MaxLateness       Duration `yaml:"max_lateness"`
	MaxSendsPerMinute int      `yaml:"max_sends_per_minute"`
	GapJitter         Duration `yaml:"gap_jitter"`
	WhatsAppTyping    Duration `yaml:"whatsapp_typing"`
	LogLevel          string   `yaml:"log_level"`

	SnapshotTarget         string   `yaml:"snapshot_target"`
	SnapshotInterval       Duration `yaml:"snapshot_interval"`
	SnapshotLocalRetention Duration `yaml:"snapshot_local_retention"`
	Retention              string   `yaml:"retention"`
}

// Duration is a time.Duration written as "15m" in YAML and the environment.
type Duration struct{ time.Duration }

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration like 90s, 15m or 6h", n.Line, n.Value)
	}
	d.Duration = v
	return nil
}

// DefaultConfig returns the embedded defaults: a local database, a file
// replica, the WhatsApp sender, loopback only.
func DefaultConfig() *Config {
	return &Config{
		DB:                     filepath.Join("data", "whatsapp.db"),
		Listen:                 "127.0.0.1:3001",
		AllowedIPs:             []string{"127.0.0.0/8", "::1"},
		Sender:                 "whatsapp",
		Replicate:              "child",
		SafetyPoll:             Duration{15 * time.Minute},
		MaxLateness:            Duration{6 * time.Hour},
		MaxSendsPerMinute:      20,
		LogLevel:               "info",
		SnapshotInterval:       Duration{time.Hour},
		SnapshotLocalRetention: Duration{24 * time.Hour},
		Retention:              "hourly=24,daily=7,weekly=4,monthly=12",
	}
}

// LoadConfig reads defaults, then the YAML file (path, or VPSLINK_CONFIG, or
// ./vpslink.yml when it exists), then the environment.
func LoadConfig(path string) (*Config, error) {
	cfg := DefaultConfig()
	explicit := path != ""
	if !explicit {
		path, explicit = os.LookupEnv("VPSLINK_CONFIG")
	}
	if !explicit {
		path = "vpslink.yml"
	}
	if err := cfg.readFile(path, explicit); err != nil {
		return nil, err
	}
	if err := cfg.readEnv(os.LookupEnv); err != nil {
		return nil, err
	}
	return cfg, cfg.validate()
}

func (c *Config) readFile(path string, mustExist bool) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !mustExist {
		return nil
	} else if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("config %s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return nil
}

// readEnv applies the environment variables of SPEC §2 and §9.
func (c *Config) readEnv(lookup func(string) (string, bool)) error {
	strs := map[string]*string{
		"VPSLINK_DB":              &c.DB,
		"VPSLINK_LISTEN":          &c.Listen,
		"VPSLINK_API_SECRET":      &c.APISecret,
		"VPSLINK_METRICS_LISTEN":  &c.MetricsListen,
		"VPSLINK_SENDER":          &c.Sender,
		"VPSLINK_DRYRUN_LOG":      &c.DryRunLog,
		"VPSLINK_SESSION_DB":      &c.SessionDB,
		"LITESTREAM_CONFIG":       &c.LitestreamConfig,
		"VPSLINK_REPLICATE":       &c.Replicate,
		"VPSLINK_LOG_LEVEL":       &c.LogLevel,
		"VPSLINK_SNAPSHOT_TARGET": &c.SnapshotTarget,
		"VPSLINK_RETENTION":       &c.Retention,
	}
	for name, p := range strs {
		if v, ok := lookup(name); ok {
			*p = v
		}
	}
	lists := map[string]*[]string{
		"VPSLINK_ALLOWED_IPS":     &c.AllowedIPs,
		"VPSLINK_TRUSTED_PROXIES": &c.TrustedProxies,
	}
	for name, p := range lists {
		if v, ok := lookup(name); ok {
			*p = splitList(v)
		}
	}
	durations := map[string]*Duration{
		"VPSLINK_SAFETY_POLL":              &c.SafetyPoll,
		"VPSLINK_MAX_LATENESS":             &c.MaxLateness,
		"VPSLINK_GAP_JITTER":               &c.GapJitter,
		"VPSLINK_WHATSAPP_TYPING":          &c.WhatsAppTyping,
		"VPSLINK_SNAPSHOT_INTERVAL":        &c.SnapshotInterval,
		"VPSLINK_SNAPSHOT_LOCAL_RETENTION": &c.SnapshotLocalRetention,
	}
	for name, p := range durations {
		if v, ok := lookup(name); ok {
			if v == "0" {
				v = "0s"
			}
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("%s: %q is not a duration like 90s, 15m or 6h", name, v)
			}
			p.Duration = d
		}
	}
	if v, ok := lookup("VPSLINK_MAX_SENDS_PER_MINUTE"); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("VPSLINK_MAX_SENDS_PER_MINUTE: %q is not a whole number", v)
		}
		c.MaxSendsPerMinute = n
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (c *Config) validate() error {
	switch c.Sender {
	case "whatsapp", "dryrun":
	default:
		return fmt.Errorf("sender: %q is not whatsapp or dryrun", c.Sender)
	}
	switch c.Replicate {
	case "child", "external", "off":
	default:
		return fmt.Errorf("replicate: %q is not child, external or off", c.Replicate)
	}
	if c.DB == "" {
		return fmt.Errorf("db: must not be empty")
	}
	if c.SafetyPoll.Duration < time.Second {
		return fmt.Errorf("safety_poll: %s is too short (at least 1s)", c.SafetyPoll)
	}
	if c.MaxLateness.Duration < 0 {
		return fmt.Errorf("max_lateness: must not be negative")
	}
	if c.WhatsAppTyping.Duration < 0 || c.WhatsAppTyping.Duration > time.Minute {
		return fmt.Errorf("whatsapp_typing: %s is not between 0s and 1m", c.WhatsAppTyping)
	}
	if c.MaxSendsPerMinute < 0 {
		return fmt.Errorf("max_sends_per_minute: must not be negative (0 = no cap)")
	}
	return nil
}

// DataDir is the directory of the database: the home of the secret file,
// the session store, the dry-run log, the file replica and local backups.
func (c *Config) DataDir() string { return filepath.Dir(c.DB) }

// DryRunLogPath returns where the dry-run sender writes ("-" is stdout).
func (c *Config) DryRunLogPath() string {
	if c.DryRunLog != "" {
		return c.DryRunLog
	}
	return filepath.Join(c.DataDir(), "dryrun.jsonl")
}

// SessionDBPath returns the WhatsApp session store's path.
func (c *Config) SessionDBPath() string {
	if c.SessionDB != "" {
		return c.SessionDB
	}
	return filepath.Join(c.DataDir(), "session.db")
}

// LitestreamConfigPath returns the litestream config to use, or "" for the
// default file replica under <datadir>/replica.
func (c *Config) LitestreamConfigPath() string {
	if c.LitestreamConfig != "" {
		return c.LitestreamConfig
	}
	if _, err := os.Stat("litestream.yml"); err == nil {
		return "litestream.yml"
	}
	return ""
}
