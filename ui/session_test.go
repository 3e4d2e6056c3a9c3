package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink/api"
	"github.com/vpslink/vpslink/ui"
)

// pages are the paths that answer 200 to a signed-in browser.
var pages = []string{"/", "/messages", "/contacts", "/jobs", "/chats", "/whatsapp", "/backups",
	"/messages/new", "/contacts/new", "/jobs/new"}

func TestSignInAndOut(t *testing.T) {
	e := newEnv(t)
	res := e.get("/").mustStatus(t, http.StatusSeeOther)
	if loc := res.header.Get("Location"); !strings.HasPrefix(loc, "/login") {
		t.Fatalf("GET / redirects to %q", loc)
	}
	for _, p := range pages[1:] {
		if res := e.get(p); res.status != http.StatusSeeOther {
			t.Errorf("GET %s without a session: %d", p, res.status)
		}
	}
	e.get("/login").mustStatus(t, http.StatusOK).mustContain(t, `name="secret"`)

	res = e.post("/login", url.Values{"secret": {"wrong"}, "csrf": {""}}).mustStatus(t, http.StatusUnauthorized)
	res.mustContain(t, "not the secret")
	if len(res.cookie) != 0 {
		t.Fatal("a wrong secret got a cookie")
	}

	res = e.post("/login", url.Values{"secret": {testSecret}, "csrf": {""}}).mustStatus(t, http.StatusSeeOther)
	if len(res.cookie) != 1 {
		t.Fatalf("cookies: %v", res.cookie)
	}
	c := res.cookie[0]
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure {
		t.Fatalf("cookie without TLS: %+v", c)
	}
	for _, p := range pages {
		res := e.get(p).mustStatus(t, http.StatusOK)
		if strings.Contains(res.body, testSecret) {
			t.Fatalf("%s shows the secret", p)
		}
	}

	e.post("/logout", nil).mustStatus(t, http.StatusSeeOther)
	e.get("/").mustStatus(t, http.StatusSeeOther)
}

func TestSecureHeaders(t *testing.T) {
	e := newEnv(t)
	e.login()
	for _, p := range []string{"/login", "/", "/messages/new"} {
		res := e.get(p)
		csp := res.header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", p, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe") {
			t.Errorf("%s: CSP %q allows unsafe sources", p, csp)
		}
		if strings.Contains(res.body, "<script>") || strings.Contains(res.body, " style=") || strings.Contains(res.body, "http://") || strings.Contains(res.body, "https://") {
			t.Errorf("%s: inline script or style, or an outside URL", p)
		}
	}
}

func TestSecureCookieOnlyBehindTrustedTLS(t *testing.T) {
	for _, tc := range []struct {
		name    string
		trusted []string
		secure  bool
	}{
		{"trusted proxy says https", []string{"127.0.0.1"}, true},
		{"untrusted peer says https", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(a *api.Config, _ *ui.Config) { a.TrustedProxies = tc.trusted })
			form := url.Values{"secret": {testSecret}}
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-Proto", "https")
			req.Header.Set("X-Forwarded-For", "127.0.0.9")
			res := e.do(req).mustStatus(t, http.StatusSeeOther)
			if got := res.cookie[0].Secure; got != tc.secure {
				t.Fatalf("Secure = %v, want %v", got, tc.secure)
			}
		})
	}
}

func TestCSRFTokenRequired(t *testing.T) {
	e := newEnv(t)
	e.login()
	for _, token := range []string{"", "0123abcd"} {
		e.post("/contacts", url.Values{"csrf": {token}, "phone": {"351911111111"}, "name": {"Ana"}}).mustStatus(t, http.StatusForbidden)
	}
	e.post("/ui/sending", url.Values{"csrf": {""}, "stop": {"1"}}).mustStatus(t, http.StatusForbidden)
	if e.engine.Stopped() {
		t.Fatal("a request without the CSRF token stopped sending")
	}
	e.get("/contacts").mustStatus(t, http.StatusOK)
	if strings.Contains(e.get("/contacts").body, "Ana") {
		t.Fatal("a request without the CSRF token added a contact")
	}
}

func TestIdleSessionExpires(t *testing.T) {
	e := newEnv(t)
	e.login()
	e.clock.Advance(ui.DefaultIdleTimeout - time.Minute)
	e.get("/").mustStatus(t, http.StatusOK) // use renews it
	e.clock.Advance(ui.DefaultIdleTimeout - time.Minute)
	e.get("/").mustStatus(t, http.StatusOK)
	e.clock.Advance(ui.DefaultIdleTimeout + time.Second)
	e.get("/").mustStatus(t, http.StatusSeeOther)
}

func TestAllowlistAppliesToUI(t *testing.T) {
	e := newEnv(t, func(a *api.Config, _ *ui.Config) { a.AllowedIPs = []string{"10.9.9.9"} })
	for _, p := range []string{"/login", "/", "/static/app.css"} {
		e.get(p).mustStatus(t, http.StatusForbidden)
	}
	e.post("/login", url.Values{"secret": {testSecret}}).mustStatus(t, http.StatusForbidden)
}

func TestThrottledLoginStillLetsTheSecretIn(t *testing.T) {
	e := newEnv(t)
	for range 20 {
		e.post("/login", url.Values{"secret": {"guess"}, "csrf": {""}}).mustStatus(t, http.StatusUnauthorized)
	}
	e.login()
	e.get("/").mustStatus(t, http.StatusOK)
}

func TestStaticFilesCompressedAndVersioned(t *testing.T) {
	e := newEnv(t)
	res := e.get("/login")
	for _, name := range []string{"app.css", "app.js", "icon.svg", "vendor/htmx.min.js"} {
		if !strings.Contains(res.body, "/static/"+name+"?v=") {
			t.Fatalf("login page does not link %s with a version", name)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/static/vendor/htmx.min.js", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res = e.do(req).mustStatus(t, http.StatusOK)
	if res.header.Get("Content-Encoding") != "gzip" {
		t.Fatal("htmx is not served gzipped")
	}
	e.login()
	req, _ = http.NewRequest(http.MethodGet, e.srv.URL+"/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	if res := e.do(req); res.header.Get("Content-Encoding") != "gzip" {
		t.Fatal("the dashboard is not served gzipped")
	}
	// A browser asks for /favicon.ico on its own: answered by the UI, it
	// is no failed sign-in for the API to count.
	if res := e.get("/favicon.ico").mustStatus(t, http.StatusOK); res.header.Get("Content-Type") != "image/svg+xml" {
		t.Fatalf("favicon served as %q", res.header.Get("Content-Type"))
	}
}
