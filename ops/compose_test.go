package ops

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/vpslink/vpslink/internal/tooltest"
	"gopkg.in/yaml.v3"
)

// composeDir lays out a copy of the repository as a user deploys it: every
// top-level entry linked in, and .env made from .env.example.
func composeDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == ".env" || e.Name() == ".git" {
			continue
		}
		if err := os.Symlink(filepath.Join(abs, e.Name()), filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	// litestream.yml comes with the replicator; until it exists, a stand-in
	// lets the rest of the file be checked (CI requires the real one).
	if _, err := os.Stat(filepath.Join(abs, "litestream.yml")); os.IsNotExist(err) && !tooltest.InCI() {
		t.Log("litestream.yml does not exist yet: using an empty stand-in")
		if err := os.WriteFile(filepath.Join(dir, "litestream.yml"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := readFile(t, filepath.Join(abs, ".env.example"))
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(env), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// loadCompose loads docker-compose.yml the way `docker compose --profile
// P up` does, with only .env as the environment.
func loadCompose(t *testing.T, dir string, profiles ...string) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions(nil,
		cli.WithWorkingDirectory(dir),
		cli.WithDefaultConfigPath,
		cli.WithEnvFiles(),
		cli.WithDotEnv,
		cli.WithProfiles(profiles),
		cli.WithResolvedPaths(true),
		cli.WithConsistency(true),
	)
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("profiles %v: %v", profiles, err)
	}
	return p
}

func TestComposeProfiles(t *testing.T) {
	dir := composeDir(t)
	tests := []struct {
		profiles []string
		services []string
	}{
		{nil, []string{"vpslink"}},
		{[]string{"garage"}, []string{"garage", "garage-init", "vpslink"}},
		{[]string{"monitoring"}, []string{"grafana", "prometheus", "vpslink"}},
		{[]string{"garage", "monitoring"}, []string{"garage", "garage-init", "grafana", "prometheus", "vpslink"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(append([]string{"profiles"}, tt.profiles...), "-"), func(t *testing.T) {
			p := loadCompose(t, dir, tt.profiles...)
			got := p.ServiceNames()
			sort.Strings(got)
			if !slices.Equal(got, tt.services) {
				t.Fatalf("services = %v, want %v", got, tt.services)
			}
			for _, name := range got {
				checkService(t, p, p.Services[name])
			}
		})
	}
}

// checkService resolves every reference a service makes: files it mounts,
// its env files, build context, named volumes, networks, secrets and the
// services it depends on or shares a network with.
func checkService(t *testing.T, p *types.Project, s types.ServiceConfig) {
	t.Helper()
	for _, prof := range s.Profiles {
		if prof != "garage" && prof != "monitoring" {
			t.Errorf("%s: unexpected profile %q", s.Name, prof)
		}
	}
	for _, v := range s.Volumes {
		switch v.Type {
		case types.VolumeTypeBind:
			if _, err := os.Stat(v.Source); err != nil {
				t.Errorf("%s: bind mount source: %v", s.Name, err)
			}
		case types.VolumeTypeVolume:
			if _, ok := p.Volumes[v.Source]; !ok {
				t.Errorf("%s: volume %q is not declared", s.Name, v.Source)
			}
		default:
			t.Errorf("%s: unexpected mount type %q", s.Name, v.Type)
		}
	}
	for _, f := range s.EnvFiles {
		if _, err := os.Stat(f.Path); err != nil {
			t.Errorf("%s: env_file: %v", s.Name, err)
		}
	}
	if b := s.Build; b != nil {
		if fi, err := os.Stat(b.Context); err != nil || !fi.IsDir() {
			t.Errorf("%s: build context %s: %v", s.Name, b.Context, err)
		}
		if b.DockerfileInline == "" {
			df := b.Dockerfile
			if !filepath.IsAbs(df) {
				df = filepath.Join(b.Context, df)
			}
			if _, err := os.Stat(df); err != nil {
				t.Errorf("%s: Dockerfile: %v", s.Name, err)
			}
		}
	}
	for name := range s.Networks {
		if _, ok := p.Networks[name]; !ok {
			t.Errorf("%s: network %q is not declared", s.Name, name)
		}
	}
	for _, sec := range s.Secrets {
		if _, ok := p.Secrets[sec.Source]; !ok {
			t.Errorf("%s: secret %q is not declared", s.Name, sec.Source)
		}
	}
	for dep, d := range s.DependsOn {
		if _, ok := p.Services[dep]; ok {
			continue
		}
		if _, err := p.GetDisabledService(dep); err != nil || d.Required {
			t.Errorf("%s: depends on %q, which is not available", s.Name, dep)
		}
	}
	if other, ok := strings.CutPrefix(s.NetworkMode, "service:"); ok {
		if _, exists := p.Services[other]; !exists {
			t.Errorf("%s: network_mode %s: no such service", s.Name, s.NetworkMode)
		}
		if !slices.Equal(p.Services[other].Profiles, s.Profiles) {
			t.Errorf("%s: shares the network of %s but not its profiles", s.Name, other)
		}
	}
}

func TestComposeVpslinkService(t *testing.T) {
	p := loadCompose(t, composeDir(t))
	s := p.Services["vpslink"]
	entry := strings.Join(s.Entrypoint, " ")
	for _, want := range []string{"vpslink restore --if-db-not-exists --if-replica-exists", "&& exec vpslink serve"} {
		if !strings.Contains(entry, want) {
			t.Errorf("entrypoint %q lacks %q", entry, want)
		}
	}
	var data bool
	for _, v := range s.Volumes {
		if v.Type == types.VolumeTypeVolume && v.Target == "/data" {
			data = true
		}
		if v.Target == "/etc/vpslink/litestream.yml" && filepath.Base(v.Source) != "litestream.yml" {
			t.Errorf("litestream config mounted from %s", v.Source)
		}
	}
	if !data {
		t.Error("no named volume on /data")
	}
	if db := s.Environment["VPSLINK_DB"]; db == nil || !strings.HasPrefix(*db, "/data/") {
		t.Errorf("VPSLINK_DB = %v, want a file in the /data volume", db)
	}
	if cfg := s.Environment["LITESTREAM_CONFIG"]; cfg == nil || *cfg != "/etc/vpslink/litestream.yml" {
		t.Errorf("LITESTREAM_CONFIG = %v", cfg)
	}
	// The API secret reaches the container from .env, never from this file.
	if _, ok := s.Environment["VPSLINK_API_SECRET"]; !ok {
		t.Error("VPSLINK_API_SECRET is not passed to the container")
	}
	listen := s.Environment["VPSLINK_LISTEN"]
	if listen == nil {
		t.Fatal("VPSLINK_LISTEN unset")
	}
	_, port, _ := strings.Cut(*listen, ":")
	var published bool
	for _, pc := range s.Ports {
		if pc.Target == mustAtoi(t, port) {
			published = true
			if pc.HostIP != "127.0.0.1" {
				t.Errorf("API published on %q by default, want loopback", pc.HostIP)
			}
		}
	}
	if !published {
		t.Errorf("listen port %s is not published", port)
	}
}

// TestComposeNoSecretsInFile checks that no service sets a secret-looking
// variable in docker-compose.yml itself: secrets come from .env only.
func TestComposeNoSecretsInFile(t *testing.T) {
	var doc struct {
		Services map[string]struct {
			Environment map[string]any `yaml:"environment"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(root, "docker-compose.yml"))), &doc); err != nil {
		t.Fatal(err)
	}
	secret := regexp.MustCompile(`SECRET|PASSWORD|TOKEN|ACCESS_KEY`)
	for name, s := range doc.Services {
		for k := range s.Environment {
			if secret.MatchString(k) && !strings.HasSuffix(k, "__FILE") {
				t.Errorf("%s: %s is set in docker-compose.yml; put it in .env", name, k)
			}
		}
	}
}

// TestEnvReferences checks that every ${VAR} in docker-compose.yml and
// litestream.yml either has a default or is defined in .env.example, that
// every compose secret reads a defined variable, and that every VPSLINK_
// variable .env.example sets is one vpslink reads.
func TestEnvReferences(t *testing.T) {
	vars := envExampleVars(t)
	files := []string{"docker-compose.yml"}
	if _, err := os.Stat(filepath.Join(root, "litestream.yml")); err == nil {
		files = append(files, "litestream.yml")
	}
	for _, f := range files {
		for name, hasDefault := range interpolations(readFile(t, filepath.Join(root, f))) {
			if _, ok := vars[name]; !ok && !hasDefault && !composeSets(t, name) {
				t.Errorf("%s: ${%s} has no default and is not in .env.example", f, name)
			}
		}
	}
	p := loadCompose(t, composeDir(t), "garage", "monitoring")
	for name, sec := range p.Secrets {
		if sec.Environment == "" {
			t.Errorf("secret %s: want it read from a variable in .env", name)
		} else if _, ok := vars[sec.Environment]; !ok {
			t.Errorf("secret %s reads %s, which .env.example does not define", name, sec.Environment)
		}
	}
	config := readFile(t, filepath.Join(root, "cmd", "vpslink", "config.go"))
	for name := range vars {
		if strings.HasPrefix(name, "VPSLINK_") && !strings.Contains(config, `"`+name+`"`) && !composeInterpolates(t, name) {
			t.Errorf(".env.example sets %s, which neither vpslink nor docker-compose.yml reads", name)
		}
	}
}

// composeSets reports whether docker-compose.yml gives the vpslink service
// the variable itself (litestream.yml expands it inside the container).
func composeSets(t *testing.T, name string) bool {
	t.Helper()
	return regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(name) + `:`).MatchString(readFile(t, filepath.Join(root, "docker-compose.yml")))
}

func composeInterpolates(t *testing.T, name string) bool {
	t.Helper()
	_, ok := interpolations(readFile(t, filepath.Join(root, "docker-compose.yml")))[name]
	return ok
}

// TestComposeCrossReferences follows the paths and names that the mounted
// configuration files use back to docker-compose.yml.
func TestComposeCrossReferences(t *testing.T) {
	p := loadCompose(t, composeDir(t), "garage", "monitoring")

	// Prometheus reads the secret compose mounts, scrapes the port vpslink
	// listens on, and finds its rule files in the mounted directory.
	var prom struct {
		RuleFiles     []string `yaml:"rule_files"`
		ScrapeConfigs []struct {
			Authorization struct {
				CredentialsFile string `yaml:"credentials_file"`
			} `yaml:"authorization"`
			StaticConfigs []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	if err := yaml.Unmarshal([]byte(readFile(t, "prometheus/prometheus.yml")), &prom); err != nil {
		t.Fatal(err)
	}
	ps := p.Services["prometheus"]
	promDir := mountSource(t, ps, "/etc/prometheus")
	for _, rf := range prom.RuleFiles {
		if _, err := os.Stat(filepath.Join(promDir, rf)); err != nil {
			t.Errorf("prometheus rule file: %v", err)
		}
	}
	if len(prom.ScrapeConfigs) != 1 {
		t.Fatalf("%d scrape configs, want 1", len(prom.ScrapeConfigs))
	}
	sc := prom.ScrapeConfigs[0]
	secret, ok := strings.CutPrefix(sc.Authorization.CredentialsFile, "/run/secrets/")
	if !ok || !slices.ContainsFunc(ps.Secrets, func(s types.ServiceSecretConfig) bool { return s.Source == secret }) {
		t.Errorf("credentials_file %s is not a secret of the prometheus service", sc.Authorization.CredentialsFile)
	}
	if p.Secrets[secret].Environment != "VPSLINK_API_SECRET" {
		t.Errorf("secret %s reads %q, want VPSLINK_API_SECRET", secret, p.Secrets[secret].Environment)
	}
	_, port, _ := strings.Cut(*p.Services["vpslink"].Environment["VPSLINK_LISTEN"], ":")
	if got := sc.StaticConfigs[0].Targets; !slices.Equal(got, []string{"vpslink:" + port}) {
		t.Errorf("scrape targets %v, want vpslink:%s", got, port)
	}

	// Grafana's dashboard provider reads the directory compose mounts, and
	// the datasource points at the prometheus service.
	gs := p.Services["grafana"]
	var provider struct {
		Providers []struct {
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	if err := yaml.Unmarshal([]byte(readFile(t, "grafana/provisioning/dashboards/vpslink.yml")), &provider); err != nil {
		t.Fatal(err)
	}
	dashDir := mountSource(t, gs, provider.Providers[0].Options.Path)
	if _, err := os.Stat(filepath.Join(dashDir, "vpslink.json")); err != nil {
		t.Errorf("dashboard not in the provisioned directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(mountSource(t, gs, "/etc/grafana/provisioning"), "datasources", "prometheus.yml")); err != nil {
		t.Error(err)
	}
	if !strings.Contains(readFile(t, "grafana/provisioning/datasources/prometheus.yml"), "url: http://prometheus:9090") {
		t.Error("the datasource does not point at the prometheus service")
	}
	if f := gs.Environment["GF_SECURITY_ADMIN_PASSWORD__FILE"]; f == nil || !slices.ContainsFunc(gs.Secrets, func(s types.ServiceSecretConfig) bool { return "/run/secrets/"+s.Source == *f }) {
		t.Error("grafana's admin password file is not one of its secrets")
	}

	// garage-init runs the shipped script against the same config and node
	// key as garage.
	gi := p.Services["garage-init"]
	if got := mountSource(t, gi, "/usr/local/bin/garage-init"); filepath.Base(got) != "init.sh" {
		t.Errorf("garage-init runs %s", got)
	}
	for _, target := range []string{"/etc/garage.toml", "/var/lib/garage/meta"} {
		if mountSource(t, gi, target) != mountSource(t, p.Services["garage"], target) {
			t.Errorf("garage-init and garage mount different %s", target)
		}
	}
	toml := readFile(t, "garage/garage.toml")
	for _, want := range []string{`metadata_dir = "/var/lib/garage/meta"`, `s3_region = "garage"`, `rpc_public_addr = "127.0.0.1:3901"`} {
		if !strings.Contains(toml, want) {
			t.Errorf("garage.toml lacks %s", want)
		}
	}
}

// mountSource returns the host path mounted at target in s.
func mountSource(t *testing.T, s types.ServiceConfig, target string) string {
	t.Helper()
	for _, v := range s.Volumes {
		if v.Target == target {
			return v.Source
		}
	}
	t.Fatalf("%s: nothing mounted at %s", s.Name, target)
	return ""
}
