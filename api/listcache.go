package api

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"hash/fnv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Clients (the web UI, dashboards) poll the lists every few
// seconds, and between writes the answer is the same. Reading its 50 rows
// through cgo was half of a message list request's CPU, so the encoded body
// of the last few distinct lists (of messages, jobs and contacts) is kept and sent again for as long as the
// database's data version (store.DB.DataVersion, which any connection's
// commit changes, the CLI's too) is the one it was read at. The same
// version and query also make an ETag, so a client that sends it back in
// If-None-Match gets a 304 and no body.
//
// Nothing in a list answer depends on the time of the request (a message's
// next_occurrences follow from its series, a job's next_step_at is stored,
// not computed from now), so the version and the query alone decide the
// body.
type pageCache struct {
	mu    sync.Mutex
	pages []cachedPage // least recently used first
	// boot tells this process's ETags from an earlier one's: data versions
	// start again when the process does.
	boot string
}

type cachedPage struct {
	key     string
	version int64
	body    []byte // never modified once stored: writers share it
}

const (
	// maxCachedPages is how many distinct queries are kept: a few clients
	// each polling one or two lists.
	maxCachedPages = 8
	// maxCachedBody bounds one kept body (a 50-message page is about 30 KiB).
	maxCachedBody = 256 << 10
)

func newPageCache() *pageCache {
	var b [6]byte
	rand.Read(b[:])
	return &pageCache{boot: hex.EncodeToString(b[:])}
}

// get returns the body stored for key at version, or nil.
func (c *pageCache) get(key string, version int64) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := slices.IndexFunc(c.pages, func(p cachedPage) bool { return p.key == key })
	if i < 0 || c.pages[i].version != version {
		return nil
	}
	p := c.pages[i]
	c.pages = append(slices.Delete(c.pages, i, i+1), p)
	return p.body
}

// put keeps a copy of body as key's answer at version, dropping the least
// recently used query beyond maxCachedPages.
func (c *pageCache) put(key string, version int64, body []byte) {
	if len(body) > maxCachedBody {
		return
	}
	p := cachedPage{key: key, version: version, body: slices.Clone(body)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if i := slices.IndexFunc(c.pages, func(p cachedPage) bool { return p.key == key }); i >= 0 {
		c.pages = slices.Delete(c.pages, i, i+1)
	}
	if len(c.pages) >= maxCachedPages {
		c.pages = slices.Delete(c.pages, 0, 1)
	}
	c.pages = append(c.pages, p)
}

// etag names key's answer at version.
func (c *pageCache) etag(key string, version int64) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	return `"` + c.boot + "-" + strconv.FormatInt(version, 36) + "-" + strconv.FormatUint(h.Sum64(), 36) + `"`
}

// notModified reports whether the request's If-None-Match names etag.
func notModified(r *http.Request, etag string) bool {
	for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag {
			return true
		}
	}
	return false
}

// cachedBody answers r from the cache when the database has not changed
// since key's body was kept: a 304 when the client holds it, else the
// body. Otherwise it returns the version to keep a new body at (ok false
// when the version cannot be read: nothing is cached then).
func (s *Server) cachedBody(w http.ResponseWriter, r *http.Request, key string) (version int64, ok, done bool) {
	version, err := s.db.DataVersion(r.Context())
	if err != nil {
		logger(r).Warn("list cache: read data version", "err", err)
		return 0, false, false
	}
	etag := s.pages.etag(key, version)
	if notModified(r, etag) {
		setValidator(w, etag)
		w.WriteHeader(http.StatusNotModified)
		return version, true, true
	}
	if body := s.pages.get(key, version); body != nil {
		writeCacheable(w, etag, body)
		return version, true, true
	}
	return version, true, false
}

// writePage sends v, a list answer, as writeJSON does, keeping it in the
// cache under key at version when cacheable.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, key string, version int64, cacheable bool, v any) {
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer putBodyBuffer(buf)
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		writeError(w, r, err)
		return
	}
	s.sendPage(w, key, version, cacheable, buf.Bytes())
}

// sendPage sends body, keeping it in the cache under key at version when
// cacheable.
func (s *Server) sendPage(w http.ResponseWriter, key string, version int64, cacheable bool, body []byte) {
	if !cacheable {
		writeBody(w, http.StatusOK, body)
		return
	}
	s.pages.put(key, version, body)
	writeCacheable(w, s.pages.etag(key, version), body)
}

// writeCacheable sends body with its ETag.
func writeCacheable(w http.ResponseWriter, etag string, body []byte) {
	setValidator(w, etag)
	writeBody(w, http.StatusOK, body)
}

// setValidator names the answer by etag and asks clients to check it with
// the server before they use a copy.
func setValidator(w http.ResponseWriter, etag string) {
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "no-cache")
}
