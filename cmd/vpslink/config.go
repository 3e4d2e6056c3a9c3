package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/vpslink/vpslink"
	"gopkg.in/yaml.v3"
)

// Config is vpslink's configuration. Precedence: flags > environment >
// vpslink.yml > defaults. Each field's yaml tag is its key in the file,
// its env tag its environment variable, and its doc comment the text of
// docs/configuration.md and vpslink.example.yml, which are generated from
// this struct. Unknown keys are an error so that a typo never silently
// falls back to a default.
type Config struct {
	// SQLite database. Its directory is the data directory: api-secret,
	// session.db, dryrun.jsonl, replica/, backups/.
	DB string `yaml:"db" env:"VPSLINK_DB"`
	// HTTP API listen address. Loopback unless you say so.
	Listen string `yaml:"listen" env:"VPSLINK_LISTEN"`
	// Shared secret for the API, and what the web UI's sign-in asks for;
	// prefer the environment. Empty on a
	// loopback listener: a random secret is created once in
	// <datadir>/api-secret (mode 0600). Empty on any other listener:
	// vpslink refuses to start.
	APISecret string `yaml:"api_secret" env:"VPSLINK_API_SECRET"`
	// Client IPs and CIDRs allowed to call the API and open the web UI
	// (comma-separated in the environment). Checked against the TCP peer.
	AllowedIPs []string `yaml:"allowed_ips" env:"VPSLINK_ALLOWED_IPS"`
	// Reverse proxies whose X-Forwarded-For is honoured, and whose
	// X-Forwarded-Proto: https marks the web UI's session cookie Secure.
	// None by default: both headers are ignored.
	TrustedProxies []string `yaml:"trusted_proxies" env:"VPSLINK_TRUSTED_PROXIES"`
	// Browser origins (scheme://host[:port]) whose pages may call the API
	// (CORS; comma-separated in the environment); "*" allows any. None by
	// default. The secret is still required.
	CORSAllowedOrigins []string `yaml:"cors_allowed_origins" env:"VPSLINK_CORS_ALLOWED_ORIGINS"`
	// Serve /metrics on a separate address too, without authentication,
	// e.g. for a Prometheus on a private network. Empty: only on listen.
	MetricsListen string `yaml:"metrics_listen" env:"VPSLINK_METRICS_LISTEN"`
	// whatsapp sends through the paired account; dryrun writes each send
	// as a JSON line to dryrun_log instead.
	Sender string `yaml:"sender" env:"VPSLINK_SENDER"`
	// Dry-run log; "-" is stdout. Empty: <datadir>/dryrun.jsonl.
	DryRunLog string `yaml:"dryrun_log" env:"VPSLINK_DRYRUN_LOG"`
	// WhatsApp session store, its own SQLite file. Empty:
	// <datadir>/session.db.
	SessionDB string `yaml:"session_db" env:"VPSLINK_SESSION_DB"`
	// Litestream configuration. Empty: ./litestream.yml if present, else a
	// file replica in <datadir>/replica.
	LitestreamConfig string `yaml:"litestream_config" env:"LITESTREAM_CONFIG"`
	// child: serve runs and supervises `vpslink replicate`; external:
	// another process or container replicates; off: no replication.
	Replicate string `yaml:"replicate" env:"VPSLINK_REPLICATE"`
	// The scheduler sleeps until the next due message; this is only a
	// safety re-read of the schedule.
	SafetyPoll Duration `yaml:"safety_poll" env:"VPSLINK_SAFETY_POLL"`
	// Messages and jobs due longer ago than this are not sent but marked
	// failed ("missed by ..."); 0s = no limit.
	MaxLateness Duration `yaml:"max_lateness" env:"VPSLINK_MAX_LATENESS"`
	// At most this many sends a minute, messages and jobs together; 0 = no
	// cap.
	MaxSendsPerMinute int `yaml:"max_sends_per_minute" env:"VPSLINK_MAX_SENDS_PER_MINUTE"`
	// Random extra wait up to this long added to each job's recipient gap,
	// so broadcasts look less mechanical; 0s = none.
	GapJitter Duration `yaml:"gap_jitter" env:"VPSLINK_GAP_JITTER"`
	// Starting values of the sending settings; values saved through the
	// API, `vpslink settings set` or the web UI win over these and survive
	// restarts. New jobs pace like a person (automatic intervalMode) unless
	// their config says "manual".
	JobAutomaticMode bool `yaml:"job_automatic_mode" env:"VPSLINK_JOB_AUTOMATIC_MODE"`
	// Manual-mode pause after a job part whose delayAfterSeconds is null.
	JobPartDelay Duration `yaml:"job_part_delay" env:"VPSLINK_JOB_PART_DELAY"`
	// Gap between a job's recipients when its config gives none.
	JobRecipientGap Duration `yaml:"job_recipient_gap" env:"VPSLINK_JOB_RECIPIENT_GAP"`
	// maxRetries of a job whose config gives none.
	JobMaxRetries int `yaml:"job_max_retries" env:"VPSLINK_JOB_MAX_RETRIES"`
	// Automatic mode shows "typing..." before each part and jitters its
	// delays; false paces automatic jobs without the indicator.
	Humanize bool `yaml:"humanize" env:"VPSLINK_HUMANIZE"`
	// Shortest "typing..." and automatic pause.
	HumanizeMinDelay Duration `yaml:"humanize_min_delay" env:"VPSLINK_HUMANIZE_MIN_DELAY"`
	// Longest "typing..." and automatic pause, at most 5m: the queue
	// waits while "typing..." shows.
	HumanizeMaxDelay Duration `yaml:"humanize_max_delay" env:"VPSLINK_HUMANIZE_MAX_DELAY"`
	// Typing speed in characters per second: how long "typing..." shows
	// for a text.
	TypingCPS float64 `yaml:"typing_cps" env:"VPSLINK_TYPING_CPS"`
	// Quiet hours in the recipient's time zone, e.g. "22:00-08:00": jobs
	// wait until the window ends. Empty: none.
	QuietHours string `yaml:"quiet_hours" env:"VPSLINK_QUIET_HOURS"`
	// Time zone of recipients whose contact has none (IANA name).
	DefaultTimezone string `yaml:"default_timezone" env:"VPSLINK_DEFAULT_TIMEZONE"`
	// Single scheduled messages wait during quiet hours too.
	QuietHoursMessages bool `yaml:"quiet_hours_messages" env:"VPSLINK_QUIET_HOURS_MESSAGES"`
	// Region (ISO 3166 code) national phone numbers are read in: with
	// GB, "07700 900127" is +44 7700 900127. Empty: a national number is
	// refused and must be given with its country code. Used by the API,
	// the CLI, the web UI and the importer alike.
	PhoneRegion string `yaml:"phone_region" env:"VPSLINK_PHONE_REGION"`
	// debug, info, warn or error.
	LogLevel string `yaml:"log_level" env:"VPSLINK_LOG_LEVEL"`

	// Where hourly snapshots go: s3://bucket/prefix or a directory. Empty:
	// the litestream replica's bucket under backups/, or
	// <datadir>/snapshots with a file replica.
	SnapshotTarget string `yaml:"snapshot_target" env:"VPSLINK_SNAPSHOT_TARGET"`
	// How often to snapshot, aligned to the clock.
	SnapshotInterval Duration `yaml:"snapshot_interval" env:"VPSLINK_SNAPSHOT_INTERVAL"`
	// How long local copies in <datadir>/backups are kept; they are also
	// the upload queue while S3 is unreachable.
	SnapshotLocalRetention Duration `yaml:"snapshot_local_retention" env:"VPSLINK_SNAPSHOT_LOCAL_RETENTION"`
	// Tiered retention of the remote snapshots: hourly, daily, weekly,
	// monthly and yearly counts.
	Retention string `yaml:"retention" env:"VPSLINK_RETENTION"`
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
	def := vpslink.DefaultSettings()
	return &Config{
		DB:                     filepath.Join("data", "whatsapp.db"),
		Listen:                 "127.0.0.1:3001",
		AllowedIPs:             []string{"127.0.0.0/8", "::1"},
		Sender:                 "whatsapp",
		Replicate:              "child",
		SafetyPoll:             Duration{15 * time.Minute},
		MaxLateness:            Duration{6 * time.Hour},
		MaxSendsPerMinute:      def.MaxSendsPerMinute,
		JobRecipientGap:        seconds(def.RecipientGapSeconds),
		JobMaxRetries:          def.MaxRetries,
		Humanize:               def.Humanize,
		HumanizeMinDelay:       seconds(def.MinDelaySeconds),
		HumanizeMaxDelay:       seconds(def.MaxDelaySeconds),
		TypingCPS:              def.TypingCPS,
		DefaultTimezone:        def.DefaultTimezone,
		PhoneRegion:            "GB",
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

// readEnv applies the environment variable named by each field's env tag.
func (c *Config) readEnv(lookup func(string) (string, bool)) error {
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Tag.Get("env")
		s, ok := lookup(name)
		if !ok {
			continue
		}
		if err := setFromEnv(v.Field(i).Addr().Interface(), s); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// setFromEnv parses one environment value into a Config field. A field of
// another type panics, which TestConfigEnv_EveryField catches.
func setFromEnv(field any, s string) error {
	switch p := field.(type) {
	case *string:
		*p = s
	case *[]string:
		*p = splitList(s)
	case *int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		*p = n
	case *bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		*p = b
	case *float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", s)
		}
		*p = f
	case *Duration:
		if s == "0" {
			s = "0s"
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("%q is not a duration like 90s, 15m or 6h", s)
		}
		p.Duration = d
	default:
		panic(fmt.Sprintf("config: no environment parser for %T", field))
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
	if c.MaxSendsPerMinute < 0 {
		return fmt.Errorf("max_sends_per_minute: must not be negative (0 = no cap)")
	}
	// The phone rules live on the domain types, which every command calls;
	// the region is theirs to hold.
	if err := vpslink.SetPhoneRegion(c.PhoneRegion); err != nil {
		return fmt.Errorf("phone_region: %w", err)
	}
	if _, err := c.Settings(); err != nil {
		return err
	}
	return nil
}

func seconds(n int) Duration { return Duration{time.Duration(n) * time.Second} }

// Settings returns the sending settings' starting values, checked by the
// same rules as a value saved through the API.
func (c *Config) Settings() (vpslink.Settings, error) {
	s := vpslink.DefaultSettings()
	s.AutomaticMode = c.JobAutomaticMode
	s.PartDelaySeconds = int(c.JobPartDelay.Seconds())
	s.RecipientGapSeconds = int(c.JobRecipientGap.Seconds())
	s.MaxRetries = c.JobMaxRetries
	s.Humanize = c.Humanize
	s.MinDelaySeconds = int(c.HumanizeMinDelay.Seconds())
	s.MaxDelaySeconds = int(c.HumanizeMaxDelay.Seconds())
	s.TypingCPS = c.TypingCPS
	s.DefaultTimezone = c.DefaultTimezone
	s.QuietForMessages = c.QuietHoursMessages
	s.MaxSendsPerMinute = c.MaxSendsPerMinute
	if c.QuietHours != "" {
		start, end, ok := strings.Cut(c.QuietHours, "-")
		if !ok {
			return s, fmt.Errorf("quiet_hours: %q is not a window like 22:00-08:00", c.QuietHours)
		}
		s.QuietHours, s.QuietStart, s.QuietEnd = true, strings.TrimSpace(start), strings.TrimSpace(end)
	}
	if err := s.Validate(); err != nil {
		return s, fmt.Errorf("sending settings: %w", err)
	}
	return s, nil
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
