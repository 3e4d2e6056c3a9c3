package api_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/vpslink/vpslink"
)

// A job's record shows the quiet hours its steps wait out, as the settings
// say now: null when they are off.
func TestJobDetail_QuietHours(t *testing.T) {
	e := newEnv(t)
	var j vpslink.Job
	e.do(req{method: "POST", path: "/api/jobs", body: `{"scheduled_start_at":"2026-12-24T09:00:00Z",
		"recipients":["491511234567"],"message_parts":[{"text":"hi","delayAfterSeconds":null}]}`}).ok(t, 201, &j)
	for _, tc := range []struct {
		settings string
		want     *vpslink.QuietWindow
	}{
		{`{"quiet_hours":false}`, nil},
		{`{"quiet_hours":true,"quiet_start":"21:30","quiet_end":"07:00","default_timezone":"Europe/Berlin"}`,
			&vpslink.QuietWindow{Start: "21:30", End: "07:00", DefaultTimezone: "Europe/Berlin"}},
	} {
		var changes map[string]json.RawMessage
		json.Unmarshal([]byte(tc.settings), &changes)
		if _, _, err := e.db.UpdateSettings(context.Background(), changes); err != nil {
			t.Fatal(err)
		}
		var detail struct {
			QuietHours *vpslink.QuietWindow `json:"quiet_hours"`
		}
		e.do(req{path: "/api/jobs/" + j.ID}).ok(t, 200, &detail)
		if (detail.QuietHours == nil) != (tc.want == nil) || (tc.want != nil && *detail.QuietHours != *tc.want) {
			t.Errorf("with %s: quiet_hours %+v, want %+v", tc.settings, detail.QuietHours, tc.want)
		}
	}
}
