package ui_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/vpslink/vpslink/api"
	"github.com/vpslink/vpslink/ui"
)

// fakeBackups stands in for the snapshot job, which the cmd/vpslink tests
// run against a directory target.
type fakeBackups struct{ snapshots []ui.Snapshot }

func (f *fakeBackups) Target() string { return "s3://bucket/backups" }
func (f *fakeBackups) List(context.Context) ([]ui.Snapshot, error) {
	return f.snapshots, nil
}
func (f *fakeBackups) BackupNow(context.Context) (ui.Snapshot, error) {
	s := ui.Snapshot{Key: "whatsapp_20261127_120000.db.gz", Time: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC),
		Size: 2048, Tiers: []string{"hourly", "daily"}, Keep: true}
	f.snapshots = append([]ui.Snapshot{s}, f.snapshots...)
	return s, nil
}
func (f *fakeBackups) Verify(_ context.Context, key string) (string, error) {
	if key == "latest" && len(f.snapshots) > 0 {
		return f.snapshots[0].Key + " is good.", nil
	}
	return "", errors.New("no snapshot " + key)
}

func TestBackupsPage(t *testing.T) {
	b := &fakeBackups{}
	e := newEnv(t, func(_ *api.Config, u *ui.Config) { u.Backups = b })
	e.login()
	e.get("/backups").mustStatus(t, http.StatusOK).mustContain(t, "s3://bucket/backups", "No snapshots yet", `id="backup-now"`)
	e.post("/backups/now", nil).mustStatus(t, http.StatusOK).
		mustContain(t, `id="backup-result"`, "whatsapp_20261127_120000.db.gz", "hourly", "2.0 KiB")
	e.post("/backups/verify", url.Values{"key": {"latest"}}).mustStatus(t, http.StatusOK).mustContain(t, "is good")
	e.post("/backups/verify", url.Values{"key": {"whatsapp_2020.db.gz"}}).mustStatus(t, http.StatusBadGateway).
		mustContain(t, "no snapshot whatsapp_2020.db.gz")
}

func TestBackupsPageWithoutSnapshots(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.get("/backups").mustStatus(t, http.StatusOK).mustContain(t, "not configured")
	e.post("/backups/now", nil).mustStatus(t, http.StatusConflict)
}
