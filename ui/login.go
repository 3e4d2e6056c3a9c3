package ui

import (
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Login throttling: a client address may fail loginBurst times freely and
// regains one free failure every loginLeak. Past that its attempts are
// queued, one every loginSpacing, and each is checked when its turn comes.
// Nobody is ever refused: the right secret gets in after the wait, while
// guessing slows to one try per loginSpacing whatever the concurrency.
const (
	loginBurst   = 5
	loginLeak    = 12 * time.Second
	loginSpacing = 2 * time.Second
	maxClients   = 10000
)

type loginLimiter struct {
	now     func() time.Time
	spacing time.Duration

	mu      sync.Mutex
	clients map[netip.Addr]*loginClient
}

type loginClient struct {
	failures float64
	at       time.Time // when failures was last brought up to date
	next     time.Time // the next free slot once over the burst
}

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, spacing: loginSpacing, clients: map[netip.Addr]*loginClient{}}
}

// levelLocked returns a's record with its failures leaked up to now.
func (l *loginLimiter) levelLocked(a netip.Addr, now time.Time) *loginClient {
	c := l.clients[a]
	if c == nil {
		if len(l.clients) >= maxClients {
			clear(l.clients) // forgetting failures only ever lets more in
		}
		c = &loginClient{at: now}
		l.clients[a] = c
	}
	if d := now.Sub(c.at); d > 0 {
		c.failures = max(0, c.failures-float64(d)/float64(loginLeak))
		c.at = now
	}
	return c
}

// reserve returns how long an attempt from a waits before it is checked.
func (l *loginLimiter) reserve(a netip.Addr) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	c := l.levelLocked(a, now)
	if c.failures < loginBurst {
		return 0
	}
	slot := now
	if c.next.After(now) {
		slot = c.next
	}
	c.next = slot.Add(l.spacing)
	return slot.Sub(now)
}

func (l *loginLimiter) fail(a netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.levelLocked(a, l.now()).failures++
}

func (l *loginLimiter) succeed(a netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.clients, a)
}

type loginPage struct {
	Next  string
	Error string
}

func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request) {
	if h.sessions.get(cookieToken(r)) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, "login", "Sign in", loginPage{Next: localPath(r.URL.Query().Get("next"))})
}

// login starts a session for the right secret. The secret is only ever
// compared, never logged or echoed back into the page.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	client := h.guard.ClientAddr(r)
	if wait := h.logins.reserve(client); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	next := localPath(r.PostFormValue("next"))
	if !h.sessions.checkSecret(r.PostFormValue("secret")) {
		h.logins.fail(client)
		h.log.Warn("ui sign-in failed", "client", client.String())
		h.render(w, r, http.StatusUnauthorized, "login", "Sign in", loginPage{Next: next, Error: "That is not the secret."})
		return
	}
	h.logins.succeed(client)
	h.setCookie(w, r, h.sessions.start())
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	h.sessions.end(cookieToken(r))
	h.setCookie(w, r, "")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// localPath keeps a post-login redirect on this site: only absolute paths,
// never "//host" or "/\host", which browsers treat as another site.
func localPath(p string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return "/"
	}
	return p
}
