package ops

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/vpslink/vpslink/internal/tooltest"
)

// root is the repository root: the tests run in ops/.
const root = ".."

// requireFile skips (or, under CI=true, fails) when a file another part of
// the project provides does not exist yet.
func requireFile(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		return
	} else if !os.IsNotExist(err) {
		t.Fatal(err)
	}
	tooltest.Unavailable(t, "%s does not exist", path)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// metricsList reads ops/metrics.txt: one metric family a line, # comments.
func metricsList(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("metrics.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		names = append(names, line)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

// metricRef matches the metric names the shipped queries use. Prometheus'
// own `up` is not exported by vpslink and is left out on purpose.
var metricRef = regexp.MustCompile(`\b(?:vpslink|litestream|process)_[a-z0-9_]+\b`)

// referencedFamilies returns the metric families named in the query texts,
// with histogram series (_bucket, _sum, _count) mapped to their family
// when the family is one of known.
func referencedFamilies(texts []string, known map[string]bool) []string {
	set := map[string]bool{}
	for _, text := range texts {
		for _, name := range metricRef.FindAllString(text, -1) {
			set[family(name, known)] = true
		}
	}
	out := make([]string, 0, len(set))
	for name := range set {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func family(name string, known map[string]bool) string {
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && known[base] {
			return base
		}
	}
	return name
}

// envExampleVars returns the variables .env.example defines (commented-out
// examples excluded).
func envExampleVars(t *testing.T) map[string]string {
	t.Helper()
	vars := map[string]string{}
	for _, line := range strings.Split(readFile(t, filepath.Join(root, ".env.example")), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf(".env.example: not KEY=value: %q", line)
		}
		vars[k] = v
	}
	return vars
}

// interpolations returns the ${VAR} references in text outside comment
// lines, and whether each carries a default (${VAR:-x} or ${VAR-x}).
var interpolation = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?+][^}]*)?\}`)

func interpolations(text string) map[string]bool {
	refs := map[string]bool{}
	var lines []string
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			lines = append(lines, line)
		}
	}
	for _, m := range interpolation.FindAllStringSubmatch(strings.Join(lines, "\n"), -1) {
		hasDefault := strings.HasPrefix(strings.TrimPrefix(m[2], ":"), "-")
		refs[m[1]] = refs[m[1]] || hasDefault
	}
	return refs
}

func mustAtoi(t *testing.T, s string) uint32 {
	t.Helper()
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		t.Fatalf("not a port: %q", s)
	}
	return uint32(n)
}
