package s3test_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/vpslink/vpslink/internal/s3test"
)

func TestServer(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts []s3test.Option
	}{
		{"http", nil},
		{"tls", []s3test.Option{s3test.WithTLS()}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := s3test.Start(t, tt.opts...)
			if (srv.CAFile != "") != strings.HasPrefix(srv.Endpoint, "https://") {
				t.Fatalf("endpoint %s with CA file %q", srv.Endpoint, srv.CAFile)
			}
			ctx := context.Background()
			put(t, srv, "a/b.txt", "hello")

			srv.Stop()
			if _, err := srv.Client().ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(srv.Bucket)}); err == nil {
				t.Fatal("request succeeded while the server was stopped")
			}
			srv.Restart()
			if got := get(t, srv, "a/b.txt"); got != "hello" {
				t.Fatalf("after restart got %q", got)
			}

			var puts int
			for _, r := range srv.Requests() {
				if r.Operation == "PutObject" && r.Key == "a/b.txt" {
					puts++
					if r.Status != 200 || r.Size != 5 {
						t.Errorf("put logged as %+v", r)
					}
				}
			}
			if puts != 1 {
				t.Fatalf("access log has %d PutObject lines, want 1: %+v", puts, srv.Requests())
			}
		})
	}
}

func put(t *testing.T, srv *s3test.Server, key, body string) {
	t.Helper()
	_, err := srv.Client().PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(srv.Bucket), Key: aws.String(key), Body: strings.NewReader(body),
	})
	if err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, srv *s3test.Server, key string) string {
	t.Helper()
	out, err := srv.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(srv.Bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
