package replicator

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// childLevelKey replaces "level" as the key of a child's log level:
// litestream logs a compaction "level" attribute of its own.
const childLevelKey = "severity"

// NewChildLogHandler is the log handler of a supervised child: JSON lines
// that forwardLogs understands.
func NewChildLogHandler(w io.Writer) slog.Handler {
	return slog.NewJSONHandler(w, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if _, ok := a.Value.Any().(slog.Level); ok && len(groups) == 0 && a.Key == slog.LevelKey {
				a.Key = childLevelKey
			}
			return a
		},
	})
}

// forwardLogs re-logs the child's output through the supervisor's logger:
// JSON records keep their level, message and attributes; anything else is
// logged as a line of text.
func (s *Supervisor) forwardLogs(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var rec map[string]any
		if json.Unmarshal(line, &rec) != nil {
			if text := strings.TrimSpace(string(line)); text != "" {
				s.logger.Info(text)
			}
			continue
		}
		var level slog.Level
		if v, ok := rec[childLevelKey].(string); ok {
			_ = level.UnmarshalText([]byte(v))
		}
		msg, _ := rec["msg"].(string)
		if addr, ok := rec["addr"].(string); ok && msg == MetricsListeningMsg {
			s.mu.Lock()
			s.addr = addr
			s.mu.Unlock()
			go s.scrape(context.Background())
		}
		delete(rec, "time")
		delete(rec, childLevelKey)
		delete(rec, "msg")
		keys := make([]string, 0, len(rec))
		for k := range rec {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		attrs := make([]any, 0, 2*len(keys))
		for _, k := range keys {
			attrs = append(attrs, k, rec[k])
		}
		s.logger.Log(context.Background(), level, msg, attrs...)
	}
}

// scrape reads the child's metrics, keeping litestream's and vpslink's
// families (the child's go_* and process_* would clash with the parent's).
func (s *Supervisor) scrape(ctx context.Context) {
	s.mu.Lock()
	addr := s.addr
	s.mu.Unlock()
	if addr == "" {
		return
	}
	families, err := fetchMetrics(ctx, "http://"+addr+"/metrics")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.addr != addr { // a newer child took over meanwhile
		return
	}
	if err != nil {
		if s.up {
			s.logger.Warn("replicator metrics unreadable", "error", err)
		}
		s.up = false
		return
	}
	s.up, s.families = true, families
	for _, mf := range families {
		if mf.GetName() == "vpslink_replication_lag_seconds" && len(mf.Metric) > 0 {
			s.lag = time.Duration(mf.Metric[0].GetGauge().GetValue() * float64(time.Second))
			s.haveLag = true
		}
	}
}

func fetchMetrics(ctx context.Context, url string) ([]*dto.MetricFamily, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", url, resp.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	byName, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	var out []*dto.MetricFamily
	for name, mf := range byName {
		if strings.HasPrefix(name, "litestream_") || strings.HasPrefix(name, "vpslink_") {
			out = append(out, mf)
		}
	}
	return out, nil
}

// Gather returns the child's last scraped litestream_* and vpslink_*
// families plus vpslink_replicator_up and vpslink_replicator_restarts_total.
// Use it next to the parent's registry:
// promhttp.HandlerFor(prometheus.Gatherers{reg, sup}, ...).
func (s *Supervisor) Gather() ([]*dto.MetricFamily, error) {
	own, err := s.metrics.Gather()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.up {
		own = append(own, s.families...)
	}
	return own, nil
}
