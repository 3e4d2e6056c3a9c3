// Package tooltest finds the programs tests run besides Go code (versitygw,
// the litestream CLI, chromium, promtool...) under one rule: a test whose
// program is missing skips on a developer machine but fails under CI=true,
// where the .ci installers have put everything in place.
package tooltest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Unavailable stops the test because something it needs is missing: it
// skips, or under CI=true fails, since CI must never silently skip.
func Unavailable(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if InCI() {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}

// InCI reports whether the tests run in CI (CI=true).
func InCI() bool { return os.Getenv("CI") == "true" }

// Dir returns the directory of the tools .ci/install-tools builds:
// $VPSLINK_TOOLS, or .ci/cache/tools in the repository, as the installer
// defaults.
func Dir() string {
	if dir := os.Getenv("VPSLINK_TOOLS"); dir != "" {
		return dir
	}
	dir, err := os.Getwd()
	if err != nil {
		return ".ci/cache/tools"
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, ".ci", "cache", "tools")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ".ci/cache/tools"
		}
		dir = parent
	}
}

// Built returns the path of a tool .ci/install-tools builds (versitygw,
// litestream).
func Built(tb testing.TB, name string) string {
	tb.Helper()
	path := filepath.Join(Dir(), name)
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
		return path
	}
	Unavailable(tb, "%s not found in %s: run .ci/install-tools", name, Dir())
	return ""
}

// Installed returns the path of a program on PATH; install says how to get
// it (e.g. ".ci/install-browser").
func Installed(tb testing.TB, name, install string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		Unavailable(tb, "%s not found on PATH: run %s", name, install)
	}
	return path
}
