package ops

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// dockerStage is one FROM ... stage of the Dockerfile, its instructions
// with continuation lines joined.
type dockerStage struct {
	from         string
	instructions []string
}

func dockerStages(t *testing.T) []dockerStage {
	t.Helper()
	text := strings.ReplaceAll(readFile(t, filepath.Join(root, "Dockerfile")), "\\\n", " ")
	var stages []dockerStage
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if from, ok := strings.CutPrefix(line, "FROM "); ok {
			stages = append(stages, dockerStage{from: from})
			continue
		}
		if len(stages) > 0 {
			stages[len(stages)-1].instructions = append(stages[len(stages)-1].instructions, line)
		}
	}
	return stages
}

func (s dockerStage) has(re string) bool {
	r := regexp.MustCompile(re)
	for _, ins := range s.instructions {
		if r.MatchString(ins) {
			return true
		}
	}
	return false
}

// TestDockerfile checks what no Docker engine is here to prove by
// building: a cgo build stage on the same Debian release as the runtime
// stage, the version stamped into main.version, and a runtime that runs as
// a non-root user with CA certificates, time zones and a health check.
func TestDockerfile(t *testing.T) {
	stages := dockerStages(t)
	if len(stages) != 2 {
		t.Fatalf("%d stages, want build and runtime", len(stages))
	}
	build, run := stages[0], stages[1]
	if !strings.HasPrefix(build.from, "golang:${GO_VERSION}-bookworm ") || !strings.HasPrefix(run.from, "debian:bookworm-slim") {
		t.Errorf("stages FROM %q and %q: want golang on bookworm, then bookworm-slim", build.from, run.from)
	}
	for _, re := range []string{
		`CGO_ENABLED=1 go build .*-ldflags "[^"]*-X main\.version=\$\{VERSION\}[^"]*" .*\./cmd/vpslink`,
		`^ARG VERSION=`,
	} {
		if !build.has(re) {
			t.Errorf("build stage lacks %s", re)
		}
	}
	for _, re := range []string{
		`apt-get install .*\bca-certificates\b.*\btzdata\b.*\bwget\b`,
		`^COPY --from=build /out/vpslink /usr/local/bin/vpslink$`,
		`^USER vpslink:vpslink$`,
		`^HEALTHCHECK .*CMD wget .*/healthz`,
		`^ENV VPSLINK_DB=/data/`,
		`^VOLUME /data$`,
		`^ENTRYPOINT \["vpslink"\]$`,
	} {
		if !run.has(re) {
			t.Errorf("runtime stage lacks %s", re)
		}
	}
	// The linker flag sets a variable that must exist.
	if !regexp.MustCompile(`(?m)^var version = `).MatchString(readFile(t, filepath.Join(root, "cmd", "vpslink", "main.go"))) {
		t.Error("cmd/vpslink has no `var version` for -X main.version")
	}
	ignore := readFile(t, filepath.Join(root, ".dockerignore"))
	for _, want := range []string{"\n.env\n", "\ndata\n", "\n*.db\n"} {
		if !strings.Contains(ignore, want) {
			t.Errorf(".dockerignore does not keep %q out of the build context", strings.TrimSpace(want))
		}
	}
}
