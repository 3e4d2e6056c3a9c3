package ops

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vpslink/vpslink/internal/s3test"
	"github.com/vpslink/vpslink/internal/tooltest"
)

// TestLiveScrape runs `vpslink serve` replicating to a real S3 server with
// the shipped litestream.yml, makes it send one message (dry run) and
// answer one API call, then runs Prometheus with the shipped scrape
// configuration and alert rules against it, and checks that every metric
// family in metrics.txt reached Prometheus and that every rule evaluates.
func TestLiveScrape(t *testing.T) {
	if testing.Short() {
		t.Skip("starts vpslink, an S3 server and Prometheus")
	}
	requireFile(t, filepath.Join(root, "litestream.yml"))
	promBin := tooltest.Installed(t, "prometheus", installOpsTools)
	s3 := s3test.Start(t)
	dir := t.TempDir()
	bin := buildVpslink(t, dir)

	const secret = "live-test-secret"
	listen := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	db := filepath.Join(dir, "data", "whatsapp.db")
	litestreamConfig, err := filepath.Abs(filepath.Join(root, "litestream.yml"))
	if err != nil {
		t.Fatal(err)
	}
	env := append(litestreamEnv(db, s3.Endpoint, s3.Bucket, s3.AccessKey, s3.SecretKey),
		"VPSLINK_LISTEN="+listen,
		"VPSLINK_API_SECRET="+secret,
		"VPSLINK_SENDER=dryrun",
		"VPSLINK_DRYRUN_LOG="+filepath.Join(dir, "dryrun.jsonl"),
		"VPSLINK_SNAPSHOT_TARGET="+filepath.Join(dir, "snapshots"),
		"LITESTREAM_CONFIG="+litestreamConfig,
	)
	startProcess(t, dir, "serve.log", env, bin, "serve")
	waitHTTP(t, "http://"+listen+"/healthz", 20*time.Second)

	// One send and one API call, so the send and request series exist.
	at := time.Now().Add(time.Second).UTC().Format(time.RFC3339)
	runVpslink(t, dir, env, bin, "messages", "schedule", "--to", "15551234567", "--at", at, "--message", "ops live test")
	getWithSecret(t, "http://"+listen+"/health", secret)

	secretFile := filepath.Join(dir, "api-secret")
	if err := os.WriteFile(secretFile, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	promDir := filepath.Join(dir, "prometheus")
	if err := os.Mkdir(promDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(promDir, "prometheus.yml"), []byte(scrapeConfig(t, listen, secretFile, "1s")), 0o644); err != nil {
		t.Fatal(err)
	}
	copyFile(t, "prometheus/alerts.yml", filepath.Join(promDir, "alerts.yml"))
	promAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	startProcess(t, dir, "prometheus.log", os.Environ(), promBin,
		"--config.file="+filepath.Join(promDir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(promDir, "data"),
		"--web.listen-address="+promAddr)
	prom := &promClient{base: "http://" + promAddr}

	// Wait for a successful scrape that carries every family (the litestream
	// ones appear after the first upload), or report what is missing.
	want := metricsList(t)
	var missing []string
	deadline := time.Now().Add(20 * time.Second)
	for {
		up := prom.query(t, `up{job="vpslink"}`)
		names := prom.names(t)
		missing = missing[:0]
		for _, family := range want {
			// The live service runs the dry-run sender: there is no
			// WhatsApp connection to report (whatsapp/ tests cover them).
			if strings.HasPrefix(family, "vpslink_whatsapp_") {
				continue
			}
			if !hasFamily(names, family) {
				missing = append(missing, family)
			}
		}
		if slices.Equal(up, []string{"1"}) && len(missing) == 0 {
			break
		}
		if time.Now().After(deadline) {
			if !slices.Equal(up, []string{"1"}) {
				t.Fatalf("no successful scrape of vpslink: up = %v, %s", up, prom.scrapeError(t))
			}
			tooltest.Unavailable(t, "vpslink serve's /metrics lacks families the dashboard or alerts use: %s", strings.Join(missing, ", "))
		}
		time.Sleep(500 * time.Millisecond)
	}

	// Every alert rule evaluates without error on the live data.
	deadline = time.Now().Add(10 * time.Second)
	for {
		bad, n := prom.ruleHealth(t)
		if n > 0 && len(bad) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("rules not healthy (%d loaded): %s", n, strings.Join(bad, "; "))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// hasFamily reports whether Prometheus holds a series of the family: the
// name itself, or a histogram's or summary's series.
func hasFamily(names []string, family string) bool {
	for _, suffix := range []string{"", "_bucket", "_count", "_sum"} {
		if slices.Contains(names, family+suffix) {
			return true
		}
	}
	return false
}

// buildVpslink builds the binary, or skips when it has no serve command.
func buildVpslink(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "vpslink")
	build := exec.Command("go", "build", "-o", bin, "./cmd/vpslink")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "serve", "--help").CombinedOutput(); err != nil {
		t.Skipf("vpslink has no serve command yet: %s", out)
	}
	return bin
}

// startProcess runs a long-lived process with its output in dir/logName,
// and stops it with SIGTERM when the test ends.
func startProcess(t *testing.T, dir, logName string, env []string, bin string, args ...string) {
	t.Helper()
	logf, err := os.Create(filepath.Join(dir, logName))
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdout, cmd.Stderr = logf, logf
	// Nothing outlives a test binary that is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("%s:\n%s", logName, tail(t, filepath.Join(dir, logName)))
		}
	})
}

func runVpslink(t *testing.T, dir string, env []string, bin string, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = dir, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("vpslink %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// getWithSecret makes one authenticated API call; its status does not
// matter, only that the request metrics count it.
func getWithSecret(t *testing.T, url, secret string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// waitHTTP polls url until it answers 200.
func waitHTTP(t *testing.T, url string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: no 200 within %s (last: %v)", url, timeout, errOrStatus(resp, err))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func errOrStatus(resp *http.Response, err error) any {
	if err != nil {
		return err
	}
	return resp.Status
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func tail(t *testing.T, path string) string {
	t.Helper()
	b, _ := os.ReadFile(path)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// promClient reads Prometheus' HTTP API.
type promClient struct{ base string }

func (p *promClient) get(t *testing.T, path string, v any) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false // not up yet
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return false
	}
	var envelope struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil {
		t.Fatalf("prometheus %s: %v", path, err)
	}
	if err := json.Unmarshal(envelope.Data, v); err != nil {
		t.Fatalf("prometheus %s: %v", path, err)
	}
	return true
}

// query returns the values of an instant query's samples.
func (p *promClient) query(t *testing.T, q string) []string {
	var data struct {
		Result []struct {
			Value [2]any `json:"value"`
		} `json:"result"`
	}
	if !p.get(t, "/api/v1/query?query="+url.QueryEscape(q), &data) {
		return nil
	}
	var values []string
	for _, r := range data.Result {
		values = append(values, fmt.Sprint(r.Value[1]))
	}
	return values
}

// names returns every metric name Prometheus has stored.
func (p *promClient) names(t *testing.T) []string {
	var names []string
	p.get(t, "/api/v1/label/__name__/values", &names)
	return names
}

// scrapeError returns the last scrape error of each target.
func (p *promClient) scrapeError(t *testing.T) string {
	var data struct {
		ActiveTargets []struct {
			ScrapeURL string `json:"scrapeUrl"`
			LastError string `json:"lastError"`
		} `json:"activeTargets"`
	}
	if !p.get(t, "/api/v1/targets", &data) {
		return "targets API not answering"
	}
	var errs []string
	for _, target := range data.ActiveTargets {
		errs = append(errs, target.ScrapeURL+": "+target.LastError)
	}
	return strings.Join(errs, "; ")
}

// ruleHealth returns the rules that failed their last evaluation, or have
// not been evaluated yet, and how many rules are loaded.
func (p *promClient) ruleHealth(t *testing.T) (bad []string, n int) {
	var data struct {
		Groups []struct {
			Rules []struct {
				Name      string `json:"name"`
				Health    string `json:"health"`
				LastError string `json:"lastError"`
			} `json:"rules"`
		} `json:"groups"`
	}
	if !p.get(t, "/api/v1/rules", &data) {
		return []string{"rules API not answering"}, 0
	}
	for _, g := range data.Groups {
		for _, r := range g.Rules {
			n++
			if r.Health != "ok" {
				bad = append(bad, r.Name+": "+r.Health+" "+r.LastError)
			}
		}
	}
	return bad, n
}
