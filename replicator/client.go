package replicator

import (
	"fmt"

	"github.com/benbjohnson/litestream"
	"github.com/benbjohnson/litestream/file"
	"github.com/benbjohnson/litestream/s3"
)

// NewClient builds the litestream replica client the configuration
// describes. S3 replicas follow litestream's rules: explicit keys override
// the URL, and an explicit endpoint implies path-style addressing (Garage
// needs it).
func (r *ReplicaConfig) NewClient() (litestream.ReplicaClient, error) {
	switch r.ReplicaType() {
	case "file":
		path := r.Path
		if r.URL != "" {
			_, _, p, err := litestream.ParseReplicaURL(r.URL)
			if err != nil {
				return nil, err
			}
			path = p
		}
		if path == "" {
			return nil, fmt.Errorf("file replica: path required")
		}
		return file.NewReplicaClient(path), nil
	case "s3":
		return r.newS3Client()
	default:
		return nil, fmt.Errorf("replica type %q is not supported", r.ReplicaType())
	}
}

func (r *ReplicaConfig) newS3Client() (*s3.ReplicaClient, error) {
	client := s3.NewReplicaClient()
	if r.URL != "" {
		c, err := litestream.NewReplicaClientFromURL(r.URL)
		if err != nil {
			return nil, fmt.Errorf("s3 replica url: %w", err)
		}
		client = c.(*s3.ReplicaClient)
	}
	if r.Bucket != "" {
		client.Bucket = r.Bucket
	}
	if r.Path != "" {
		client.Path = r.Path
	}
	if r.Region != "" {
		client.Region = r.Region
	}
	if r.Endpoint != "" {
		client.Endpoint = r.Endpoint
		client.ForcePathStyle = true
	}
	if r.ForcePathStyle != nil {
		client.ForcePathStyle = *r.ForcePathStyle
	}
	client.SkipVerify = client.SkipVerify || r.SkipVerify
	client.AccessKeyID, client.SecretAccessKey = r.AccessKeyID, r.SecretAccessKey
	if client.Bucket == "" {
		return nil, fmt.Errorf("s3 replica: bucket required")
	}
	return client, nil
}
