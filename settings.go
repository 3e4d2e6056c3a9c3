package vpslink

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Interval modes of a job (JobConfig.IntervalMode), named as the user's own
// system stored them.
const (
	IntervalAutomatic = "automatic"
	IntervalManual    = "manual"
)

// Where a setting's value comes from.
const (
	SettingFromConfig = "config" // configuration file, environment or built-in default
	SettingFromSaved  = "saved"  // saved through the API, CLI or web UI; wins over config
)

// Settings are the sending preferences a user changes while vpslink runs.
// The configuration gives their starting values; a value saved through the
// API, the CLI or the web UI wins and survives restarts. Each field's json
// name is its key in the API and its key in the settings table.
type Settings struct {
	// Job defaults: what a new job gets when its config leaves them out.
	AutomaticMode       bool `json:"automatic_mode"`
	PartDelaySeconds    int  `json:"part_delay_seconds"`
	RecipientGapSeconds int  `json:"recipient_gap_seconds"`
	MaxRetries          int  `json:"max_retries"`

	// Humanization of automatic-mode jobs: "typing…" before each part for
	// the text's length at TypingCPS, clamped to [MinDelaySeconds,
	// MaxDelaySeconds] and jittered; the same range paces parts without an
	// explicit delay.
	Humanize        bool    `json:"humanize"`
	MinDelaySeconds int     `json:"min_delay_seconds"`
	MaxDelaySeconds int     `json:"max_delay_seconds"`
	TypingCPS       float64 `json:"typing_cps"`

	// Quiet hours: between QuietStart and QuietEnd ("22:00", "08:00") in
	// the recipient's time zone (the contact's, else DefaultTimezone) jobs
	// wait; single messages too when QuietForMessages is set.
	QuietHours       bool   `json:"quiet_hours"`
	QuietStart       string `json:"quiet_start"`
	QuietEnd         string `json:"quiet_end"`
	DefaultTimezone  string `json:"default_timezone"`
	QuietForMessages bool   `json:"quiet_for_messages"`

	// MaxSendsPerMinute caps sends, messages and jobs together; 0 = none.
	MaxSendsPerMinute int `json:"max_sends_per_minute"`
}

// QuietWindow is the quiet hours a job's steps wait out, as the job's API
// record and page show them.
type QuietWindow struct {
	Start string `json:"start"`
	End   string `json:"end"`
	// DefaultTimezone is the zone of recipients whose contact has none,
	// and of groups.
	DefaultTimezone string `json:"default_timezone"`
}

// JobQuietHours returns the quiet hours jobs wait out now, nil when off.
func (s Settings) JobQuietHours() *QuietWindow {
	if !s.QuietHours {
		return nil
	}
	return &QuietWindow{Start: s.QuietStart, End: s.QuietEnd, DefaultTimezone: s.DefaultTimezone}
}

// DefaultSettings are the built-in starting values, the ones the user's own
// system had: a 30 s recipient gap, typing at about 5 characters a second
// shown for 2 to 8 seconds.
func DefaultSettings() Settings {
	return Settings{
		RecipientGapSeconds: 30,
		MaxRetries:          3,
		Humanize:            true,
		MinDelaySeconds:     2,
		MaxDelaySeconds:     8,
		TypingCPS:           5,
		QuietStart:          "22:00",
		QuietEnd:            "08:00",
		DefaultTimezone:     "UTC",
		MaxSendsPerMinute:   20,
	}
}

// Bounds of the settings, far beyond sensible use but short of overflow.
const (
	maxDelaySetting = 24 * 60 * 60 // one day, in seconds
	maxTypingDelay  = 5 * 60       // typing holds the queue: at most 5 minutes
	maxRetries      = 100
	maxTypingCPS    = 1000
	maxSendRate     = 10000
)

// Validate checks every setting, naming the field of the first bad one.
func (s *Settings) Validate() error {
	checks := []struct {
		field string
		v, lo int
		hi    int
	}{
		{"part_delay_seconds", s.PartDelaySeconds, 0, maxDelaySetting},
		{"recipient_gap_seconds", s.RecipientGapSeconds, 0, maxDelaySetting},
		{"max_retries", s.MaxRetries, 0, maxRetries},
		{"min_delay_seconds", s.MinDelaySeconds, 0, maxTypingDelay},
		{"max_delay_seconds", s.MaxDelaySeconds, 0, maxTypingDelay},
		{"max_sends_per_minute", s.MaxSendsPerMinute, 0, maxSendRate},
	}
	for _, c := range checks {
		if c.v < c.lo || c.v > c.hi {
			return FieldError(c.field, "must be between %d and %d", c.lo, c.hi)
		}
	}
	if s.MaxDelaySeconds < s.MinDelaySeconds {
		return FieldError("max_delay_seconds", "must not be less than min_delay_seconds (%d)", s.MinDelaySeconds)
	}
	if !(s.TypingCPS > 0 && s.TypingCPS <= maxTypingCPS) { // also refuses NaN
		return FieldError("typing_cps", "must be more than 0 and at most %d characters a second", maxTypingCPS)
	}
	if _, err := ParseClock("quiet_start", s.QuietStart); err != nil {
		return err
	}
	if _, err := ParseClock("quiet_end", s.QuietEnd); err != nil {
		return err
	}
	if s.QuietStart == s.QuietEnd && s.QuietHours {
		return FieldError("quiet_end", "must differ from quiet_start")
	}
	if s.DefaultTimezone == "" {
		return FieldError("default_timezone", "is required")
	}
	_, err := LoadLocation("default_timezone", s.DefaultTimezone)
	return err
}

// SettingNames lists the settings' keys in declaration order.
func SettingNames() []string {
	t := reflect.TypeFor[Settings]()
	names := make([]string, t.NumField())
	for i := range names {
		names[i] = jsonName(t.Field(i))
	}
	return names
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// SettingValues returns each setting's value as JSON text, keyed by name:
// the form the settings table stores.
func (s *Settings) SettingValues() map[string]string {
	v := reflect.ValueOf(s).Elem()
	out := make(map[string]string, v.NumField())
	for i := range v.NumField() {
		b, _ := json.Marshal(v.Field(i).Interface()) // bools, numbers, strings: never fails
		out[jsonName(v.Type().Field(i))] = string(b)
	}
	return out
}

// SetValue sets the setting called name from its JSON text.
func (s *Settings) SetValue(name, value string) error {
	v := reflect.ValueOf(s).Elem()
	for i := range v.NumField() {
		if jsonName(v.Type().Field(i)) != name {
			continue
		}
		f := v.Field(i)
		if f.Kind() == reflect.String && !strings.HasPrefix(value, `"`) {
			f.SetString(value) // the CLI's key=value needs no JSON quotes
			return nil
		}
		if err := json.Unmarshal([]byte(value), f.Addr().Interface()); err != nil {
			return FieldError(name, "%s is not a %s", value, kindName(f.Kind()))
		}
		return nil
	}
	return FieldError(name, "is not a setting (settings are %s)", strings.Join(SettingNames(), ", "))
}

func kindName(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "boolean (true or false)"
	case reflect.Int:
		return "whole number"
	case reflect.Float64:
		return "number"
	}
	return "string"
}

// ParseClock parses a time of day "HH:MM" and returns minutes after
// midnight.
func ParseClock(field, s string) (int, error) {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return 0, FieldError(field, "%q is not a time of day like 22:00", s)
	}
	if _, err := fmt.Sscanf(s, "%2d:%2d", &h, &m); err != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, FieldError(field, "%q is not a time of day like 22:00", s)
	}
	return h*60 + m, nil
}

// JobConfig is the config a new job starts from; the fields its request
// gives are merged over it (JobConfigUpdate.Apply).
func (s Settings) JobConfig() JobConfig {
	mode := IntervalManual
	if s.AutomaticMode {
		mode = IntervalAutomatic
	}
	return JobConfig{RecipientGapSeconds: s.RecipientGapSeconds, MaxRetries: s.MaxRetries, IntervalMode: mode}
}

// SettingInput turns a value typed as text (the CLI's NAME=VALUE, a web
// form field) into the JSON a settings change takes: numbers, true, false
// and null as they are, any other text as a string.
func SettingInput(text string) json.RawMessage {
	if json.Valid([]byte(text)) {
		return json.RawMessage(text)
	}
	b, _ := json.Marshal(text) // a string: never fails
	return b
}
