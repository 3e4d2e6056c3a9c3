package ui_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vpslink/vpslink/api"
	"github.com/vpslink/vpslink/scheduler"
	"github.com/vpslink/vpslink/scheduler/schedulertest"
	"github.com/vpslink/vpslink/store"
	"github.com/vpslink/vpslink/store/storetest"
	"github.com/vpslink/vpslink/ui"
)

const testSecret = "ui-test-secret-0123456789"

// env is the API with the UI mounted, over a real SQLite file and a real
// scheduler engine with the dry-run sender, served on a loopback listener.
type env struct {
	t      testing.TB
	db     *store.DB
	engine *scheduler.Engine
	clock  *schedulertest.Clock
	srv    *httptest.Server
	client *http.Client
}

type envOption func(*api.Config, *ui.Config)

func newEnv(t testing.TB, opts ...envOption) *env {
	t.Helper()
	dir := t.TempDir()
	db := storetest.Open(t, storetest.WithPath(filepath.Join(dir, "whatsapp.db")), storetest.WithClock(time.Now))
	sender, err := scheduler.NewDryRunSender(filepath.Join(dir, "dryrun.log"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sender.Close() })
	log := slog.New(slog.DiscardHandler)
	engine, err := scheduler.New(scheduler.Config{DB: db, Sender: sender, Logger: log, Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, engine: engine, clock: schedulertest.NewClock(storetest.Now)}
	reg := prometheus.NewRegistry()
	acfg := api.Config{DB: db, Scheduler: engine, Secret: testSecret, AllowedIPs: []string{"127.0.0.0/8", "::1"},
		Sender: "dryrun", Registerer: reg, Gatherer: reg, Logger: log, Now: e.clock.Now}
	ucfg := ui.Config{DB: db, Scheduler: engine, Secret: testSecret, Sender: "dryrun", Logger: log, Now: e.clock.Now}
	for _, o := range opts {
		o(&acfg, &ucfg)
	}
	srv, err := api.New(acfg)
	if err != nil {
		t.Fatal(err)
	}
	ucfg.Guard = srv
	h, err := ui.New(ucfg)
	if err != nil {
		t.Fatal(err)
	}
	ui.SetLoginSpacing(h, time.Millisecond)
	srv.MountUI(h)
	e.srv = httptest.NewServer(srv)
	t.Cleanup(e.srv.Close)
	jar, _ := cookiejar.New(nil)
	e.client = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return e
}

// run starts the scheduler engine for the test's lifetime.
func (e *env) run() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.engine.Run(ctx); close(done) }()
	e.t.Cleanup(func() { cancel(); <-done })
}

type response struct {
	status int
	header http.Header
	body   string
	cookie []*http.Cookie
}

func (e *env) do(req *http.Request) response {
	e.t.Helper()
	res, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b), cookie: res.Cookies()}
}

func (e *env) get(path string) response {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	return e.do(req)
}

// post sends a form; the session's CSRF token is added unless the form
// has a csrf field already.
func (e *env) post(path string, form url.Values) response {
	e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", e.csrf())
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return e.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// csrf reads the session's token from a page.
func (e *env) csrf() string {
	e.t.Helper()
	m := csrfField.FindStringSubmatch(e.get("/").body)
	if m == nil {
		return ""
	}
	return m[1]
}

// login signs in with the secret.
func (e *env) login() {
	e.t.Helper()
	res := e.post("/login", url.Values{"secret": {testSecret}, "csrf": {""}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/" {
		e.t.Fatalf("login: %d %s", res.status, res.header.Get("Location"))
	}
}

func (r response) mustStatus(t testing.TB, want int) response {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d; body:\n%s", r.status, want, r.body)
	}
	return r
}

func (r response) mustContain(t testing.TB, subs ...string) response {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(r.body, s) {
			t.Fatalf("body lacks %q:\n%s", s, r.body)
		}
	}
	return r
}
