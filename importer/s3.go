package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/vpslink/vpslink/internal/s3client"
)

// S3 is an S3 prefix holding the legacy files.
type S3 struct {
	client         *s3.Client
	bucket, prefix string
}

// NewS3 returns the source at location, s3://bucket/prefix, reached as
// cfg says. Nothing is requested yet.
func NewS3(ctx context.Context, location string, cfg s3client.Config) (*S3, error) {
	bucket, prefix, err := s3client.ParseURL(location)
	if err != nil {
		return nil, err
	}
	client, err := s3client.New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &S3{client: client, bucket: bucket, prefix: prefix}, nil
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
