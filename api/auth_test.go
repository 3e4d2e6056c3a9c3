package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/vpslink/vpslink/api"
)

func TestAuth_BypassAttempts(t *testing.T) {
	e := newEnv(t)
	for i, tc := range []struct {
		name string
		r    req
		code int
		err  string
	}{
		{"missing secret", req{path: "/api/stats", noAuth: true}, 401, "UNAUTHORIZED"},
		{"wrong secret", req{path: "/api/stats", noAuth: true, header: map[string]string{"X-API-Secret": "nope"}}, 401, "UNAUTHORIZED"},
		{"empty secret", req{path: "/api/stats", noAuth: true, header: map[string]string{"X-API-Secret": " "}}, 401, "UNAUTHORIZED"},
		{"secret prefix", req{path: "/api/stats", noAuth: true, header: map[string]string{"X-API-Secret": testSecret[:5]}}, 401, "UNAUTHORIZED"},
		{"secret in query", req{path: "/api/stats?secret=" + testSecret + "&api_secret=" + testSecret, noAuth: true}, 401, "UNAUTHORIZED"},
		{"basic scheme", req{path: "/api/stats", noAuth: true, header: map[string]string{"Authorization": "Basic " + testSecret}}, 401, "UNAUTHORIZED"},
		{"bearer without space", req{path: "/api/stats", noAuth: true, header: map[string]string{"Authorization": "Bearer" + testSecret}}, 401, "UNAUTHORIZED"},
		{"bare secret", req{path: "/api/stats", noAuth: true, header: map[string]string{"Authorization": testSecret}}, 401, "UNAUTHORIZED"},
		{"unknown route needs auth too", req{path: "/api/nope", noAuth: true}, 401, "UNAUTHORIZED"},
		{"disallowed peer", req{path: "/api/stats", remote: "203.0.113.7:5000"}, 403, "FORBIDDEN"},
		{"spoofed XFF from untrusted peer", req{path: "/api/stats", remote: "203.0.113.7:5000",
			header: map[string]string{"X-Forwarded-For": "127.0.0.1"}}, 403, "FORBIDDEN"},
		{"trusted proxy, client left of untrusted hop", req{path: "/api/stats", remote: "10.0.0.1:5000",
			header: map[string]string{"X-Forwarded-For": "127.0.0.1, 203.0.113.7"}}, 403, "FORBIDDEN"},
		{"trusted proxy, garbage hop", req{path: "/api/stats", remote: "10.0.0.1:5000",
			header: map[string]string{"X-Forwarded-For": "not-an-ip"}}, 403, "FORBIDDEN"},
		{"healthz is open, /health is not", req{path: "/health", noAuth: true}, 401, "UNAUTHORIZED"},
		{"metrics need auth", req{path: "/metrics", noAuth: true}, 401, "UNAUTHORIZED"},
	} {
		if tc.r.remote == "" {
			tc.r.remote = "127.0.1." + strconv.Itoa(i+1) + ":5000" // failures count per client
		}
		t.Run(tc.name, func(t *testing.T) {
			e.do(tc.r).fails(t, tc.code, tc.err, "")
		})
	}
	for _, tc := range []struct {
		name string
		r    req
	}{
		{"X-API-Secret", req{path: "/api/stats"}},
		{"Bearer", req{path: "/api/stats", noAuth: true, header: map[string]string{"Authorization": "Bearer " + testSecret}}},
		{"bearer lower case", req{path: "/api/stats", noAuth: true, header: map[string]string{"Authorization": "bearer " + testSecret}}},
		{"IPv6 loopback", req{path: "/api/stats", remote: "[::1]:5000"}},
		{"trusted proxy forwards an allowed client", req{path: "/api/stats", remote: "10.0.0.1:5000",
			header: map[string]string{"X-Forwarded-For": "203.0.113.7, 127.0.0.5"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.do(tc.r).ok(t, 200, nil)
		})
	}
}

func TestAuth_FailuresAreRateLimitedPerClient(t *testing.T) {
	e := newEnv(t, func(c *api.Config) { c.AllowedIPs = []string{"127.0.0.0/8"} })
	bad := req{path: "/api/stats", noAuth: true, remote: "127.0.0.2:1", header: map[string]string{"X-API-Secret": "guess"}}
	for range 10 {
		e.do(bad).fails(t, 401, "UNAUTHORIZED", "")
	}
	r := e.do(bad)
	r.fails(t, 429, "RATE_LIMIT_EXCEEDED", "")
	if r.header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	// The right secret is never refused: a misconfigured client behind
	// the same proxy must not lock out the others.
	e.do(req{path: "/api/stats", remote: "127.0.0.2:1"}).ok(t, 200, nil)
	// Another client is not affected.
	e.do(req{path: "/api/stats", remote: "127.0.0.3:1"}).ok(t, 200, nil)
	text := string(e.do(req{path: "/metrics"}).body)
	for _, want := range []string{
		`vpslink_http_auth_failures_total{outcome="refused"} 10`,
		`vpslink_http_auth_failures_total{outcome="limited"} 1`,
	} {
		if !strings.Contains(text, want) {
			t.Fatalf("missing %s in\n%s", want, text)
		}
	}
}

func TestAuth_SecretNeverLogged(t *testing.T) {
	e := newEnv(t)
	e.do(req{path: "/api/stats"}).ok(t, 200, nil)
	e.do(req{path: "/api/stats?secret=" + testSecret, noAuth: true}).fails(t, 401, "UNAUTHORIZED", "")
	e.do(req{path: "/api/stats", noAuth: true, header: map[string]string{"Authorization": "Bearer " + testSecret + "x"}}).fails(t, 401, "UNAUTHORIZED", "")
	e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"` + testSecret + `"}`}).fails(t, 400, "VALIDATION_ERROR", "")
	metrics := e.do(req{path: "/metrics"})
	logs := e.logs.String()
	if strings.Contains(logs, testSecret) || strings.Contains(string(metrics.body), testSecret) {
		t.Fatalf("secret leaked into logs or metrics:\n%s", logs)
	}
	if !strings.Contains(logs, "request_id=") || !strings.Contains(logs, "route=/api/stats") {
		t.Fatalf("access log lacks request id or route:\n%s", logs)
	}
}

func TestNew_RequiresSecret(t *testing.T) {
	if _, err := api.New(api.Config{DB: newEnv(t).db, Scheduler: &fakeScheduler{}}); err == nil {
		t.Fatal("New without a secret succeeded")
	}
}

func TestRequestID(t *testing.T) {
	e := newEnv(t)
	r := e.do(req{path: "/api/stats", header: map[string]string{"X-Request-ID": "abc-123"}})
	if r.header.Get("X-Request-ID") != "abc-123" {
		t.Fatalf("request id not echoed: %q", r.header.Get("X-Request-ID"))
	}
	r = e.do(req{path: "/api/stats", header: map[string]string{"X-Request-ID": "bad id\n"}})
	if id := r.header.Get("X-Request-ID"); id == "" || strings.ContainsAny(id, " \n") {
		t.Fatalf("bad request id kept: %q", id)
	}
	if r.code != http.StatusOK {
		t.Fatal(r.code)
	}
}
