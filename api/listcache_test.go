package api_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vpslink/vpslink/store/storetest"
)

const pendingList = "/api/messages?status=pending&limit=50"

// seedList stores n pending messages an hour apart from the day after Now.
func seedList(t *testing.T, e *env, n int) {
	t.Helper()
	for i := range n {
		storetest.CreateMessage(t, e.db, "+491511234567", fmt.Sprintf("text %d", i), storetest.Now.Add(24*time.Hour+time.Duration(i)*time.Hour))
	}
}

// rawExec runs query on a connection of its own, as another program
// writing the file would.
func rawExec(t *testing.T, e *env, query string) {
	t.Helper()
	if _, err := storetest.Raw(t, e.db).Exec(query); err != nil {
		t.Fatal(err)
	}
}

// listBody gets path, asserting a 200 with an ETag.
func listBody(t *testing.T, e *env, path string) *resp {
	t.Helper()
	r := e.do(req{path: path})
	r.ok(t, 200, nil)
	if r.header.Get("ETag") == "" || r.header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("%s: ETag %q, Cache-Control %q", path, r.header.Get("ETag"), r.header.Get("Cache-Control"))
	}
	return r
}

// uncached is what a server with an empty cache answers for path.
func uncached(t *testing.T, e *env, path string) []byte {
	t.Helper()
	fresh := *e
	fresh.build()
	return listBody(t, &fresh, path).body
}

func TestListCache_RepeatedListIsTheSame(t *testing.T) {
	e := newEnv(t)
	seedList(t, e, 3)
	first := listBody(t, e, pendingList)
	for range 3 {
		again := listBody(t, e, pendingList)
		if !bytes.Equal(again.body, first.body) || again.header.Get("ETag") != first.header.Get("ETag") {
			t.Fatalf("repeated list differs:\n%s %s\n%s %s", first.header.Get("ETag"), first.body, again.header.Get("ETag"), again.body)
		}
	}
	if !bytes.Equal(first.body, uncached(t, e, pendingList)) {
		t.Fatal("cached list differs from an uncached one")
	}
	r := e.do(req{path: pendingList, header: map[string]string{"If-None-Match": `"other", ` + first.header.Get("ETag")}})
	if r.code != 304 || len(r.body) != 0 || r.header.Get("ETag") != first.header.Get("ETag") {
		t.Fatalf("If-None-Match with the ETag: %d %q %s", r.code, r.header.Get("ETag"), r.body)
	}
	if r := e.do(req{path: pendingList, header: map[string]string{"If-None-Match": `"other"`}}); r.code != 200 {
		t.Fatalf("If-None-Match with another ETag: %d", r.code)
	}
}

func TestListCache_AnyWriteInvalidates(t *testing.T) {
	tests := []struct {
		name  string
		write func(t *testing.T, e *env)
	}{
		{"through the API", func(t *testing.T, e *env) {
			e.do(req{method: "POST", path: "/api/messages", body: `{"to_phone":"491511234567","message":"new one","scheduled_at":"2026-11-27T13:00:00Z"}`}).ok(t, 201, nil)
		}},
		{"through another store on the same file, as the CLI", func(t *testing.T, e *env) {
			other := storetest.Open(t, storetest.WithPath(e.path))
			storetest.CreateMessage(t, other, "+491511234567", "new one", storetest.Now.Add(time.Hour))
			if err := other.Close(); err != nil {
				t.Fatal(err)
			}
		}},
		{"through a raw connection", func(t *testing.T, e *env) {
			rawExec(t, e, `UPDATE scheduled_messages SET message = 'new one' WHERE message = 'text 0'`)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			seedList(t, e, 3)
			before := listBody(t, e, pendingList)
			listBody(t, e, pendingList) // now from the cache
			tt.write(t, e)
			after := listBody(t, e, pendingList)
			if !bytes.Contains(after.body, []byte("new one")) {
				t.Fatalf("list after the write does not show it: %s", after.body)
			}
			if after.header.Get("ETag") == before.header.Get("ETag") {
				t.Fatalf("ETag %s did not change", after.header.Get("ETag"))
			}
			if r := e.do(req{path: pendingList, header: map[string]string{"If-None-Match": before.header.Get("ETag")}}); r.code != 200 || !bytes.Equal(r.body, after.body) {
				t.Fatalf("old ETag after the write: %d %s", r.code, r.body)
			}
			if !bytes.Equal(after.body, uncached(t, e, pendingList)) {
				t.Fatal("list after the write differs from an uncached one")
			}
		})
	}
}

func TestListCache_QueriesDoNotMix(t *testing.T) {
	e := newEnv(t)
	seedList(t, e, 3)
	paths := []string{
		pendingList,
		"/api/messages?status=pending&limit=2",
		"/api/messages?status=pending&limit=2&offset=1",
		"/api/messages?status=sent",
		"/api/messages?search=text%201",
		"/api/messages?from=2026-11-28T13:00:00Z",
		"/api/messages",
	}
	// Twice each, interleaved: the second round comes from the cache.
	etags := map[string]string{}
	for round := range 2 {
		for _, p := range paths {
			r := listBody(t, e, p)
			if want := uncached(t, e, p); !bytes.Equal(r.body, want) {
				t.Fatalf("round %d, %s:\n%s\nwant\n%s", round, p, r.body, want)
			}
			for other, tag := range etags {
				if other != p && tag == r.header.Get("ETag") {
					t.Fatalf("%s and %s share the ETag %s", p, other, tag)
				}
			}
			etags[p] = r.header.Get("ETag")
		}
	}
	// The same query written differently is the same list.
	a := listBody(t, e, "/api/messages?from=2026-11-28T13:00:00Z&limit=50")
	b := listBody(t, e, "/api/messages?limit=50&from=2026-11-28T14:00:00%2B01:00&_=123")
	if !bytes.Equal(a.body, b.body) || a.header.Get("ETag") != b.header.Get("ETag") {
		t.Fatalf("same query, different answers:\n%s\n%s", a.body, b.body)
	}
}

func TestListCache_ConcurrentReadsAndWrites(t *testing.T) {
	e := newEnv(t)
	seedList(t, e, 5)
	paths := []string{pendingList, "/api/messages?status=pending&limit=2", "/api/messages?status=sent"}
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			for j := range 20 {
				p := paths[(i+j)%len(paths)]
				if r := e.do(req{path: p}); r.code != 200 {
					t.Errorf("%s: %d %s", p, r.code, r.body)
				}
			}
		})
	}
	wg.Go(func() {
		for j := range 5 {
			body := fmt.Sprintf(`{"to_phone":"491511234567","message":"added %d","scheduled_at":"2026-11-27T13:00:00Z"}`, j)
			if r := e.do(req{method: "POST", path: "/api/messages", body: body}); r.code != 201 {
				t.Errorf("create: %d %s", r.code, r.body)
			}
		}
	})
	wg.Wait()
	for _, p := range paths {
		if got, want := listBody(t, e, p).body, uncached(t, e, p); !bytes.Equal(got, want) {
			t.Fatalf("%s after concurrent writes:\n%s\nwant\n%s", p, got, want)
		}
	}
}

func TestListCache_JobsAndContacts(t *testing.T) {
	tests := []struct {
		path, raw string
	}{
		{"/api/jobs?status=pending", `UPDATE jobs SET title = 'new one'`},
		{"/api/contacts?limit=10", `UPDATE contacts SET name = 'new one'`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			e := newEnv(t)
			e.do(req{method: "POST", path: "/api/jobs", body: `{"title":"old","scheduled_start_at":"2026-12-24T09:00:00Z","recipients":["4930123456"],"message_parts":[{"text":"hi"}]}`}).ok(t, 201, nil)
			e.do(req{method: "POST", path: "/api/contacts", body: `{"phone":"491511234567","name":"old"}`}).ok(t, 201, nil)
			first := listBody(t, e, tt.path)
			if again := listBody(t, e, tt.path); !bytes.Equal(again.body, first.body) || again.header.Get("ETag") != first.header.Get("ETag") {
				t.Fatalf("repeated list differs:\n%s\n%s", first.body, again.body)
			}
			rawExec(t, e, tt.raw)
			after := listBody(t, e, tt.path)
			if !bytes.Contains(after.body, []byte("new one")) || after.header.Get("ETag") == first.header.Get("ETag") {
				t.Fatalf("list after a raw write (ETag %s, was %s): %s", after.header.Get("ETag"), first.header.Get("ETag"), after.body)
			}
			if !bytes.Equal(after.body, uncached(t, e, tt.path)) {
				t.Fatal("list after the write differs from an uncached one")
			}
		})
	}
}
