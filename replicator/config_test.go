package replicator_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vpslink/vpslink/replicator"
)

func TestParseConfig(t *testing.T) {
	t.Setenv("VPSLINK_TEST_BUCKET", "backups")
	t.Setenv("VPSLINK_TEST_UNSET", "")
	for _, tt := range []struct {
		name    string
		yaml    string
		wantErr string
		check   func(t *testing.T, c *replicator.Config)
	}{
		{
			name: "env expansion and top-level defaults",
			yaml: `
bucket: ${VPSLINK_TEST_BUCKET}
endpoint: http://127.0.0.1:3900
region: garage
dbs:
  - path: /data/a.db
    replica: {type: s3, path: a.db}
`,
			check: func(t *testing.T, c *replicator.Config) {
				s3, err := c.DBs[0].Replica.S3()
				if err != nil || s3.Bucket != "backups" || s3.Endpoint != "http://127.0.0.1:3900" || s3.Region != "garage" || s3.Prefix != "a.db" {
					t.Fatalf("S3() = %+v, %v", s3, err)
				}
			},
		},
		{
			name: "url form and the deprecated replicas list",
			yaml: `
dbs:
  - path: /data/a.db
    replicas:
      - url: s3://bkt/x/a.db?endpoint=127.0.0.1:3900&region=garage
`,
			check: func(t *testing.T, c *replicator.Config) {
				s3, err := c.DBs[0].Replica.S3()
				if err != nil || s3.Bucket != "bkt" || s3.Prefix != "x/a.db" || s3.Region != "garage" || !strings.HasPrefix(s3.Endpoint, "http") {
					t.Fatalf("S3() = %+v, %v", s3, err)
				}
			},
		},
		{
			name: "tuned defaults where litestream's would apply",
			yaml: "dbs: [{path: /data/a.db, replica: {path: /backup}}]",
			check: func(t *testing.T, c *replicator.Config) {
				levels := c.CompactionLevels()
				if len(levels) != 3 || levels[1].Interval != 5*time.Minute || levels[2].Interval != time.Hour {
					t.Fatalf("levels = %v", levels)
				}
				if c.DBs[0].Replica.ReplicaType() != "file" {
					t.Fatalf("type = %s", c.DBs[0].Replica.ReplicaType())
				}
			},
		},
		{name: "no databases", yaml: "levels: []", wantErr: "no databases"},
		{name: "unset path variable", yaml: "dbs: [{path: '${VPSLINK_TEST_UNSET}', replica: {path: /b}}]", wantErr: "no path"},
		{name: "no replica", yaml: "dbs: [{path: /a.db}]", wantErr: "no replica"},
		{name: "two replicas", yaml: "dbs: [{path: /a.db, replicas: [{path: /b}, {path: /c}]}]", wantErr: "only one replica"},
		{name: "unsupported type", yaml: "dbs: [{path: /a.db, replica: {url: 'gs://bucket/a'}}]", wantErr: "not supported"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := replicator.ParseConfig([]byte(tt.yaml))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestDefaultConfig(t *testing.T) {
	c, err := replicator.LoadConfig("", "/srv/data/whatsapp.db")
	if err != nil {
		t.Fatal(err)
	}
	db, err := c.DB("/elsewhere/x.db") // the only database, whatever the path
	if err != nil {
		t.Fatal(err)
	}
	if db.Path != "/srv/data/whatsapp.db" || db.Replica.ReplicaType() != "file" || db.Replica.Path != "/srv/data/replica" {
		t.Fatalf("default = %+v %+v", db, db.Replica)
	}
}

// TestProductionConfig checks the repository's litestream.yml.
func TestProductionConfig(t *testing.T) {
	for k, v := range map[string]string{
		"VPSLINK_DB": "/data/whatsapp.db", "LITESTREAM_S3_ENDPOINT": "https://garage.lan:3900",
		"LITESTREAM_S3_BUCKET": "vpslink", "LITESTREAM_ACCESS_KEY_ID": "GK1", "LITESTREAM_SECRET_ACCESS_KEY": "s",
	} {
		t.Setenv(k, v)
	}
	c, err := replicator.LoadConfig("../litestream.yml", "")
	if err != nil {
		t.Fatal(err)
	}
	s3, err := c.DBs[0].Replica.S3()
	if err != nil || s3.Region != "garage" || s3.Bucket != "vpslink" || s3.AccessKeyID != "GK1" || s3.Endpoint != "https://garage.lan:3900" {
		t.Fatalf("S3() = %+v, %v", s3, err)
	}
	if *c.L0RetentionCheckInterval < 30*time.Minute {
		t.Fatalf("l0-retention-check-interval %s polls S3 too often", *c.L0RetentionCheckInterval)
	}
}
