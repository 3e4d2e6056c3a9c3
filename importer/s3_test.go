package importer

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/vpslink/vpslink/internal/s3client"
	"github.com/vpslink/vpslink/internal/s3test"
	"github.com/vpslink/vpslink/store/storetest"
)

// Importing from a real S3 server over TLS with a self-signed CA gives the
// same database as importing the same files from a directory.
func TestS3_ImportOverTLS(t *testing.T) {
	ctx := context.Background()
	srv := s3test.Start(t, s3test.WithTLS())
	dir := filepath.Join("testdata", "gen2")
	eachFile(t, dir, func(name string, b []byte) {
		_, err := srv.Client().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(srv.Bucket),
			Key: aws.String("legacy/" + name), Body: bytes.NewReader(b)})
		if err != nil {
			t.Fatal(err)
		}
	})
	cfg := s3client.Config{Endpoint: srv.Endpoint, Region: srv.Region,
		AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey, CABundle: srv.CAFile}
	src, err := NewS3(ctx, srv.URL("legacy/"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	fromS3 := storetest.Open(t)
	rep := mustRun(t, fromS3, src, Options{})
	if rep.Source != "s3://"+srv.Bucket+"/legacy" || rep.Database.Contacts != 2 {
		t.Errorf("report %+v", rep)
	}
	fromDir := storetest.Open(t)
	mustRun(t, fromDir, Dir(dir), Options{})
	if a, b := dump(t, fromS3), dump(t, fromDir); a != b {
		t.Fatalf("S3 import differs from directory import:\n%s\n---\n%s", a, b)
	}

	t.Run("empty prefix", func(t *testing.T) {
		src, err := NewS3(ctx, srv.URL("nothing-here"), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Run(ctx, storetest.Open(t), src, Options{}); err == nil || !strings.Contains(err.Error(), "no legacy files") {
			t.Fatal(err)
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		t.Setenv("AWS_CA_BUNDLE", "")
		cfg := cfg
		cfg.CABundle = ""
		src, err := NewS3(ctx, srv.URL("legacy/"), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Run(ctx, storetest.Open(t), src, Options{}); err == nil || !strings.Contains(err.Error(), "certificate") {
			t.Fatal(err)
		}
	})
}

// NewS3 refuses what is not an S3 prefix, and the client settings that
// s3client refuses, before any request.
func TestNewS3_Config(t *testing.T) {
	for _, tt := range []struct {
		url  string
		cfg  s3client.Config
		want string
	}{
		{"http://bucket/x", s3client.Config{}, "not an s3://bucket/prefix URL"},
		{"s3:///x", s3client.Config{}, "not an s3://bucket/prefix URL"},
		{"s3://b/x", s3client.Config{AccessKeyID: "k"}, "set both"},
	} {
		if _, err := NewS3(context.Background(), tt.url, tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %+v: %v, want %q", tt.url, tt.cfg, err, tt.want)
		}
	}
}
