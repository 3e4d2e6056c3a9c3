package ops

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpslink/vpslink/internal/tooltest"
)

// TestLitestreamConfigAccepted runs the official litestream CLI on the
// shipped litestream.yml with the variables compose gives the container.
func TestLitestreamConfigAccepted(t *testing.T) {
	requireFile(t, filepath.Join(root, "litestream.yml"))
	bin := tooltest.Built(t, "litestream")
	db := filepath.Join(t.TempDir(), "whatsapp.db")
	cmd := exec.Command(bin, "databases", "-config", filepath.Join(root, "litestream.yml"))
	cmd.Env = litestreamEnv(db, "http://127.0.0.1:3900", "vpslink", "GK0123456789abcdef01234567", strings.Repeat("ab", 32))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("litestream databases: %v\n%s", err, out)
	}
	// One database, the one VPSLINK_DB names, replicated to S3.
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 || strings.Join(strings.Fields(lines[1]), " ") != db+" s3" {
		t.Fatalf("litestream databases printed:\n%s\nwant %s replicated to s3", out, db)
	}
}

// litestreamEnv is the environment litestream.yml expands, as in
// .env.example. AWS_CA_BUNDLE is left out: the official CLI's S3 client
// fails with it set (litestream.yml explains).
func litestreamEnv(db, endpoint, bucket, key, secret string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_CA_BUNDLE=") {
			env = append(env, kv)
		}
	}
	return append(env,
		"VPSLINK_DB="+db,
		"LITESTREAM_S3_ENDPOINT="+endpoint,
		"LITESTREAM_S3_BUCKET="+bucket,
		"LITESTREAM_ACCESS_KEY_ID="+key,
		"LITESTREAM_SECRET_ACCESS_KEY="+secret,
	)
}
