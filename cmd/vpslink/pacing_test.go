package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
)

// TestService_AutomaticModeTypingTimes runs a job in automatic mode (the
// configuration's default) through the service's HTTP API and reads the
// dry-run log: each part's typing time lies within the configured range
// and grows with the text.
func TestService_AutomaticModeTypingTimes(t *testing.T) {
	cfg := serviceConfig(t)
	cfg.JobAutomaticMode = true
	cfg.TypingCPS = 20
	cfg.HumanizeMinDelay, cfg.HumanizeMaxDelay = seconds(1), seconds(4)
	s := openService(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runDone := make(chan error, 1)
	go func() { runDone <- s.Run(ctx) }()

	// 30 characters type for 1.5 s ±20 %, 60 for 3 s ±20 %: the ranges do
	// not overlap, so the second is longer whatever the jitter.
	short, long := strings.Repeat("a", 30), strings.Repeat("b", 60)
	body := fmt.Sprintf(`{"scheduled_start_at":%q,"recipients":["491511234567"],
		"message_parts":[{"text":%q,"delayAfterSeconds":0},{"text":%q}]}`, vpslink.FormatTime(time.Now()), short, long)
	postAPI(t, s.ln.Addr().String(), cfg.APISecret, "/api/jobs", json.RawMessage(body))
	waitFor(t, s.db, "the job to complete", func() bool {
		return count(t, s.db, `SELECT count(*) FROM jobs WHERE status = 'completed'`) == 1
	})
	cancel()
	if err := <-runDone; err != nil {
		t.Fatalf("run: %v", err)
	}
	var typing []int64
	for _, l := range readDryRun(t, cfg.DryRunLogPath()) {
		if l.Kind == vpslink.SendKindJob {
			for len(typing) <= l.PartIndex {
				typing = append(typing, 0)
			}
			typing[l.PartIndex] = l.TypingMS
		}
	}
	if len(typing) != 2 {
		t.Fatalf("typing times %v, want two parts", typing)
	}
	for i, want := range [][2]int64{{1200, 1800}, {2400, 3600}} {
		if typing[i] < want[0] || typing[i] > want[1] {
			t.Errorf("part %d typed %d ms, want %d-%d", i, typing[i], want[0], want[1])
		}
	}
	if typing[1] <= typing[0] {
		t.Errorf("typing times %v do not grow with the text", typing)
	}
}
