package ops

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpslink/vpslink/internal/tooltest"
)

const installOpsTools = ".ci/install-ops-tools"

func promtool(t *testing.T, args ...string) {
	t.Helper()
	bin := tooltest.Installed(t, "promtool", installOpsTools)
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func TestPromtoolCheckRules(t *testing.T) {
	promtool(t, "check", "rules", "prometheus/alerts.yml")
}

func TestPromtoolTestRules(t *testing.T) {
	promtool(t, "test", "rules", "prometheus/alerts.test.yml")
}

// TestPromtoolCheckConfig checks the scrape configuration with the secret
// file it names made to exist, as compose provides it.
func TestPromtoolCheckConfig(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "api-secret")
	if err := os.WriteFile(secret, []byte("s3cret"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := scrapeConfig(t, "vpslink:3001", secret, "15s")
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	copyFile(t, "prometheus/alerts.yml", filepath.Join(dir, "alerts.yml"))
	promtool(t, "check", "config", filepath.Join(dir, "prometheus.yml"))
}

// scrapeConfig returns the shipped prometheus.yml with its target, secret
// file and scrape interval replaced, and fails if any of them is not found:
// the live test must scrape with the configuration users get.
func scrapeConfig(t *testing.T, target, secretFile, interval string) string {
	t.Helper()
	cfg := readFile(t, "prometheus/prometheus.yml")
	for _, r := range []struct{ old, new string }{
		{`"vpslink:3001"`, `"` + target + `"`},
		{"/run/secrets/vpslink_api_secret", secretFile},
		{"scrape_interval: 15s", "scrape_interval: " + interval},
		{"evaluation_interval: 15s", "evaluation_interval: " + interval},
	} {
		if !strings.Contains(cfg, r.old) {
			t.Fatalf("prometheus.yml no longer contains %s", r.old)
		}
		cfg = strings.ReplaceAll(cfg, r.old, r.new)
	}
	return cfg
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.WriteFile(dst, []byte(readFile(t, src)), 0o644); err != nil {
		t.Fatal(err)
	}
}
