package replicator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/internal/s3client"
)

// S3Location is a bucket prefix and the server that holds it.
type S3Location struct {
	Bucket string
	Prefix string
	s3client.Config
}

// S3Target is a Target in an S3 bucket. It only uses PutObject, GetObject,
// ListObjectsV2 and DeleteObject, all of which Garage implements; the
// client is built lazily so that a target can be described before the
// network is needed.
type S3Target struct {
	loc S3Location

	once   sync.Once
	client *s3.Client
	err    error
}

// NewS3Target returns a target for loc.
func NewS3Target(loc S3Location) *S3Target {
	loc.Prefix = strings.Trim(loc.Prefix, "/")
	return &S3Target{loc: loc}
}

func (t *S3Target) String() string {
	return "s3://" + path.Join(t.loc.Bucket, t.loc.Prefix)
}

func (t *S3Target) key(name string) string {
	return path.Join(t.loc.Prefix, name)
}

func (t *S3Target) s3(ctx context.Context) (*s3.Client, error) {
	t.once.Do(func() {
		if t.client, t.err = s3client.New(ctx, t.loc.Config); t.err != nil {
			t.err = fmt.Errorf("%s: %w", t, t.err)
		}
	})
	return t.client, t.err
}

func (t *S3Target) Put(ctx context.Context, key string, r io.ReadSeeker, size int64, meta map[string]string) error {
	client, err := t.s3(ctx)
	if err != nil {
		return err
	}
	_, err = client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(t.loc.Bucket),
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
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(t.loc.Bucket), Key: aws.String(t.key(key))})
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
	prefix := t.loc.Prefix
	if prefix != "" {
		prefix += "/"
	}
	var objects []Object
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{
		Bucket:    aws.String(t.loc.Bucket),
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
	if _, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(t.loc.Bucket), Key: aws.String(t.key(key))}); err != nil {
		return fmt.Errorf("delete %s/%s: %w", t, key, err)
	}
	return nil
}
