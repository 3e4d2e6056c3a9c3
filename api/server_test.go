package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vpslink/vpslink/api"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
)

const testSecret = "s3cret-for-tests-only"

// fakeScheduler records what the API asked of the engine.
type fakeScheduler struct {
	mu       sync.Mutex
	notified int
	stopped  bool
	problem  string
}

func (f *fakeScheduler) Notify() { f.mu.Lock(); f.notified++; f.mu.Unlock() }
func (f *fakeScheduler) Stop(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stopped = true
	return nil
}
func (f *fakeScheduler) Start(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stopped = false
	return nil
}
func (f *fakeScheduler) Stopped() bool   { f.mu.Lock(); defer f.mu.Unlock(); return f.stopped }
func (f *fakeScheduler) Problem() string { f.mu.Lock(); defer f.mu.Unlock(); return f.problem }

func (f *fakeScheduler) notifications() int { f.mu.Lock(); defer f.mu.Unlock(); return f.notified }

// env is one API over a real SQLite file.
type env struct {
	t     testing.TB
	db    *store.DB
	path  string
	sched *fakeScheduler
	srv   *api.Server
	reg   *prometheus.Registry
	logs  *bytes.Buffer
	cfg   api.Config
}

func newEnv(t testing.TB, opts ...func(*api.Config)) *env {
	t.Helper()
	e := &env{t: t, path: filepath.Join(t.TempDir(), "whatsapp.db"), sched: &fakeScheduler{}}
	e.open()
	e.logs = &bytes.Buffer{}
	e.reg = prometheus.NewRegistry()
	e.cfg = api.Config{
		DB: e.db, Scheduler: e.sched, Secret: testSecret,
		AllowedIPs:     []string{"127.0.0.0/8", "::1"},
		TrustedProxies: []string{"10.0.0.1"},
		Sender:         "dryrun",
		Registerer:     e.reg, Gatherer: e.reg,
		Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: e.logs}, &slog.HandlerOptions{Level: slog.LevelDebug})),
		// The day before the messages the tests schedule.
		Now: func() time.Time { return storetest.Now },
	}
	for _, o := range opts {
		o(&e.cfg)
	}
	e.build()
	return e
}

func (e *env) open() {
	db := storetest.Open(e.t, storetest.WithPath(e.path))
	db.OnWrite(e.sched.Notify)
	e.db = db
}

func (e *env) build() {
	e.cfg.DB = e.db
	srv, err := api.New(e.cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	e.srv = srv
}

// restart closes the database and builds a new server on the same file.
func (e *env) restart() {
	if err := e.db.Close(); err != nil {
		e.t.Fatal(err)
	}
	e.open()
	e.build()
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// req describes one request; the zero value is an authenticated GET from
// loopback.
type req struct {
	method, path string
	body         string
	header       map[string]string
	remote       string
	noAuth       bool
}

type resp struct {
	code   int
	header http.Header
	body   []byte
}

func (e *env) do(r req) *resp {
	e.t.Helper()
	if r.method == "" {
		r.method = http.MethodGet
	}
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	hr.RemoteAddr = "127.0.0.1:40000"
	if r.remote != "" {
		hr.RemoteAddr = r.remote
	}
	if r.body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	if !r.noAuth {
		hr.Header.Set("X-API-Secret", testSecret)
	}
	for k, v := range r.header {
		if v == "" {
			hr.Header.Del(k)
			continue
		}
		hr.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, hr)
	return &resp{code: w.Code, header: w.Header(), body: w.Body.Bytes()}
}

// envelope is the decoded response.
type envelope struct {
	Success bool            `json:"success"`
	Data    json.RawMessage `json:"data"`
	Total   *int            `json:"total"`
	Limit   *int            `json:"limit"`
	Offset  *int            `json:"offset"`
	Message string          `json:"message"`
	Error   *struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Details map[string]string `json:"details"`
	} `json:"error"`
}

func (r *resp) env(t testing.TB) *envelope {
	t.Helper()
	var e envelope
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("response %d %s: %v", r.code, r.body, err)
	}
	return &e
}

// ok asserts a success with the given status and decodes data into v.
func (r *resp) ok(t testing.TB, code int, v any) *envelope {
	t.Helper()
	e := r.env(t)
	if r.code != code || !e.Success || e.Error != nil {
		t.Fatalf("got %d %s, want %d success", r.code, r.body, code)
	}
	if v != nil {
		if err := json.Unmarshal(e.Data, v); err != nil {
			t.Fatalf("data %s: %v", e.Data, err)
		}
	}
	return e
}

// fails asserts an error envelope with status, code and (when not empty)
// details.field.
func (r *resp) fails(t testing.TB, code int, errCode, field string) {
	t.Helper()
	e := r.env(t)
	if r.code != code || e.Success || e.Error == nil || e.Error.Code != errCode {
		t.Fatalf("got %d %s, want %d %s", r.code, r.body, code, errCode)
	}
	if field != "" && e.Error.Details["field"] != field {
		t.Fatalf("details.field = %q, want %q (%s)", e.Error.Details["field"], field, r.body)
	}
}

// captured runs a hand-made request.
type captured struct{ w *httptest.ResponseRecorder }

func (c *captured) recorder() *httptest.ResponseRecorder {
	c.w = httptest.NewRecorder()
	return c.w
}

func (c *captured) resp() *resp {
	return &resp{code: c.w.Code, header: c.w.Header(), body: c.w.Body.Bytes()}
}
