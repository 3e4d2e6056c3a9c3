package ui_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink"
)

// The job page shows the quiet hours the job's steps wait out, or that
// they are off.
func TestJobPageShowsQuietHours(t *testing.T) {
	e := newEnv(t)
	e.login()
	j := &vpslink.Job{ScheduledStartAt: time.Date(2026, 12, 24, 9, 0, 0, 0, time.UTC), Recipients: []string{"351911111111"},
		MessageParts: []vpslink.MessagePart{{Text: "hi"}}}
	if err := e.db.CreateJob(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ settings, want string }{
		{`{"quiet_hours":false}`, `<dd id="job-quiet">off</dd>`},
		{`{"quiet_hours":true,"quiet_start":"21:30","quiet_end":"07:00","default_timezone":"Europe/Lisbon"}`,
			`<dd id="job-quiet">21:30–07:00 in each recipient's time zone (else Europe/Lisbon)`},
	} {
		var changes map[string]json.RawMessage
		json.Unmarshal([]byte(tc.settings), &changes)
		if _, _, err := e.db.UpdateSettings(context.Background(), changes); err != nil {
			t.Fatal(err)
		}
		if res := e.get("/jobs/" + j.ID); !strings.Contains(res.body, tc.want) {
			t.Errorf("with %s the job page lacks %s", tc.settings, tc.want)
		}
	}
}
