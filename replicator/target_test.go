package replicator

import (
	"path/filepath"
	"testing"

	"github.com/vpslink/vpslink/internal/s3client"
)

func TestSnapshotTarget(t *testing.T) {
	t.Setenv("GARAGE_KEY", "GK123")
	s3Config, err := ParseConfig([]byte(`
dbs:
  - path: /data/whatsapp.db
    replica:
      type: s3
      bucket: vpslink
      path: whatsapp.db
      endpoint: http://garage:3900
      region: garage
      access-key-id: ${GARAGE_KEY}
      secret-access-key: secret
`))
	if err != nil {
		t.Fatal(err)
	}
	garage := s3client.Config{Endpoint: "http://garage:3900", Region: "garage", AccessKeyID: "GK123", SecretAccessKey: "secret"}
	fileConfig, err := DefaultConfig("/data/whatsapp.db")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		spec string
		ls   *Config
		want string
		s3   S3Location // for S3 targets
	}{
		{"s3 replica default", "", s3Config, "s3://vpslink/backups",
			S3Location{Bucket: "vpslink", Prefix: "backups", Config: garage}},
		{"other bucket on the replica's server", "s3://archive/vpslink/", s3Config, "s3://archive/vpslink",
			S3Location{Bucket: "archive", Prefix: "vpslink", Config: garage}},
		{"directory with an s3 replica", "/mnt/usb/snapshots", s3Config, "/mnt/usb/snapshots", S3Location{}},
		{"file replica default", "", fileConfig, filepath.Join("/data", "snapshots"), S3Location{}},
		{"s3 without a replica uses the AWS environment", "s3://b/p", fileConfig, "s3://b/p", S3Location{Bucket: "b", Prefix: "p"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			target, err := SnapshotTarget(tt.spec, tt.ls, "/data/whatsapp.db")
			if err != nil {
				t.Fatal(err)
			}
			if target.String() != tt.want {
				t.Fatalf("target = %s, want %s", target, tt.want)
			}
			if s3, ok := target.(*S3Target); ok && s3.loc != tt.s3 {
				t.Fatalf("s3 location = %+v, want %+v", s3.loc, tt.s3)
			}
		})
	}
	for _, bad := range []string{"s3:///prefix", "gs://bucket/x"} {
		if _, err := SnapshotTarget(bad, fileConfig, "/data/whatsapp.db"); err == nil {
			t.Errorf("SnapshotTarget(%q) accepted", bad)
		}
	}
}
