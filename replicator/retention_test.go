package replicator

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// snap returns the snapshot name of a "2006-01-02 15:04" UTC time.
func snap(t *testing.T, s string) string {
	t.Helper()
	ts, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		t.Fatal(err)
	}
	return SnapshotName(ts)
}

func TestApplyRetention(t *testing.T) {
	type kept map[string][]string // snapshot time -> reasons; absent = removed
	for _, tt := range []struct {
		name   string
		policy RetentionPolicy
		times  []string
		want   kept
	}{
		{
			name:   "gaps of missing days do not use up slots",
			policy: RetentionPolicy{Daily: 3},
			times:  []string{"2026-01-01 10:00", "2026-01-01 22:00", "2026-01-03 05:00", "2026-01-07 12:00", "2026-01-07 18:00"},
			want:   kept{"2026-01-07 18:00": {"daily"}, "2026-01-03 05:00": {"daily"}, "2026-01-01 22:00": {"daily"}},
		},
		{
			// 2026-12-28 .. 2027-01-03 is ISO week 2026-W53; a calendar-year
			// week number would split it in two.
			name:   "ISO weeks across a new year",
			policy: RetentionPolicy{Weekly: 3},
			times:  []string{"2026-12-27 12:00", "2026-12-28 12:00", "2027-01-01 12:00", "2027-01-03 12:00", "2027-01-04 12:00"},
			want:   kept{"2027-01-04 12:00": {"weekly"}, "2027-01-03 12:00": {"weekly"}, "2026-12-27 12:00": {"weekly"}},
		},
		{
			name:   "months of different lengths",
			policy: RetentionPolicy{Monthly: 4},
			times:  []string{"2027-01-31 23:00", "2027-02-28 23:00", "2027-03-01 00:00", "2027-03-31 23:00", "2027-04-30 23:59", "2027-05-01 00:00"},
			want:   kept{"2027-05-01 00:00": {"monthly"}, "2027-04-30 23:59": {"monthly"}, "2027-03-31 23:00": {"monthly"}, "2027-02-28 23:00": {"monthly"}},
		},
		{
			name:   "a snapshot kept by several tiers counts in each",
			policy: RetentionPolicy{Hourly: 2, Daily: 2, Weekly: 2, Monthly: 1, Yearly: 2},
			times:  []string{"2025-12-31 23:00", "2026-01-01 09:00", "2026-01-01 10:00", "2026-01-01 10:30", "2026-01-02 08:00", "2026-01-02 09:00"},
			want: kept{
				"2026-01-02 09:00": {"hourly", "daily", "weekly", "monthly", "yearly"},
				"2026-01-02 08:00": {"hourly"},
				"2026-01-01 10:30": {"daily"},
				// 2025-12-31 is in ISO week 2026-W01 like 2026-01-02, so
				// only the year tells it apart.
				"2025-12-31 23:00": {"yearly"},
			},
		},
		{
			name:   "fewer periods than slots keeps everything newest per period",
			policy: RetentionPolicy{Hourly: 24, Daily: 7, Weekly: 4, Monthly: 12, Yearly: 10},
			times:  []string{"2026-11-27 10:00", "2026-11-27 11:00", "2026-11-27 11:30"},
			want: kept{
				"2026-11-27 11:30": {"hourly", "daily", "weekly", "monthly", "yearly"},
				"2026-11-27 10:00": {"hourly"},
			},
		},
		{
			name:   "newest kept even when only an old tier is enabled",
			policy: RetentionPolicy{Yearly: 1},
			times:  []string{"2020-06-01 00:00", "2026-01-01 00:00", "2026-11-27 11:00"},
			want:   kept{"2026-11-27 11:00": {"yearly"}},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var keys []string
			for _, s := range tt.times {
				keys = append(keys, "backups/"+snap(t, s))
			}
			keys = append(keys, "backups/README.txt", "backups/whatsapp_latest.db.gz")
			decisions, err := ApplyRetention(keys, tt.policy)
			if err != nil {
				t.Fatal(err)
			}
			if len(decisions) != len(tt.times) {
				t.Fatalf("got %d decisions, want %d (non-snapshot keys must be left out)", len(decisions), len(tt.times))
			}
			got := kept{}
			for i, d := range decisions {
				if i > 0 && d.Time.After(decisions[i-1].Time) {
					t.Fatalf("decisions not newest first: %v after %v", d.Time, decisions[i-1].Time)
				}
				if d.Keep != (len(d.Reasons) > 0) {
					t.Fatalf("%s: keep=%v with reasons %v", d.Key, d.Keep, d.Reasons)
				}
				if d.Keep {
					got[d.Time.Format("2006-01-02 15:04")] = d.Reasons
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("kept:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestParseRetentionPolicy(t *testing.T) {
	for _, tt := range []struct {
		in      string
		want    RetentionPolicy
		wantErr string
	}{
		{in: DefaultRetention, want: RetentionPolicy{Hourly: 24, Daily: 7, Weekly: 4, Monthly: 12}},
		{in: " yearly=3 , daily=1", want: RetentionPolicy{Daily: 1, Yearly: 3}},
		{in: "", wantErr: "keeps no snapshot"},
		{in: "hourly=0,daily=0", wantErr: "keeps no snapshot"},
		{in: "minutely=5", wantErr: "unknown tier"},
		{in: "daily=-1", wantErr: "non-negative"},
		{in: "daily", wantErr: "tier=count"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRetentionPolicy(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to mention %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
			if again, err := ParseRetentionPolicy(got.String()); err != nil || again != got {
				t.Fatalf("String() %q does not round trip: %+v, %v", got.String(), again, err)
			}
		})
	}
	if _, err := ApplyRetention([]string{SnapshotName(time.Now())}, RetentionPolicy{}); err == nil {
		t.Fatal("ApplyRetention accepted an empty policy")
	}
}

// TestRetentionSimulatedYear takes an hourly snapshot through 2026 and prunes
// after each one, as the snapshot job does, then checks the survivors by hand.
func TestRetentionSimulatedYear(t *testing.T) {
	policy, err := ParseRetentionPolicy(DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for now := start; now.Year() == 2026; now = now.Add(time.Hour) {
		keys = append(keys, SnapshotName(now))
		decisions, err := ApplyRetention(keys, policy)
		if err != nil {
			t.Fatal(err)
		}
		keys = keys[:0]
		for _, d := range decisions {
			if d.Keep {
				keys = append(keys, d.Key)
			}
		}
		if keys[0] != SnapshotName(now) {
			t.Fatalf("%v: newest snapshot removed", now)
		}
	}

	var want []string
	add := func(ts ...time.Time) {
		for _, t := range ts {
			if name := SnapshotName(t); !slices.Contains(want, name) {
				want = append(want, name)
			}
		}
	}
	for h := 0; h < 24; h++ { // hourly: all of 31 December
		add(time.Date(2026, 12, 31, h, 0, 0, 0, time.UTC))
	}
	for d := 25; d <= 31; d++ { // daily: the last hour of the last 7 days
		add(time.Date(2026, 12, d, 23, 0, 0, 0, time.UTC))
	}
	// weekly: ISO weeks 53 (ends on 31 December), 52 (Sunday 27), 51, 50.
	add(time.Date(2026, 12, 27, 23, 0, 0, 0, time.UTC), time.Date(2026, 12, 20, 23, 0, 0, 0, time.UTC), time.Date(2026, 12, 13, 23, 0, 0, 0, time.UTC))
	for m := time.January; m <= time.December; m++ { // monthly: last hour of each month
		add(time.Date(2026, m+1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Hour))
	}
	slices.Sort(want)
	slices.Sort(keys)
	if len(want) != 43 || !slices.Equal(keys, want) {
		t.Fatalf("after a year kept %d snapshots:\n%v\nwant %d:\n%v", len(keys), keys, len(want), want)
	}
}
