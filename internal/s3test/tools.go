// Package s3test runs a real S3 server (versitygw with its posix backend) on
// loopback for tests, over plain HTTP or TLS with a throwaway CA, configured
// like the user's Garage: region "garage" and path-style addressing.
package s3test

import (
	"os"
	"path/filepath"
	"testing"
)

// DefaultToolsDir is where the test tools are looked up when VPSLINK_TOOLS
// is unset; .ci/install-tools installs them there or into $VPSLINK_TOOLS.
const DefaultToolsDir = "/work/cache/tools"

// ToolsDir returns the directory holding the built test tools.
func ToolsDir() string {
	if dir := os.Getenv("VPSLINK_TOOLS"); dir != "" {
		return dir
	}
	return DefaultToolsDir
}

// Tool returns the path of the named tool binary (e.g. "versitygw",
// "litestream"). When it is missing the test is skipped, except under CI=true
// where a missing tool is a failure: CI must never silently skip these tests.
func Tool(t testing.TB, name string) string {
	t.Helper()
	path := filepath.Join(ToolsDir(), name)
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found in %s: run .ci/install-tools", name, ToolsDir())
	}
	t.Skipf("%s not found in %s (run .ci/install-tools)", name, ToolsDir())
	return ""
}
