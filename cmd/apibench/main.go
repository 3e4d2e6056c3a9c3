// Command apibench is the load generator of the API benchmarks in
// BENCHMARKS.md. It serves the real API (api.New over a fresh SQLite file,
// synchronous=FULL, access log formatted as in production) on a loopback
// TCP port and drives it with concurrent keep-alive HTTP clients:
//
//	go run ./cmd/apibench                      # every scenario
//	go run ./cmd/apibench -scenario post -clients 4,16 -duration 10s
//
// Scenarios: "post" schedules messages (POST /api/messages, each client
// its own bodies); "list" reads GET /api/messages?status=pending&limit=50
// over -rows seeded messages.
//
// Against a real `vpslink serve` process, which this process then only
// loads (so the server's collector, access log and scheduling are the
// production ones):
//
//	go run ./cmd/apibench -seed /tmp/b/v.db -rows 10000   # fill a database, then exit
//	vpslink serve --db /tmp/b/v.db --sender dryrun &       # in another shell
//	go run ./cmd/apibench -url http://127.0.0.1:8080 -secret S -scenario list -clients 4
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/vpslink/vpslink/internal/tune"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/api"
	"github.com/vpslink/vpslink/store"
)

const secret = "apibench-secret"

func main() {
	scenario := flag.String("scenario", "all", "post, list or all")
	clientList := flag.String("clients", "1,4,16", "comma-separated numbers of concurrent clients")
	duration := flag.Duration("duration", 10*time.Second, "measured time per run")
	warmup := flag.Duration("warmup", time.Second, "unmeasured time before each run")
	rows := flag.Int("rows", 10000, "messages seeded for the list scenario")
	dir := flag.String("dir", "", "directory for the database (default: a temporary one)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run (server and clients) to this file")
	target := flag.String("url", "", "load this running API instead of serving one in-process")
	targetSecret := flag.String("secret", os.Getenv("VPSLINK_API_SECRET"), "API secret of -url")
	seedPath := flag.String("seed", "", "create this database with -rows pending messages and exit")
	flag.Parse()
	if *seedPath != "" {
		if err := seedFile(*seedPath, *rows); err != nil {
			fatal(err)
		}
		return
	}
	tune.GC() // as vpslink serve does; the processors are shared with the load generator
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fatal(err)
		}
		defer pprof.StopCPUProfile()
	}

	var clients []int
	for _, s := range strings.Split(*clientList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fatal(fmt.Errorf("-clients: %q is not a positive number", s))
		}
		clients = append(clients, n)
	}
	fmt.Printf("machine: %s/%s, %d CPUs, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	for _, sc := range []string{"post", "list"} {
		if *scenario != "all" && *scenario != sc {
			continue
		}
		for _, n := range clients {
			run := func() (string, error) { return runOne(sc, n, *rows, *warmup, *duration, *dir) }
			if *target != "" {
				run = func() (string, error) {
					return load(sc, n, strings.TrimRight(*target, "/"), *targetSecret, *warmup, *duration)
				}
			}
			res, err := run()
			if err != nil {
				pprof.StopCPUProfile()
				fatal(err)
			}
			fmt.Println(res)
		}
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "apibench:", err)
	os.Exit(1)
}

// noScheduler stands in for the engine: Notify is a non-blocking channel
// send in the real one, so doing nothing costs about the same.
type noScheduler struct{}

func (noScheduler) Notify()                     {}
func (noScheduler) Stop(context.Context) error  { return nil }
func (noScheduler) Start(context.Context) error { return nil }
func (noScheduler) Stopped() bool               { return false }
func (noScheduler) Problem() string             { return "" }

// runOne serves a fresh database and measures one scenario at one
// concurrency.
func runOne(scenario string, clients, rows int, warmup, duration time.Duration, dir string) (string, error) {
	ctx := context.Background()
	if dir == "" {
		tmp, err := os.MkdirTemp("", "apibench")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	path := filepath.Join(dir, fmt.Sprintf("bench-%s-%d.db", scenario, clients))
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		return "", err
	}
	defer db.Close()
	if scenario == "list" {
		if err := seed(ctx, db, rows); err != nil {
			return "", err
		}
	}
	reg := prometheus.NewRegistry()
	srv, err := api.New(api.Config{
		DB: db, Scheduler: noScheduler{}, Secret: secret, AllowedIPs: []string{"127.0.0.1"},
		Sender: "dryrun", Registerer: reg, Gatherer: reg,
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)),
	})
	if err != nil {
		return "", err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()

	return load(scenario, clients, "http://"+ln.Addr().String(), secret, warmup, duration)
}

// load drives the API at base with clients keep-alive clients: warmup
// unmeasured, then duration measured.
func load(scenario string, clients int, base, secret string, warmup, duration time.Duration) (string, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
	newReq := requestMaker(scenario, base, secret)
	if _, _, err := drive(client, clients, warmup, newReq); err != nil {
		return "", err
	}
	lat, elapsed, err := drive(client, clients, duration, newReq)
	if err != nil {
		return "", err
	}
	return report(scenario, clients, lat, elapsed), nil
}

// seedFile creates the database at path with rows pending messages.
func seedFile(path string, rows int) error {
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	if err := seed(ctx, db, rows); err != nil {
		db.Close()
		return err
	}
	return db.Close()
}

// seed inserts rows pending messages in one transaction.
func seed(ctx context.Context, db *store.DB, rows int) error {
	start := time.Now().Add(24 * time.Hour)
	return db.Update(ctx, func(tx *store.Tx) error {
		for i := range rows {
			m := &vpslink.ScheduledMessage{ToPhone: fmt.Sprintf("49151%07d", i%500), Message: "seeded message " + strconv.Itoa(i),
				ScheduledAt: start.Add(time.Duration(i) * time.Minute)}
			if err := tx.CreateMessage(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// requestMaker returns a function building client c's i-th request.
func requestMaker(scenario, base, secret string) func(c, i int) (*http.Request, int) {
	at := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	return func(c, i int) (*http.Request, int) {
		var r *http.Request
		want := http.StatusOK
		if scenario == "post" {
			body := fmt.Sprintf(`{"to_phone":"+49 151 %07d","message":"load test %d/%d","scheduled_at":%q}`, c, c, i, at)
			r, _ = http.NewRequest(http.MethodPost, base+"/api/messages", bytes.NewBufferString(body))
			r.Header.Set("Content-Type", "application/json")
			want = http.StatusCreated
		} else {
			r, _ = http.NewRequest(http.MethodGet, base+"/api/messages?status=pending&limit=50", nil)
		}
		r.Header.Set("X-API-Secret", secret)
		return r, want
	}
}

// drive runs clients loops for d and returns every request's latency.
func drive(client *http.Client, clients int, d time.Duration, newReq func(c, i int) (*http.Request, int)) ([]time.Duration, time.Duration, error) {
	var mu sync.Mutex
	var all []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for c := range clients {
		wg.Go(func() {
			lat := make([]time.Duration, 0, 4096)
			for i := 0; time.Now().Before(deadline); i++ {
				r, want := newReq(c, i)
				t0 := time.Now()
				resp, err := client.Do(r)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != want {
						err = fmt.Errorf("%s %s: status %d, want %d", r.Method, r.URL.Path, resp.StatusCode, want)
					}
				}
				if err != nil {
					mu.Lock()
					firstErr = errors.Join(firstErr, err)
					mu.Unlock()
					return
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return all, time.Since(start), firstErr
}

func report(scenario string, clients int, lat []time.Duration, elapsed time.Duration) string {
	slices.Sort(lat)
	q := func(p float64) string {
		if len(lat) == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2fms", float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds())/1000)
	}
	name := map[string]string{"post": "POST /api/messages", "list": "GET /api/messages?status=pending&limit=50"}[scenario]
	return fmt.Sprintf("%-45s clients=%-3d requests=%-7d rps=%-7.0f p50=%s p90=%s p99=%s max=%s",
		name, clients, len(lat), float64(len(lat))/elapsed.Seconds(), q(.50), q(.90), q(.99), q(1))
}
