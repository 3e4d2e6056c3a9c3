// Package s3test runs a real S3 server (versitygw with its posix backend) on
// loopback for tests, over plain HTTP or TLS with a throwaway CA, configured
// like the user's Garage: region "garage" and path-style addressing.
package s3test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/vpslink/vpslink/internal/tooltest"
)

// Region is the region the server runs with, as the user's Garage does.
const Region = "garage"

// Server is a running versitygw. Its fields are fixed for the life of the
// test, across Stop and Restart.
type Server struct {
	Endpoint  string // http://127.0.0.1:PORT or https://127.0.0.1:PORT
	Region    string
	Bucket    string
	AccessKey string
	SecretKey string
	CAFile    string // PEM of the CA that signed the server certificate; "" over HTTP

	t       testing.TB
	bin     string
	addr    string
	dataDir string
	logFile string // access log: one line per request
	outFile string // the server's own stdout and stderr
	certs   certFiles

	mu        sync.Mutex
	cmd       *exec.Cmd
	cmdExited chan error
}

type options struct {
	tls    bool
	bucket string
}

// Option configures Start.
type Option func(*options)

// WithTLS serves HTTPS with a freshly generated CA, written to Server.CAFile.
func WithTLS() Option { return func(o *options) { o.tls = true } }

// WithBucket names the bucket Start creates (default "vpslink").
func WithBucket(name string) Option { return func(o *options) { o.bucket = name } }

// Start runs versitygw on a free loopback port with its data in a temporary
// directory, creates the bucket and returns once the server answers S3
// requests. The server is stopped when the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	o := options{bucket: "vpslink"}
	for _, opt := range opts {
		opt(&o)
	}
	bin := tooltest.Built(t, "versitygw")

	dir := t.TempDir()
	s := &Server{
		Region:    Region,
		Bucket:    o.bucket,
		AccessKey: "vpslinktest",
		SecretKey: "vpslinktestsecret",
		t:         t,
		bin:       bin,
		dataDir:   filepath.Join(dir, "data"),
		logFile:   filepath.Join(dir, "access.log"),
		outFile:   filepath.Join(dir, "server.log"),
	}
	if err := os.Mkdir(s.dataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	s.addr = fmt.Sprintf("127.0.0.1:%d", port)
	scheme := "http"
	if o.tls {
		if s.certs, err = writeCerts(dir); err != nil {
			t.Fatalf("s3test: certificates: %v", err)
		}
		s.CAFile = s.certs.CA
		scheme = "https"
	}
	s.Endpoint = scheme + "://" + s.addr

	t.Cleanup(s.Stop)
	if err := s.start(); err != nil {
		t.Fatalf("s3test: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.Client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(s.Bucket)}); err != nil {
		t.Fatalf("s3test: create bucket %s: %v", s.Bucket, err)
	}
	return s
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start launches the server process and waits until it accepts requests.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("already running")
	}
	args := []string{
		"--port", s.addr,
		"--access", s.AccessKey,
		"--secret", s.SecretKey,
		"--region", s.Region,
		"--access-log", s.logFile,
		"--quiet",
	}
	if s.certs.Cert != "" {
		args = append(args, "--cert", s.certs.Cert, "--key", s.certs.Key)
	}
	args = append(args, "posix", s.dataDir)

	out, err := os.OpenFile(s.outFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd := exec.Command(s.bin, args...)
	cmd.Stdout, cmd.Stderr = out, out
	// The server must not outlive a test binary that is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start versitygw: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	s.cmd = cmd
	s.cmdExited = exited

	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case err := <-exited:
			s.cmd = nil
			return fmt.Errorf("versitygw exited at start-up (%v): %s", err, s.output())
		default:
		}
		if s.ready() {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("versitygw not ready after 15s: %s", s.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ready reports whether the server accepts connections. It does not send a
// request, so that the access log only holds the test's own traffic.
func (s *Server) ready() bool {
	conn, err := net.DialTimeout("tcp", s.addr, time.Second)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

func (s *Server) output() string {
	b, _ := os.ReadFile(s.outFile)
	return string(bytes.TrimSpace(b))
}

// Stop terminates the server, keeping its port and data for Restart.
// Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.cmdExited:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.cmdExited
	}
	s.cmd = nil
}

// Restart starts a stopped server again on the same port with the same data.
func (s *Server) Restart() {
	s.t.Helper()
	if err := s.start(); err != nil {
		s.t.Fatalf("s3test: restart: %v", err)
	}
}

// HTTPClient returns a client that trusts the server's CA (over TLS).
func (s *Server) HTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if s.CAFile != "" {
		pem, err := os.ReadFile(s.CAFile)
		if err != nil {
			s.t.Fatalf("s3test: %v", err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	return &http.Client{Transport: tr}
}

// Client returns an S3 client for the server, configured explicitly so that
// nothing in the environment (AWS_CA_BUNDLE, AWS_PROFILE, ...) affects it.
func (s *Server) Client() *s3.Client {
	return s3.New(s3.Options{
		Region:       s.Region,
		BaseEndpoint: aws.String(s.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
		HTTPClient:   s.HTTPClient(),
		// Like Garage, the server does not need the SDK's default checksums.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
}

// URL returns the s3:// URL of prefix in the bucket.
func (s *Server) URL(prefix string) string {
	return "s3://" + s.Bucket + "/" + strings.TrimPrefix(prefix, "/")
}

// Env returns the environment a child process needs to reach the server
// through the standard AWS variables, as KEY=VALUE pairs.
func (s *Server) Env() []string {
	env := []string{
		"AWS_ACCESS_KEY_ID=" + s.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + s.SecretKey,
		"AWS_REGION=" + s.Region,
		"AWS_ENDPOINT_URL_S3=" + s.Endpoint,
	}
	if s.CAFile != "" {
		env = append(env, "AWS_CA_BUNDLE="+s.CAFile)
	}
	return env
}
