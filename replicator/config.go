package replicator

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/internal/s3client"
	"gopkg.in/yaml.v3"
)

// Config is the part of litestream's YAML configuration vpslink honours. The
// keys and their meaning are litestream's own, so that the official
// `litestream replicate|restore -config FILE` accept the same file; keys
// vpslink does not use are ignored, as litestream ignores unknown keys.
type Config struct {
	ReplicaSettings `yaml:",inline"`

	Levels   []LevelConfig `yaml:"levels"`
	Snapshot struct {
		Interval  *time.Duration `yaml:"interval"`
		Retention *time.Duration `yaml:"retention"`
	} `yaml:"snapshot"`
	L0Retention              *time.Duration `yaml:"l0-retention"`
	L0RetentionCheckInterval *time.Duration `yaml:"l0-retention-check-interval"`
	Retention                struct {
		Enabled *bool `yaml:"enabled"`
	} `yaml:"retention"`

	DBs []*DBConfig `yaml:"dbs"`

	// Path is the file the configuration was read from; "" for the default.
	Path string `yaml:"-"`
}

// LevelConfig is one compaction level above L0.
type LevelConfig struct {
	Interval time.Duration `yaml:"interval"`
}

// DBConfig is one replicated database.
type DBConfig struct {
	Path               string         `yaml:"path"`
	MonitorInterval    *time.Duration `yaml:"monitor-interval"`
	CheckpointInterval *time.Duration `yaml:"checkpoint-interval"`
	BusyTimeout        *time.Duration `yaml:"busy-timeout"`
	MinCheckpointPageN *int           `yaml:"min-checkpoint-page-count"`

	Replica  *ReplicaConfig   `yaml:"replica"`
	Replicas []*ReplicaConfig `yaml:"replicas"` // litestream's deprecated form; one entry at most
}

// ReplicaSettings are the replica keys that may also be given once at the
// top level as defaults for every replica.
type ReplicaSettings struct {
	SyncInterval    *time.Duration `yaml:"sync-interval"`
	AccessKeyID     string         `yaml:"access-key-id"`
	SecretAccessKey string         `yaml:"secret-access-key"`
	Region          string         `yaml:"region"`
	Bucket          string         `yaml:"bucket"`
	Endpoint        string         `yaml:"endpoint"`
	ForcePathStyle  *bool          `yaml:"force-path-style"`
	SkipVerify      bool           `yaml:"skip-verify"`
}

// ReplicaConfig is a database's replica: "file" or "s3".
type ReplicaConfig struct {
	ReplicaSettings `yaml:",inline"`

	Type string `yaml:"type"`
	Path string `yaml:"path"`
	URL  string `yaml:"url"`
}

// Tuned defaults, used where the configuration is silent. Litestream's own
// defaults poll S3 about 720 times an idle hour (an L0 retention check lists
// two levels every 15 s); these keep an idle replica under 30 requests an
// hour without delaying replication, which is driven by WAL changes, not by
// these timers.
var (
	// DefaultLevels are the compaction levels above L0.
	DefaultLevels = []LevelConfig{{Interval: 5 * time.Minute}, {Interval: time.Hour}}
	// DefaultL0RetentionCheckInterval is how often uploaded L0 files that are
	// already compacted into L1 are looked for and deleted.
	DefaultL0RetentionCheckInterval = 30 * time.Minute
	// DefaultLTXSnapshotInterval is how often litestream's full snapshot is written, which
	// bounds restore time; retention applies on the same schedule.
	DefaultLTXSnapshotInterval = 24 * time.Hour
	// DefaultLTXSnapshotRetention is how far back point-in-time restore reaches.
	DefaultLTXSnapshotRetention = 72 * time.Hour
)

// LoadConfig reads the configuration at path, expanding $VAR and ${VAR} from
// the environment as litestream does. An empty path is the default: dbPath
// replicated to a file replica in <datadir>/replica.
func LoadConfig(path, dbPath string) (*Config, error) {
	if path == "" {
		return DefaultConfig(dbPath)
	}
	buf, err := os.ReadFile(path)
	if err != nil {
		return nil, vpslink.Errorf(vpslink.EINVALID, "litestream config: %v", err)
	}
	cfg, err := ParseConfig(buf)
	if err != nil {
		return nil, vpslink.Errorf(vpslink.EINVALID, "litestream config %s: %v", path, err)
	}
	cfg.Path = path
	return cfg, nil
}

// ParseConfig parses a litestream YAML configuration after environment
// expansion and checks what vpslink needs from it.
func ParseConfig(buf []byte) (*Config, error) {
	expanded := os.Expand(string(buf), func(key string) string {
		if key == "PID" {
			return strconv.Itoa(os.Getpid())
		}
		return os.Getenv(key)
	})
	var cfg Config
	if err := yaml.Unmarshal([]byte(expanded), &cfg); err != nil {
		return nil, err
	}
	if len(cfg.DBs) == 0 {
		return nil, errors.New("no databases under dbs")
	}
	for _, db := range cfg.DBs {
		if db.Path == "" {
			return nil, errors.New("a database has no path (is its ${VAR} set?)")
		}
		abs, err := filepath.Abs(strings.TrimPrefix(strings.TrimPrefix(db.Path, "sqlite3://"), "sqlite://"))
		if err != nil {
			return nil, err
		}
		db.Path = abs
		switch {
		case db.Replica != nil && len(db.Replicas) > 0:
			return nil, fmt.Errorf("%s: both replica and replicas", db.Path)
		case len(db.Replicas) > 1:
			return nil, fmt.Errorf("%s: only one replica per database is supported", db.Path)
		case len(db.Replicas) == 1:
			db.Replica, db.Replicas = db.Replicas[0], nil
		case db.Replica == nil:
			return nil, fmt.Errorf("%s: no replica", db.Path)
		}
		db.Replica.inherit(cfg.ReplicaSettings)
		if t := db.Replica.ReplicaType(); t != "file" && t != "s3" {
			return nil, fmt.Errorf("%s: replica type %q is not supported (file or s3)", db.Path, t)
		}
	}
	return &cfg, nil
}

// DefaultConfig replicates dbPath to <datadir>/replica.
func DefaultConfig(dbPath string) (*Config, error) {
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return nil, err
	}
	return &Config{DBs: []*DBConfig{{
		Path:    abs,
		Replica: &ReplicaConfig{Type: "file", Path: filepath.Join(filepath.Dir(abs), "replica")},
	}}}, nil
}

// DB returns the configuration of the database at path. A configuration with
// a single database returns that one whatever the path: the container's path
// in litestream.yml need not match the one given to restore on a laptop.
func (c *Config) DB(path string) (*DBConfig, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	for _, db := range c.DBs {
		if db.Path == abs {
			return db, nil
		}
	}
	if len(c.DBs) == 1 {
		return c.DBs[0], nil
	}
	return nil, vpslink.Errorf(vpslink.ENOTFOUND, "database %s is not in the litestream config %s", abs, c.describe())
}

func (c *Config) describe() string {
	if c.Path == "" {
		return "(default file replica)"
	}
	return c.Path
}

// CompactionLevels returns L0 plus the configured (or tuned default) levels.
func (c *Config) CompactionLevels() litestream.CompactionLevels {
	levels := c.Levels
	if len(levels) == 0 {
		levels = DefaultLevels
	}
	out := litestream.CompactionLevels{{Level: 0}}
	for i, l := range levels {
		out = append(out, &litestream.CompactionLevel{Level: i + 1, Interval: l.Interval})
	}
	return out
}

// inherit fills unset replica settings from the top-level defaults.
func (r *ReplicaConfig) inherit(top ReplicaSettings) {
	s := &r.ReplicaSettings
	if s.SyncInterval == nil {
		s.SyncInterval = top.SyncInterval
	}
	for _, f := range []struct{ dst, src *string }{
		{&s.AccessKeyID, &top.AccessKeyID},
		{&s.SecretAccessKey, &top.SecretAccessKey},
		{&s.Region, &top.Region},
		{&s.Bucket, &top.Bucket},
		{&s.Endpoint, &top.Endpoint},
	} {
		if *f.dst == "" {
			*f.dst = *f.src
		}
	}
	if s.ForcePathStyle == nil {
		s.ForcePathStyle = top.ForcePathStyle
	}
	s.SkipVerify = s.SkipVerify || top.SkipVerify
}

// ReplicaType is the type named by the URL scheme or the type key; "file"
// when neither is given, as in litestream.
func (r *ReplicaConfig) ReplicaType() string {
	if t := litestream.ReplicaTypeFromURL(r.URL); t != "" {
		return t
	}
	if r.Type != "" {
		return r.Type
	}
	return "file"
}

func durationOr(d *time.Duration, def time.Duration) time.Duration {
	if d != nil {
		return *d
	}
	return def
}

// S3 returns the location and credentials of an s3 replica, for other S3
// users of the same server (the snapshot job); the zero location for
// other replica types.
func (r *ReplicaConfig) S3() (S3Location, error) {
	if r.ReplicaType() != "s3" {
		return S3Location{}, nil
	}
	c, err := r.newS3Client()
	if err != nil {
		return S3Location{}, err
	}
	return S3Location{
		Bucket: c.Bucket,
		Prefix: c.Path,
		Config: s3client.Config{
			Endpoint:        c.Endpoint,
			Region:          c.Region,
			AccessKeyID:     c.AccessKeyID,
			SecretAccessKey: c.SecretAccessKey,
		},
	}, nil
}
