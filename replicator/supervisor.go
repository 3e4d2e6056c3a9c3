package replicator

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// MetricsListeningMsg is the log message with which `vpslink replicate`
// announces its metrics address (attribute "addr"); the supervisor reads it
// from the child's log to find the port the child picked.
const MetricsListeningMsg = "metrics listening"

// SupervisorConfig describes the `vpslink replicate` child.
type SupervisorConfig struct {
	// DB is the database path (--db), also exported as VPSLINK_DB so that a
	// litestream.yml written with ${VPSLINK_DB} names the same file.
	DB string
	// LitestreamConfig is --litestream-config; "" lets the child resolve it.
	LitestreamConfig string

	// Executable defaults to os.Executable(); Args replace the default
	// arguments (tests use both to run other programs). Env is added to the
	// parent's environment.
	Executable string
	Args       []string
	Env        []string

	// Backoff between restarts doubles from MinBackoff (default 1s) up to
	// MaxBackoff (default 1m); it resets once a child has run for a minute.
	MinBackoff, MaxBackoff time.Duration
	// StopTimeout is how long a child may take to exit after SIGTERM before
	// it is killed (default 10s: the child's own final sync is bounded at 5s).
	StopTimeout time.Duration
	// ScrapeInterval is how often the child's metrics are read (default 5s).
	ScrapeInterval time.Duration

	Logger *slog.Logger
}

// Supervisor runs `vpslink replicate` as a child process of serve: it
// restarts it with backoff when it dies, forwards its log records, stops it
// on shutdown and merges its metrics into the parent's /metrics. A child
// never outlives its parent: it gets SIGKILL when the parent dies
// (Pdeathsig) and exits by itself when its stdin pipe from the parent closes.
type Supervisor struct {
	cfg    SupervisorConfig
	logger *slog.Logger

	mu       sync.Mutex
	pid      int
	addr     string // the child's metrics address, once announced
	up       bool   // child running and its metrics readable
	families []*dto.MetricFamily
	lag      time.Duration
	haveLag  bool
	restarts int

	metrics *prometheus.Registry
}

// NewSupervisor returns a supervisor; Run starts it.
func NewSupervisor(cfg SupervisorConfig) *Supervisor {
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = time.Minute
	}
	if cfg.StopTimeout <= 0 {
		cfg.StopTimeout = 10 * time.Second
	}
	if cfg.ScrapeInterval <= 0 {
		cfg.ScrapeInterval = 5 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Supervisor{
		cfg:     cfg,
		logger:  cfg.Logger.With("component", "replicator"),
		metrics: prometheus.NewRegistry(),
	}
	s.metrics.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "vpslink_replicator_up",
			Help: "1 while the replicator child runs and answers, else 0.",
		}, func() float64 {
			if s.Up() {
				return 1
			}
			return 0
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "vpslink_replicator_restarts_total",
			Help: "Times the replicator child was restarted after it exited.",
		}, func() float64 { return float64(s.Restarts()) }),
	)
	return s
}

// Run keeps a child running until ctx is done, then stops it. It returns
// nil after a clean shutdown; only a child that cannot be started at all
// (e.g. no executable) is an error.
func (s *Supervisor) Run(ctx context.Context) error {
	// Pdeathsig fires when the thread that started the child exits, not the
	// process: keep every child's starting thread alive for the whole run.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	backoff := s.cfg.MinBackoff
	for {
		started := time.Now()
		err := s.runOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(started) > time.Minute {
			backoff = s.cfg.MinBackoff
		}
		s.logger.Error("replicator exited; restarting", "error", err, "in", backoff)
		s.mu.Lock()
		s.restarts++
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, s.cfg.MaxBackoff)
	}
}

func (s *Supervisor) command() (*exec.Cmd, error) {
	exe := s.cfg.Executable
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("replicator: %w", err)
		}
	}
	args := s.cfg.Args
	if args == nil {
		args = []string{"replicate", "--parent-pipe", "--log-json", "--metrics-addr", "127.0.0.1:0"}
		if s.cfg.DB != "" {
			args = append(args, "--db", s.cfg.DB)
		}
		if s.cfg.LitestreamConfig != "" {
			args = append(args, "--litestream-config", s.cfg.LitestreamConfig)
		}
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = os.Environ()
	if s.cfg.DB != "" {
		cmd.Env = append(cmd.Env, "VPSLINK_DB="+s.cfg.DB)
	}
	cmd.Env = append(cmd.Env, s.cfg.Env...)
	// SIGKILL when the parent dies, even by SIGKILL (see Run for the
	// thread); the stdin pipe is the second line: the child exits on EOF.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	return cmd, nil
}

// runOnce starts one child and waits for it to exit or for ctx to end.
func (s *Supervisor) runOnce(ctx context.Context) error {
	cmd, err := s.command()
	if err != nil {
		return err
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	defer stdin.Close()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start replicator: %w", err)
	}
	s.mu.Lock()
	s.pid, s.addr, s.up, s.families, s.haveLag = cmd.Process.Pid, "", false, nil, false
	s.mu.Unlock()
	s.logger.Info("replicator started", "pid", cmd.Process.Pid)

	var logs sync.WaitGroup
	logs.Add(2)
	go func() { defer logs.Done(); s.forwardLogs(stderr) }()
	go func() { defer logs.Done(); s.forwardLogs(stdout) }()

	exited := make(chan error, 1)
	go func() {
		logs.Wait() // Wait closes the pipes: read them to the end first
		exited <- cmd.Wait()
	}()

	scrape := time.NewTicker(s.cfg.ScrapeInterval)
	defer scrape.Stop()
	defer func() {
		s.mu.Lock()
		s.pid, s.up, s.families, s.haveLag = 0, false, nil, false
		s.mu.Unlock()
	}()
	for {
		select {
		case err := <-exited:
			if err == nil {
				err = fmt.Errorf("exited")
			}
			return err
		case <-scrape.C:
			s.scrape(ctx)
		case <-ctx.Done():
			s.stop(cmd, exited)
			return ctx.Err()
		}
	}
}

// stop asks the child to finish its last sync and exit, then kills it.
func (s *Supervisor) stop(cmd *exec.Cmd, exited <-chan error) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
		s.logger.Info("replicator stopped")
	case <-time.After(s.cfg.StopTimeout):
		s.logger.Warn("replicator did not stop in time; killing it", "timeout", s.cfg.StopTimeout)
		_ = cmd.Process.Kill()
		<-exited
	}
}

// PID is the running child's process id, 0 when none is running.
func (s *Supervisor) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pid
}

// Up reports whether the child is running and answered its last scrape.
func (s *Supervisor) Up() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.up
}

// Lag is the child's last reported vpslink_replication_lag_seconds; ok is
// false while no child has reported one (not started, down, restarting).
func (s *Supervisor) Lag() (lag time.Duration, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lag, s.haveLag
}

// Restarts is how many times the child was restarted.
func (s *Supervisor) Restarts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.restarts
}
