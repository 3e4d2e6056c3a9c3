package ui

import (
	"net/http"
	"sync"
	"time"
)

// onceField is the hidden field that makes a create form take effect once.
const onceField = "form_token"

// onceRetention is how long a used form token is remembered: a repeat
// comes from a double click or a browser resending a form whose answer it
// lost, within seconds.
const onceRetention = 10 * time.Minute

// formOnce makes a create form's submission take effect once, whatever the
// browser does: each rendered form carries a random token, and a repeat of
// a token that already created something is sent where the first went
// instead of creating it again (a second message would be a second
// WhatsApp message). A repeat that arrives while the first is still
// running waits for it. A submission that was refused leaves its token
// free, so the corrected form can be sent. Kept in memory: the repeat
// reaches the same process.
type formOnce struct {
	mu   sync.Mutex
	used map[string]*onceEntry
	now  func() time.Time
}

type onceEntry struct {
	done     chan struct{}
	location string // where the first submission redirected; "" when refused
	at       time.Time
}

func newFormOnce(now func() time.Time) *formOnce {
	return &formOnce{used: map[string]*onceEntry{}, now: now}
}

// wrap applies the form token to a create handler; a request without one
// (a script, an old page) runs as it is.
func (o *formOnce) wrap(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token := r.PostFormValue(onceField)
		if token == "" || len(token) > 64 {
			next(w, r)
			return
		}
		e, first := o.claim(token)
		if !first {
			select {
			case <-e.done:
			case <-r.Context().Done():
				return
			}
			if e.location != "" {
				http.Redirect(w, r, e.location, http.StatusSeeOther)
				return
			}
			next(w, r) // the first was refused: this one is a new try
			return
		}
		rec := &redirectRecorder{ResponseWriter: w}
		defer func() { o.finish(token, e, rec) }()
		next(rec, r)
	}
}

// claim returns the token's entry and whether this request is its first.
func (o *formOnce) claim(token string) (*onceEntry, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	for k, e := range o.used {
		if now.Sub(e.at) > onceRetention {
			delete(o.used, k)
		}
	}
	if e, ok := o.used[token]; ok {
		return e, false
	}
	e := &onceEntry{done: make(chan struct{}), at: now}
	o.used[token] = e
	return e, true
}

// finish records where the first submission went; a refused one frees
// its token.
func (o *formOnce) finish(token string, e *onceEntry, rec *redirectRecorder) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if rec.status == http.StatusSeeOther {
		e.location = rec.Header().Get("Location")
	}
	if e.location == "" {
		delete(o.used, token)
	}
	close(e.done)
}

// redirectRecorder notes the status a handler answers with.
type redirectRecorder struct {
	http.ResponseWriter
	status int
}

func (r *redirectRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}
