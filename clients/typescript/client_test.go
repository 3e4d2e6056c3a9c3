// Package typescript_test runs the TypeScript client's own tests (npm test)
// from `go test ./...`, so the one test command covers them: npm ci from the
// committed lockfile, the check that src/schema.ts matches api/openapi.yaml,
// and the Node tests against a vpslink binary built from this checkout.
package typescript_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/vpslink/vpslink/internal/tooltest"
)

func TestTypeScriptClient(t *testing.T) {
	npm := tooltest.Installed(t, "npm", ".ci/install-node")
	bin := filepath.Join(t.TempDir(), "vpslink")
	run(t, exec.Command("go", "build", "-o", bin, "../../cmd/vpslink"))
	run(t, exec.Command(npm, "ci", "--no-audit", "--no-fund"))
	test := exec.Command(npm, "test")
	test.Env = append(os.Environ(), "VPSLINK_BIN="+bin)
	run(t, test)
}

func run(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	cmd.Stdout, cmd.Stderr = t.Output(), t.Output()
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %v", cmd.Args, err)
	}
}
