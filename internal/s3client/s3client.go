// Package s3client builds vpslink's own S3 clients (the importer's source
// and the snapshot target) one way, for AWS and for S3-compatible servers
// such as Garage: path-style addressing, region "garage" when none is
// known, only the checksums S3 requires, and the system's CAs plus a PEM
// bundle for a server with its own CA. Litestream builds its own client;
// TrustCABundle is how that one trusts the same bundle.
package s3client

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// DefaultRegion is the region when neither the configuration nor the AWS
// environment names one: Garage's default.
const DefaultRegion = "garage"

// Config says how to reach an S3 server. Empty fields fall back to the AWS
// environment, as the AWS CLI and litestream read it.
type Config struct {
	// Endpoint is the server's URL; "" is AWS_ENDPOINT_URL_S3, else
	// AWS_ENDPOINT_URL, else AWS itself.
	Endpoint string
	// Region is "" for AWS_REGION (or the profile's), else DefaultRegion.
	Region string
	// AccessKeyID and SecretAccessKey (with SessionToken, if any) are
	// static credentials: set both or neither. Neither is the AWS default
	// chain: environment, shared files, instance role.
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	// CABundle is a PEM file of CAs trusted besides the system's; "" is
	// AWS_CA_BUNDLE.
	CABundle string
	// VirtualHosted addresses buckets by host name instead of by path.
	// Path style, the default, is what Garage needs.
	VirtualHosted bool
}

// New builds a client for c. Nothing is requested yet.
func New(ctx context.Context, c Config) (*s3.Client, error) {
	if (c.AccessKeyID == "") != (c.SecretAccessKey == "") {
		return nil, errors.New("S3 credentials: set both the access key id and the secret access key")
	}
	bundle := c.CABundle
	if bundle == "" {
		bundle = os.Getenv("AWS_CA_BUNDLE")
	}
	roots, pem, err := rootsWith(bundle)
	if err != nil {
		return nil, err
	}
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	})
	opts := []func(*config.LoadOptions) error{config.WithHTTPClient(httpClient)}
	if pem != nil {
		// The SDK adds a bundle to the client's roots itself; given ours,
		// it adds the same certificates again instead of reading
		// AWS_CA_BUNDLE, so a bundle in the configuration wins.
		opts = append(opts, config.WithCustomCABundle(bytes.NewReader(pem)))
	}
	if c.Region != "" {
		opts = append(opts, config.WithRegion(c.Region))
	}
	if c.AccessKeyID != "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("S3 client: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = !c.VirtualHosted
		if c.Endpoint != "" {
			o.BaseEndpoint = aws.String(c.Endpoint)
		}
		// Garage and other S3-compatible servers do not all know the
		// SDK's newer default checksums; only use them where S3 requires them.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	}), nil
}

// ParseURL splits s3://bucket/prefix; the prefix has no leading or
// trailing slash and may be empty.
func ParseURL(s string) (bucket, prefix string, err error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return "", "", fmt.Errorf("%q is not an s3://bucket/prefix URL", s)
	}
	return u.Host, strings.Trim(u.Path, "/"), nil
}
