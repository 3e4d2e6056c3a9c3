package importer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// S3Config says where the legacy files are in S3 and how to reach them.
type S3Config struct {
	URL             string // s3://bucket/prefix
	Endpoint        string // "" for AWS itself
	Region          string
	PathStyle       bool
	AccessKeyID     string // none: anonymous requests
	SecretAccessKey string
	SessionToken    string
	// CABundle is a PEM file of CAs trusted besides the system's, for an
	// endpoint with a self-signed certificate (AWS_CA_BUNDLE).
	CABundle string
}

// S3 is an S3 prefix holding the legacy files.
type S3 struct {
	client         *s3.Client
	bucket, prefix string
}

// NewS3 checks cfg and builds the client. Nothing is requested yet.
func NewS3(cfg S3Config) (*S3, error) {
	bucket, prefix, err := parseS3URL(cfg.URL)
	if err != nil {
		return nil, err
	}
	httpClient, err := httpClientWithCA(cfg.CABundle)
	if err != nil {
		return nil, err
	}
	var creds aws.CredentialsProvider = aws.AnonymousCredentials{}
	if cfg.AccessKeyID != "" || cfg.SecretAccessKey != "" {
		if cfg.AccessKeyID == "" || cfg.SecretAccessKey == "" {
			return nil, errors.New("S3 credentials: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
		}
		creds = credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, cfg.SessionToken)
	}
	if cfg.Region == "" {
		return nil, errors.New("S3 region: must not be empty")
	}
	client := s3.New(s3.Options{
		Region:       cfg.Region,
		Credentials:  creds,
		HTTPClient:   httpClient,
		UsePathStyle: cfg.PathStyle,
		// Garage and other S3-compatible servers do not all know the
		// newer default checksums; only use them where S3 requires them.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}, func(o *s3.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
	})
	return &S3{client: client, bucket: bucket, prefix: prefix}, nil
}

// parseS3URL splits s3://bucket/prefix.
func parseS3URL(s string) (bucket, prefix string, err error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return "", "", fmt.Errorf("%q is not an s3://bucket/prefix URL", s)
	}
	return u.Host, strings.Trim(u.Path, "/"), nil
}

// httpClientWithCA returns an HTTP client that trusts the system's CAs and
// those in the PEM file bundle. The SDK's own AWS_CA_BUNDLE handling is not
// used because it replaces the client's transport.
func httpClientWithCA(bundle string) (*http.Client, error) {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if bundle != "" {
		pem, err := os.ReadFile(bundle)
		if err != nil {
			return nil, fmt.Errorf("CA bundle: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA bundle %s holds no PEM certificates", bundle)
		}
		transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: transport}, nil
}

// Open streams one object. A missing object matches fs.ErrNotExist.
func (s *S3) Open(ctx context.Context, name string) (io.ReadCloser, int64, error) {
	key := path.Join(s.prefix, name)
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil {
		var api smithy.APIError
		if errors.As(err, &api) && (api.ErrorCode() == "NoSuchKey" || api.ErrorCode() == "NotFound") {
			return nil, 0, fmt.Errorf("s3://%s/%s: %w", s.bucket, key, fs.ErrNotExist)
		}
		return nil, 0, fmt.Errorf("get s3://%s/%s: %w", s.bucket, key, err)
	}
	return out.Body, aws.ToInt64(out.ContentLength), nil
}

func (s *S3) String() string { return "s3://" + path.Join(s.bucket, s.prefix) }
