package ui

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// sessionCookie names the cookie holding a session's token. The __Host-
// prefix (which requires Secure) is not used because a loopback listener
// without TLS is a normal set-up.
const sessionCookie = "vpslink_session"

// maxSessions bounds the memory sessions take; the least recently used
// session is dropped first.
const maxSessions = 1000

// session is one signed-in browser. Only the token's digest is kept, so
// that a memory dump or a log of the map holds nothing a browser could
// present.
type session struct {
	csrf     string
	lastSeen time.Time
}

// sessions live in memory: a restart signs everyone out, which for a
// single-user service costs one login and keeps the database free of
// credentials.
type sessions struct {
	secretDigest [sha256.Size]byte
	idle         time.Duration
	now          func() time.Time

	mu   sync.Mutex
	byID map[[sha256.Size]byte]*session
}

func newSessions(secret string, idle time.Duration, now func() time.Time) *sessions {
	return &sessions{secretDigest: sha256.Sum256([]byte(secret)), idle: idle, now: now,
		byID: map[[sha256.Size]byte]*session{}}
}

// checkSecret compares in constant time (digests keep it independent of
// the length too).
func (s *sessions) checkSecret(secret string) bool {
	d := sha256.Sum256([]byte(secret))
	return subtle.ConstantTimeCompare(d[:], s.secretDigest[:]) == 1
}

func randomToken() string {
	var b [32]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// start creates a session and returns its token.
func (s *sessions) start() string {
	token := randomToken()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.byID) >= maxSessions {
		s.evictLocked()
	}
	s.byID[sha256.Sum256([]byte(token))] = &session{csrf: randomToken(), lastSeen: s.now()}
	return token
}

// evictLocked drops expired sessions, and the oldest if none expired.
func (s *sessions) evictLocked() {
	var oldestID [sha256.Size]byte
	var oldest time.Time
	now := s.now()
	for id, sess := range s.byID {
		if now.Sub(sess.lastSeen) > s.idle {
			delete(s.byID, id)
			continue
		}
		if oldest.IsZero() || sess.lastSeen.Before(oldest) {
			oldestID, oldest = id, sess.lastSeen
		}
	}
	if len(s.byID) >= maxSessions {
		delete(s.byID, oldestID)
	}
}

// get returns the live session of token and marks it used, or nil.
func (s *sessions) get(token string) *session {
	if token == "" {
		return nil
	}
	id := sha256.Sum256([]byte(token))
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.byID[id]
	if sess == nil {
		return nil
	}
	now := s.now()
	if now.Sub(sess.lastSeen) > s.idle {
		delete(s.byID, id)
		return nil
	}
	sess.lastSeen = now
	return &session{csrf: sess.csrf, lastSeen: now}
}

func (s *sessions) end(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byID, sha256.Sum256([]byte(token)))
}

type sessionKey struct{}

func sessionFrom(ctx context.Context) *session {
	sess, _ := ctx.Value(sessionKey{}).(*session)
	return sess
}

// setCookie writes the session cookie; an empty token deletes it.
func (h *Handler) setCookie(w http.ResponseWriter, r *http.Request, token string) {
	c := &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: h.guard.ForwardedTLS(r)}
	if token == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

func cookieToken(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// requireSession lets requests with a live session through, checking the
// CSRF token of every state-changing one; others go to the login page
// (htmx requests are told to navigate there instead of swapping it in).
func (h *Handler) requireSession(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess := h.sessions.get(cookieToken(r))
		if sess == nil {
			if r.Header.Get("HX-Request") != "" {
				w.Header().Set("HX-Redirect", "/login")
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(w, "Your session has ended: sign in again.", http.StatusUnauthorized)
			return
		}
		if !safeMethod(r.Method) && !h.validCSRF(r, sess) {
			http.Error(w, "The form is stale (CSRF token mismatch): reload the page and try again.", http.StatusForbidden)
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, sess)))
	}
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead
}

// validCSRF accepts the token from the X-CSRF-Token header (htmx sends it
// on every request) or the csrf form field.
func (h *Handler) validCSRF(r *http.Request, sess *session) bool {
	token := r.Header.Get("X-CSRF-Token")
	if token == "" {
		token = r.PostFormValue("csrf")
	}
	return subtle.ConstantTimeCompare([]byte(token), []byte(sess.csrf)) == 1
}
