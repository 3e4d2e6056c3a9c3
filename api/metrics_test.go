package api_test

import (
	"strings"
	"testing"
)

func TestMetrics_ByRouteTemplate(t *testing.T) {
	e := newEnv(t)
	e.do(req{path: "/api/messages/abc"}).fails(t, 404, "NOT_FOUND", "")
	e.do(req{path: "/api/messages/def"}).fails(t, 404, "NOT_FOUND", "")
	e.do(req{path: "/random/path/1"}).fails(t, 404, "NOT_FOUND", "")
	e.do(req{path: "/api/stats", noAuth: true}).fails(t, 401, "UNAUTHORIZED", "")

	r := e.do(req{path: "/metrics"})
	if r.code != 200 {
		t.Fatalf("/metrics: %d", r.code)
	}
	text := string(r.body)
	for _, want := range []string{
		`vpslink_http_requests_total{code="404",method="GET",route="/api/messages/{id}"} 2`,
		`vpslink_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`vpslink_http_requests_total{code="401",method="GET",route="/api/stats"} 1`,
		`vpslink_http_request_duration_seconds_count{method="GET",route="/api/messages/{id}"} 2`,
	} {
		if !strings.Contains(text, want) {
			t.Fatalf("missing %s in\n%s", want, text)
		}
	}
	if strings.Contains(text, "/abc") || strings.Contains(text, "/random") {
		t.Fatal("raw paths in metrics")
	}
}
