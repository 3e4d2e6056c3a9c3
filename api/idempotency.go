package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash/fnv"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store"
)

// Idempotency keys are kept this long; a client retries within minutes.
const (
	idempotencyRetention = 7 * 24 * time.Hour
	idempotencyPrune     = time.Hour
)

// idempotency implements the Idempotency-Key header of POST requests: the
// first response (status and body) to a key is stored durably, and a
// repeat of the same request gets it back without running again. Creates
// store it in the transaction of the write itself (commit), so that a crash
// can never leave a write without its key; other POSTs, which are
// idempotent by nature, store it right after.
type idempotency struct {
	s *Server
	// locks serialise requests that share a key, so that two concurrent
	// repeats cannot both run.
	locks [64]sync.Mutex

	mu        sync.Mutex
	lastPrune time.Time
}

func newIdempotency(s *Server) *idempotency { return &idempotency{s: s} }

// idemRequest is a keyed request in flight.
type idemRequest struct {
	key, method, path, hash string
	saved                   bool
}

func (q *idemRequest) record(status int, body []byte) *store.IdempotencyRecord {
	return &store.IdempotencyRecord{Key: q.key, Method: q.method, Path: q.path,
		RequestHash: q.hash, StatusCode: status, Response: body}
}

type idemKey struct{}

func idemFrom(ctx context.Context) *idemRequest {
	q, _ := ctx.Value(idemKey{}).(*idemRequest)
	return q
}

func validIdempotencyKey(k string) bool {
	if len(k) == 0 || len(k) > 255 {
		return false
	}
	for _, c := range []byte(k) {
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

// wrap applies Idempotency-Key handling to a POST route.
func (m *idempotency) wrap(next http.Handler) http.Handler {
	return handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		key, ok := r.Header["Idempotency-Key"]
		if !ok {
			next.ServeHTTP(w, r)
			return nil
		}
		if len(key) != 1 || !validIdempotencyKey(key[0]) {
			return vpslink.FieldError("Idempotency-Key", "must be 1 to 255 visible ASCII characters, given once")
		}
		body, err := readBody(r)
		if err != nil {
			return err
		}
		r.Body = http.NoBody
		if len(body) > 0 {
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		sum := sha256.Sum256(canonicalJSON(body))
		q := &idemRequest{key: key[0], method: r.Method, path: r.URL.Path, hash: hex.EncodeToString(sum[:])}

		lock := &m.locks[keyStripe(q.key)]
		lock.Lock()
		defer lock.Unlock()
		m.prune(r)

		prev, err := m.s.db.IdempotencyRecord(r.Context(), q.key, q.method, q.path)
		if err != nil {
			return err
		}
		if prev != nil {
			if prev.RequestHash != q.hash && prev.RequestHash != rawHash(body) {
				return &vpslink.Error{Code: vpslink.ECONFLICT, Field: "Idempotency-Key",
					Message: "was already used with a different request body"}
			}
			w.Header().Set("Idempotent-Replayed", "true")
			writeBody(w, prev.StatusCode, prev.Response)
			return nil
		}

		rec := &statusRecorder{ResponseWriter: w, body: &bytes.Buffer{}}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), idemKey{}, q)))
		if q.saved || rec.status < 200 || rec.status > 299 {
			return nil // stored with the write, or an error: nothing to replay
		}
		if err := m.s.db.SaveIdempotencyRecord(r.Context(), q.record(rec.status, rec.body.Bytes())); err != nil {
			logger(r).Error("store idempotency key", "err", err)
		}
		return nil
	})
}

// canonicalJSON returns body with its object keys sorted and whitespace
// removed, so that a client that retries with the same JSON serialised
// differently is recognised as the same request. A body that is not JSON
// is compared as it is (the handler will refuse it anyway).
func canonicalJSON(body []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // 1.0 and 1e0 stay what the client wrote
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return body
	}
	out, err := json.Marshal(v) // sorts map keys
	if err != nil {
		return body
	}
	return out
}

// rawHash is how keys stored before bodies were canonicalised were hashed;
// they stay valid for their retention.
func rawHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// prune deletes expired keys, at most once per idempotencyPrune.
func (m *idempotency) prune(r *http.Request) {
	now := m.s.now()
	m.mu.Lock()
	due := now.Sub(m.lastPrune) >= idempotencyPrune
	if due {
		m.lastPrune = now
	}
	m.mu.Unlock()
	if !due {
		return
	}
	if _, err := m.s.db.PruneIdempotencyRecords(r.Context(), now.Add(-idempotencyRetention)); err != nil {
		logger(r).Warn("prune idempotency keys", "err", err)
	}
}

func keyStripe(key string) int {
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % 64)
}

// commit runs fn in a write transaction, possibly shared with concurrent
// requests (store.Batcher), and answers status with fn's result in the
// success envelope. With an Idempotency-Key, the response is stored in the
// same transaction, so the write and its key commit or vanish together.
func (s *Server) commit(w http.ResponseWriter, r *http.Request, status int, fn func(ctx context.Context, tx *store.Tx) (any, error)) error {
	q := idemFrom(r.Context())
	var body []byte
	err := s.batch.Update(r.Context(), func(ctx context.Context, tx *store.Tx) error {
		data, err := fn(ctx, tx)
		if err != nil {
			return err
		}
		if body, err = encode(success{Success: true, Data: data}); err != nil {
			return err
		}
		if q != nil {
			return tx.SaveIdempotencyRecord(ctx, q.record(status, body))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if q != nil {
		q.saved = true
	}
	writeBody(w, status, body)
	return nil
}
