package s3client_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/vpslink/vpslink/internal/s3client"
	"github.com/vpslink/vpslink/internal/s3test"
)

// isolate keeps the machine's AWS settings out of a test.
func isolate(t *testing.T) {
	t.Helper()
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CA_BUNDLE",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
}

// TestNew_TLS reaches a real S3 server whose certificate only its own CA
// signs, trusted through the configuration or, without one, AWS_CA_BUNDLE.
func TestNew_TLS(t *testing.T) {
	isolate(t)
	srv := s3test.Start(t, s3test.WithTLS())
	bad := filepath.Join(t.TempDir(), "bad.pem")
	if err := os.WriteFile(bad, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := s3client.Config{Endpoint: srv.Endpoint, AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}
	for _, tt := range []struct {
		name     string
		caBundle string // the configuration's
		envCA    string // AWS_CA_BUNDLE
		wantErr  string // from the request; "" lists the bucket
	}{
		{"bundle in the configuration", srv.CAFile, "", ""},
		{"bundle in the environment", "", srv.CAFile, ""},
		{"the configuration wins over the environment", srv.CAFile, bad, ""},
		{"no bundle", "", "", "certificate"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("AWS_CA_BUNDLE", tt.envCA)
			cfg := base
			cfg.CABundle = tt.caBundle
			client, err := s3client.New(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(srv.Bucket)})
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("list: %v, want error %q", err, tt.wantErr)
			}
		})
	}
}

func TestNew_Settings(t *testing.T) {
	isolate(t)
	bad := filepath.Join(t.TempDir(), "bad.pem")
	if err := os.WriteFile(bad, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name       string
		cfg        s3client.Config
		env        map[string]string
		wantRegion string
		wantPath   bool
		wantErr    string
	}{
		{"defaults", s3client.Config{}, nil, "garage", true, ""},
		{"region from the environment", s3client.Config{}, map[string]string{"AWS_REGION": "eu-west-1"}, "eu-west-1", true, ""},
		{"region in the configuration", s3client.Config{Region: "home"}, map[string]string{"AWS_REGION": "eu-west-1"}, "home", true, ""},
		{"virtual-hosted", s3client.Config{VirtualHosted: true}, nil, "garage", false, ""},
		{"key without secret", s3client.Config{AccessKeyID: "k"}, nil, "", false, "set both"},
		{"secret without key", s3client.Config{SecretAccessKey: "s"}, nil, "", false, "set both"},
		{"bundle without certificates", s3client.Config{CABundle: bad}, nil, "", false, "no PEM certificates"},
		{"missing bundle", s3client.Config{CABundle: bad + ".missing"}, nil, "", false, "no such file"},
		{"bad bundle in the environment", s3client.Config{}, map[string]string{"AWS_CA_BUNDLE": bad}, "", false, "no PEM certificates"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			client, err := s3client.New(context.Background(), tt.cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("New: %v, want error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o := client.Options(); o.Region != tt.wantRegion || o.UsePathStyle != tt.wantPath {
				t.Fatalf("region %q, path style %v; want %q, %v", o.Region, o.UsePathStyle, tt.wantRegion, tt.wantPath)
			}
		})
	}
}

func TestParseURL(t *testing.T) {
	for _, tt := range []struct {
		url, bucket, prefix string
		ok                  bool
	}{
		{"s3://bucket/legacy/", "bucket", "legacy", true},
		{"s3://bucket/a/b", "bucket", "a/b", true},
		{"s3://bucket", "bucket", "", true},
		{"s3:///prefix", "", "", false},
		{"http://bucket/x", "", "", false},
		{"bucket/x", "", "", false},
	} {
		bucket, prefix, err := s3client.ParseURL(tt.url)
		if (err == nil) != tt.ok || bucket != tt.bucket || prefix != tt.prefix {
			t.Errorf("ParseURL(%q) = %q, %q, %v", tt.url, bucket, prefix, err)
		}
	}
}
