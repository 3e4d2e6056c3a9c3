package ops

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeGarage is a stand-in for the garage CLI that keeps a single node's
// layout, buckets and keys as files in $GARAGE_STATE, prints what the real
// CLI prints where init.sh reads its output, and logs each call.
const fakeGarage = `#!/bin/sh
set -eu
s="$GARAGE_STATE"
[ "$1" = -c ] && shift 2
echo "$*" >>"$s/calls"
case "$1 ${2-}" in
"status "*)
	# The node answers from the second call on, as one that is starting.
	[ -f "$s/up" ] || { touch "$s/up"; exit 1; } ;;
"node id") echo "0123456789abcdef0123@127.0.0.1:3901" ;;
"layout show")
	if [ -f "$s/applied" ]; then echo "0123456789abcdef  dc1  10.0 GB"; else
		echo "No nodes currently have a role in the cluster."; fi
	echo "Current cluster layout version: $(cat "$s/version" 2>/dev/null || echo 0)"
	[ ! -f "$s/staged" ] || echo "==== STAGED ROLE CHANGES ====" ;;
"layout assign") [ "$*" = "layout assign -z dc1 -c 10G 0123456789abcdef0123" ]; touch "$s/staged" ;;
"layout apply")
	[ -f "$s/staged" ] && [ "$4" = "$(( $(cat "$s/version" 2>/dev/null || echo 0) + 1 ))" ]
	echo "$4" >"$s/version"; rm "$s/staged"; touch "$s/applied" ;;
"bucket info") [ -f "$s/bucket-$3" ] ;;
"bucket create") [ ! -f "$s/bucket-$3" ]; touch "$s/bucket-$3" ;;
"key info") [ -f "$s/key-$3" ] ;;
"key import") [ "$3 $4 $5" = "--yes -n vpslink" ] && [ ! -f "$s/key-$6" ]; echo "$7" >"$s/key-$6" ;;
"bucket allow") [ -f "$s/bucket-$6" ] && [ -f "$s/key-$8" ]; echo "$*" >"$s/grant" ;;
*) echo "fake garage: unexpected call: $*" >&2; exit 2 ;;
esac
`

func runGarageInit(t *testing.T, state string, env ...string) (string, error) {
	t.Helper()
	bin := filepath.Join(state, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "garage"), []byte(fakeGarage), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", "garage/init.sh")
	cmd.Env = append([]string{"PATH=" + bin + ":/usr/bin:/bin", "GARAGE_STATE=" + state}, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestGarageInit(t *testing.T) {
	state := t.TempDir()
	env := []string{
		"GARAGE_RPC_SECRET=" + strings.Repeat("ab", 32),
		"LITESTREAM_S3_BUCKET=vpslink",
		"LITESTREAM_ACCESS_KEY_ID=GK0123456789abcdef01234567",
		"LITESTREAM_SECRET_ACCESS_KEY=" + strings.Repeat("cd", 32),
	}
	if out, err := runGarageInit(t, state, env...); err != nil {
		t.Fatalf("first run: %v\n%s", err, out)
	}
	if got := readFile(t, filepath.Join(state, "version")); got != "1\n" {
		t.Errorf("layout version %q, want 1", got)
	}
	if got := readFile(t, filepath.Join(state, "key-GK0123456789abcdef01234567")); got != strings.Repeat("cd", 32)+"\n" {
		t.Errorf("imported secret %q", got)
	}
	if got := readFile(t, filepath.Join(state, "grant")); got != "bucket allow --read --write --owner vpslink --key GK0123456789abcdef01234567\n" {
		t.Errorf("grant %q", got)
	}

	// A second run (a restarted stack) changes nothing.
	if err := os.Remove(filepath.Join(state, "calls")); err != nil {
		t.Fatal(err)
	}
	if out, err := runGarageInit(t, state, env...); err != nil {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	for _, call := range strings.Split(strings.TrimSpace(readFile(t, filepath.Join(state, "calls"))), "\n") {
		for _, change := range []string{"layout assign", "layout apply", "bucket create", "key import"} {
			if strings.HasPrefix(call, change) {
				t.Errorf("second run made a change: %s", call)
			}
		}
	}
}

func TestGarageInitNeedsKey(t *testing.T) {
	out, err := runGarageInit(t, t.TempDir(), "GARAGE_RPC_SECRET=x", "LITESTREAM_S3_BUCKET=vpslink")
	if err == nil || !strings.Contains(out, "set LITESTREAM_ACCESS_KEY_ID in .env") {
		t.Fatalf("err = %v, output %q; want a message naming the missing variable", err, out)
	}
}
