package replicator

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Tier names, in the order restic applies them and reports them.
var tierNames = []string{"hourly", "daily", "weekly", "monthly", "yearly"}

// DefaultRetention is the default of the retention key (docs/backups.md).
const DefaultRetention = "hourly=24,daily=7,weekly=4,monthly=12"

// RetentionPolicy is how many distinct periods of each tier keep a snapshot.
// Zero disables a tier.
type RetentionPolicy struct {
	Hourly, Daily, Weekly, Monthly, Yearly int
}

// ParseRetentionPolicy parses "hourly=24,daily=7,...". Unknown tiers, negative
// counts and a policy that keeps nothing are refused: an empty policy would
// delete every snapshot.
func ParseRetentionPolicy(s string) (RetentionPolicy, error) {
	var p RetentionPolicy
	for _, field := range strings.Split(s, ",") {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		name, value, ok := strings.Cut(field, "=")
		if !ok {
			return RetentionPolicy{}, fmt.Errorf("retention %q: want tier=count", field)
		}
		n, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil || n < 0 {
			return RetentionPolicy{}, fmt.Errorf("retention %q: count must be a non-negative integer", field)
		}
		count := p.count(strings.TrimSpace(name))
		if count == nil {
			return RetentionPolicy{}, fmt.Errorf("retention %q: unknown tier (want one of %s)", field, strings.Join(tierNames, ", "))
		}
		*count = n
	}
	if err := p.Validate(); err != nil {
		return RetentionPolicy{}, err
	}
	return p, nil
}

// Validate refuses a policy that keeps nothing.
func (p RetentionPolicy) Validate() error {
	if p.Hourly+p.Daily+p.Weekly+p.Monthly+p.Yearly == 0 {
		return fmt.Errorf("retention policy keeps no snapshot: set at least one of %s", strings.Join(tierNames, ", "))
	}
	return nil
}

func (p *RetentionPolicy) count(tier string) *int {
	switch tier {
	case "hourly":
		return &p.Hourly
	case "daily":
		return &p.Daily
	case "weekly":
		return &p.Weekly
	case "monthly":
		return &p.Monthly
	case "yearly":
		return &p.Yearly
	}
	return nil
}

func (p RetentionPolicy) String() string {
	var parts []string
	for _, tier := range tierNames {
		if n := *p.count(tier); n > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", tier, n))
		}
	}
	return strings.Join(parts, ",")
}

// period maps a UTC time to an identifier of its period in a tier.
var periods = map[string]func(time.Time) int{
	"hourly":  func(t time.Time) int { return ((t.Year()*100+int(t.Month()))*100+t.Day())*100 + t.Hour() },
	"daily":   func(t time.Time) int { return (t.Year()*100+int(t.Month()))*100 + t.Day() },
	"weekly":  func(t time.Time) int { y, w := t.ISOWeek(); return y*100 + w },
	"monthly": func(t time.Time) int { return t.Year()*100 + int(t.Month()) },
	"yearly":  func(t time.Time) int { return t.Year() },
}

// Decision is what retention does with one snapshot and why.
type Decision struct {
	Key     string    `json:"key"`
	Time    time.Time `json:"time"`
	Keep    bool      `json:"keep"`
	Reasons []string  `json:"reasons"`
	Size    int64     `json:"size,omitempty"` // filled in from a target listing
}

// ApplyRetention decides, with restic's forget semantics in UTC, which
// snapshots to keep. Snapshots are walked newest first; each tier keeps the
// newest snapshot of each of its last N distinct periods that have one, and a
// snapshot kept by several tiers counts in each. The newest snapshot is
// therefore always kept by every enabled tier. Keys that do not parse as
// snapshot names are left out of the result: retention never touches them.
// The result is ordered newest first.
func ApplyRetention(keys []string, p RetentionPolicy) ([]Decision, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	decisions := make([]Decision, 0, len(keys))
	for _, key := range keys {
		t, err := ParseSnapshotName(key)
		if err != nil {
			continue
		}
		decisions = append(decisions, Decision{Key: key, Time: t, Reasons: []string{}})
	}
	sort.SliceStable(decisions, func(i, j int) bool {
		if !decisions[i].Time.Equal(decisions[j].Time) {
			return decisions[i].Time.After(decisions[j].Time)
		}
		return decisions[i].Key > decisions[j].Key
	})

	for _, tier := range tierNames {
		remaining := *p.count(tier)
		last, seen := 0, false
		for i := range decisions {
			if remaining == 0 {
				break
			}
			if id := periods[tier](decisions[i].Time); !seen || id != last {
				last, seen = id, true
				remaining--
				decisions[i].Keep = true
				decisions[i].Reasons = append(decisions[i].Reasons, tier)
			}
		}
	}
	return decisions, nil
}
