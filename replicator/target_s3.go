package replicator

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/vpslink/vpslink"
)

// S3Config locates an S3 bucket prefix. Empty fields fall back to the AWS
// environment (AWS_ENDPOINT_URL_S3, AWS_REGION, AWS_ACCESS_KEY_ID, ...).
type S3Config struct {
	Bucket          string
	Prefix          string
	Endpoint        string
	Region          string
	AccessKeyID     string
	SecretAccessKey string
}

// S3Target is a Target in an S3 bucket. It uses path-style addressing and
// only PutObject, GetObject, ListObjectsV2 and DeleteObject, all of which
// Garage implements; the client is built lazily so that a target can be
// described before the network is needed.
type S3Target struct {
	cfg S3Config

	once   sync.Once
	client *s3.Client
	err    error
}

// NewS3Target returns a target for cfg.
func NewS3Target(cfg S3Config) *S3Target {
	cfg.Prefix = strings.Trim(cfg.Prefix, "/")
	return &S3Target{cfg: cfg}
}

func (t *S3Target) String() string {
	return "s3://" + path.Join(t.cfg.Bucket, t.cfg.Prefix)
}

func (t *S3Target) key(name string) string {
	return path.Join(t.cfg.Prefix, name)
}

func (t *S3Target) s3(ctx context.Context) (*s3.Client, error) {
	t.once.Do(func() { t.client, t.err = newS3Client(ctx, t.cfg) })
	return t.client, t.err
}

// newS3Client builds a client whose TLS roots are the system's plus the file
// named by AWS_CA_BUNDLE. The SDK on its own replaces the system roots with
// the bundle, and refuses custom HTTP clients when the variable is set.
func newS3Client(ctx context.Context, c S3Config) (*s3.Client, error) {
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		if tr.TLSClientConfig == nil {
			tr.TLSClientConfig = &tls.Config{}
		}
		tr.TLSClientConfig.RootCAs = roots // the SDK appends AWS_CA_BUNDLE to it
	})
	opts := []func(*config.LoadOptions) error{config.WithHTTPClient(httpClient)}
	if c.Region != "" {
		opts = append(opts, config.WithRegion(c.Region))
	}
	if c.AccessKeyID != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, "")))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("s3 client for %s: %w", c.Bucket, err)
	}
	if cfg.Region == "" {
		cfg.Region = "garage"
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = true
		if c.Endpoint != "" {
			o.BaseEndpoint = aws.String(c.Endpoint)
		}
		// Garage does not implement the SDK's default flexible checksums.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	}), nil
}

func (t *S3Target) Put(ctx context.Context, key string, r io.ReadSeeker, size int64, meta map[string]string) error {
	client, err := t.s3(ctx)
	if err != nil {
		return err
	}
	_, err = client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(t.cfg.Bucket),
		Key:           aws.String(t.key(key)),
		Body:          r,
		ContentLength: aws.Int64(size),
		Metadata:      meta,
	})
	if err != nil {
		return fmt.Errorf("put %s/%s: %w", t, key, err)
	}
	return nil
}

func (t *S3Target) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	client, err := t.s3(ctx)
	if err != nil {
		return nil, err
	}
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(t.cfg.Bucket), Key: aws.String(t.key(key))})
	var noKey *types.NoSuchKey
	if errors.As(err, &noKey) {
		return nil, vpslink.Errorf(vpslink.ENOTFOUND, "%s: no object %q", t, key)
	} else if err != nil {
		return nil, fmt.Errorf("get %s/%s: %w", t, key, err)
	}
	return out.Body, nil
}

// List returns the objects directly under the prefix.
func (t *S3Target) List(ctx context.Context) ([]Object, error) {
	client, err := t.s3(ctx)
	if err != nil {
		return nil, err
	}
	prefix := t.cfg.Prefix
	if prefix != "" {
		prefix += "/"
	}
	var objects []Object
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{
		Bucket:    aws.String(t.cfg.Bucket),
		Prefix:    aws.String(prefix),
		Delimiter: aws.String("/"),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", t, err)
		}
		for _, o := range page.Contents {
			objects = append(objects, Object{
				Key:     strings.TrimPrefix(aws.ToString(o.Key), prefix),
				Size:    aws.ToInt64(o.Size),
				ModTime: aws.ToTime(o.LastModified),
			})
		}
	}
	return objects, nil
}

func (t *S3Target) Delete(ctx context.Context, key string) error {
	client, err := t.s3(ctx)
	if err != nil {
		return err
	}
	if _, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(t.cfg.Bucket), Key: aws.String(t.key(key))}); err != nil {
		return fmt.Errorf("delete %s/%s: %w", t, key, err)
	}
	return nil
}
