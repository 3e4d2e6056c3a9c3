package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"
)

// The command that rewrites every generated document; the drift failures
// print it.
const regenerate = "go test ./cmd/vpslink -run TestDocs -update"

var update = flag.Bool("update", false, "rewrite the generated documents ("+regenerate+")")

// TestDocs keeps the documents that are generated from the code equal to
// what the code generates now: the CLI reference from the cobra command
// tree, the configuration reference and the example file from Config.
func TestDocs(t *testing.T) {
	root := newApp(nil, io.Discard, io.Discard).root()
	keys := configKeys(t, root)
	for _, d := range []struct {
		path string
		gen  func(old string) string
	}{
		{"docs/cli.md", func(string) string { return cliReference(root) }},
		{"docs/configuration.md", func(old string) string {
			return replaceGenerated(t, old, configTable(keys))
		}},
		{"vpslink.example.yml", func(string) string { return exampleConfig(keys) }},
	} {
		t.Run(d.path, func(t *testing.T) {
			path := filepath.Join("..", "..", filepath.FromSlash(d.path))
			old, err := os.ReadFile(path)
			if err != nil && !(*update && os.IsNotExist(err)) {
				t.Fatal(err)
			}
			want := d.gen(string(old))
			if *update {
				if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if string(old) != want {
				t.Errorf("%s is out of date (%s); regenerate it with:\n\t%s", d.path, firstDiff(string(old), want), regenerate)
			}
		})
	}
}

// firstDiff names the first line where got and want differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d is %q, the code says %q", i+1, gl, wl)
		}
	}
	return "same lines"
}

// cliReference renders every visible command: usage, description and flags.
func cliReference(root *cobra.Command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Command-line reference\n\n")
	fmt.Fprintf(&b, "<!-- Generated from the command tree; do not edit. Regenerate: %s -->\n\n", regenerate)
	b.WriteString("Every command takes the global flags of `vpslink`. Exit status 0 on success; otherwise\n" +
		"non-zero with a one-line reason on stderr. Configuration keys and their environment\n" +
		"variables: [configuration.md](configuration.md).\n\n")
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		writeCommand(&b, c)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return b.String()
}

func writeCommand(b *strings.Builder, c *cobra.Command) {
	level := "##"
	if strings.Count(c.CommandPath(), " ") > 1 {
		level = "###"
	}
	fmt.Fprintf(b, "%s `%s`\n\n", level, c.CommandPath())
	fmt.Fprintf(b, "%s.\n\n", strings.TrimSuffix(c.Short, "."))
	if c.Runnable() {
		fmt.Fprintf(b, "```\n%s\n```\n\n", c.UseLine())
	}
	if len(c.Aliases) > 0 {
		fmt.Fprintf(b, "Also: `%s`.\n\n", strings.Join(c.Aliases, "`, `"))
	}
	if c.Long != "" {
		fmt.Fprintf(b, "```text\n%s\n```\n\n", strings.TrimSpace(c.Long))
	}
	if c.Example != "" {
		fmt.Fprintf(b, "```sh\n%s\n```\n\n", strings.TrimSpace(c.Example))
	}
	var rows [][]string
	c.LocalFlags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		usage := f.Usage
		if c.PersistentFlags().Lookup(f.Name) != nil && c.HasParent() {
			usage += " (also for its subcommands)"
		}
		rows = append(rows, []string{"`" + flagSyntax(f) + "`", flagDefault(f), prose(usage)})
	})
	if len(rows) > 0 {
		writeTable(b, []string{"flag", "default", "meaning"}, rows)
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("Subcommands:\n\n")
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() {
				fmt.Fprintf(b, "- [`%s`](#%s): %s\n", sub.Name(), anchor(sub), sub.Short)
			}
		}
		b.WriteString("\n")
	}
}

// anchor is the heading id GitHub derives from "`vpslink db migrate`".
func anchor(c *cobra.Command) string {
	return strings.ReplaceAll(c.CommandPath(), " ", "-")
}

func flagSyntax(f *pflag.Flag) string {
	s := "--" + f.Name
	if f.Shorthand != "" {
		s = "-" + f.Shorthand + ", " + s
	}
	if name, _ := pflag.UnquoteUsage(f); name != "" {
		s += " " + name
	}
	return s
}

func flagDefault(f *pflag.Flag) string {
	switch f.DefValue {
	case "", "[]", "false", "0", "0s":
		return ""
	}
	return "`" + f.DefValue + "`"
}

// prose makes text one line of a Markdown table cell, where <datadir>
// would otherwise be read as an HTML tag.
func prose(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "<", "&lt;")
}

func writeTable(b *strings.Builder, head []string, rows [][]string) {
	line := func(cells []string) {
		for i, c := range cells {
			cells[i] = strings.ReplaceAll(c, "|", `\|`)
		}
		fmt.Fprintf(b, "| %s |\n", strings.Join(cells, " | "))
	}
	line(head)
	line(slices.Repeat([]string{"---"}, len(head)))
	for _, r := range rows {
		line(r)
	}
	b.WriteString("\n")
}

// configKey is one Config field as the documents show it.
type configKey struct {
	key, env, doc string
	flags         []string // "--sender (serve)"
	value         any      // the default, as the YAML file writes it
}

// configKeys reads each Config field's key, variable and default, its doc
// comment from config.go, and the commands that have a flag of its name.
func configKeys(t *testing.T, root *cobra.Command) []configKey {
	docs := structFieldDocs(t, "config.go", "Config")
	flags := flagOwners(root)
	def := reflect.ValueOf(DefaultConfig()).Elem()
	var keys []configKey
	for i := range def.NumField() {
		f := def.Type().Field(i)
		k := configKey{key: f.Tag.Get("yaml"), env: f.Tag.Get("env"), doc: docs[f.Name]}
		if k.key == "" || k.env == "" || k.doc == "" {
			t.Fatalf("Config.%s needs a yaml tag, an env tag and a doc comment: they are its documentation", f.Name)
		}
		k.flags = flags[strings.ReplaceAll(k.key, "_", "-")]
		switch v := def.Field(i).Interface().(type) {
		case Duration:
			k.value = shortDuration(v.Duration)
		default:
			k.value = v
		}
		keys = append(keys, k)
	}
	return keys
}

// structFieldDocs returns the doc comment of each field of the named struct.
func structFieldDocs(t *testing.T, file, name string) map[string]string {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || ts.Name.Name != name {
			return true
		}
		for _, field := range ts.Type.(*ast.StructType).Fields.List {
			for _, id := range field.Names {
				docs[id.Name] = strings.TrimSpace(field.Doc.Text())
			}
		}
		return false
	})
	return docs
}

// flagOwners maps a flag name to the commands that define it, as
// "every command" for the root's global flags.
func flagOwners(root *cobra.Command) map[string][]string {
	owners := map[string][]string{}
	root.PersistentFlags().VisitAll(func(f *pflag.Flag) {
		owners[f.Name] = append(owners[f.Name], "every command")
	})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
			owners[f.Name] = append(owners[f.Name], strings.TrimPrefix(c.CommandPath(), "vpslink "))
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return owners
}

// shortDuration writes 6h rather than time.Duration's 6h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func (k configKey) defaultText() string {
	switch v := k.value.(type) {
	case []string:
		return strings.Join(v, ",")
	case int:
		return strconv.Itoa(v)
	default:
		return fmt.Sprint(v)
	}
}

func configTable(keys []configKey) string {
	var b strings.Builder
	var rows [][]string
	for _, k := range keys {
		flags := ""
		if len(k.flags) > 0 {
			flags = "`--" + strings.ReplaceAll(k.key, "_", "-") + "` (" + strings.Join(k.flags, ", ") + ")"
		}
		def := ""
		if d := k.defaultText(); d != "" {
			def = "`" + d + "`"
		}
		rows = append(rows, []string{"`" + k.key + "`", "`" + k.env + "`", flags, def, prose(k.doc)})
	}
	writeTable(&b, []string{"key", "environment", "flag", "default", "meaning"}, rows)
	return b.String()
}

// The generated part of a hand-written document lies between these lines.
const (
	generatedBegin = "<!-- BEGIN generated from the code; do not edit. Regenerate: " + regenerate + " -->\n"
	generatedEnd   = "<!-- END generated -->\n"
)

func replaceGenerated(t *testing.T, doc, generated string) string {
	before, rest, ok1 := strings.Cut(doc, generatedBegin)
	_, after, ok2 := strings.Cut(rest, generatedEnd)
	if !ok1 || !ok2 {
		t.Fatalf("the document lacks the lines\n%s...\n%s", generatedBegin, generatedEnd)
	}
	return before + generatedBegin + "\n" + generated + generatedEnd + after
}

func exampleConfig(keys []configKey) string {
	var b strings.Builder
	b.WriteString(`# vpslink configuration. Every key is optional; the values shown are the
# defaults. Precedence: command-line flags > environment > this file >
# defaults. Unknown keys are an error. Use with --config FILE or
# VPSLINK_CONFIG=FILE; ./vpslink.yml is read when present.
# Generated from the code (docs/configuration.md has the same in a table).
`)
	for _, k := range keys {
		b.WriteString("\n")
		for _, l := range strings.Split(k.doc, "\n") {
			b.WriteString(strings.TrimRight("# "+l, " ") + "\n")
		}
		b.WriteString("# Environment: " + k.env)
		if len(k.flags) > 0 {
			b.WriteString("; flag --" + strings.ReplaceAll(k.key, "_", "-"))
		}
		b.WriteString(".\n")
		var out bytes.Buffer
		enc := yaml.NewEncoder(&out)
		enc.SetIndent(2)
		if err := enc.Encode(map[string]any{k.key: k.value}); err != nil {
			panic(err)
		}
		b.Write(out.Bytes())
	}
	return b.String()
}

// Every field's type has an environment parser.
func TestConfigEnv_EveryField(t *testing.T) {
	samples := map[reflect.Type]string{
		reflect.TypeFor[string]():   "x",
		reflect.TypeFor[[]string](): "a, b",
		reflect.TypeFor[int]():      "3",
		reflect.TypeFor[Duration](): "2m",
		reflect.TypeFor[bool]():     "true",
		reflect.TypeFor[float64]():  "2.5",
	}
	typ := reflect.TypeFor[Config]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		sample, ok := samples[f.Type]
		if !ok {
			t.Fatalf("Config.%s: setFromEnv has no case for %s", f.Name, f.Type)
		}
		var c Config
		err := c.readEnv(func(name string) (string, bool) { return sample, name == f.Tag.Get("env") })
		if err != nil || reflect.ValueOf(c).Field(i).IsZero() {
			t.Errorf("%s=%q: err %v, field %s unset", f.Tag.Get("env"), sample, err, f.Name)
		}
	}
}

// docs/metrics.md is written by hand; it must name exactly the vpslink_*
// metrics the code declares.
func TestDocsMetrics(t *testing.T) {
	root := filepath.Join("..", "..")
	inCode := declaredMetrics(t)
	doc, err := os.ReadFile(filepath.Join(root, "docs", "metrics.md"))
	if err != nil {
		t.Fatal(err)
	}
	inDoc := map[string]bool{}
	for _, m := range regexp.MustCompile("`(vpslink_[a-z0-9_]*[a-z0-9])`").FindAllSubmatch(doc, -1) {
		inDoc[string(m[1])] = true
	}
	for name := range inCode {
		if !inDoc[name] {
			t.Errorf("metric %s is not documented in docs/metrics.md", name)
		}
	}
	for name := range inDoc {
		if !inCode[name] {
			t.Errorf("docs/metrics.md documents %s, which no code declares", name)
		}
	}
}

// declaredMetrics returns the metric names in the non-test Go files under
// root: the Name of a prometheus *Opts literal and the first argument of
// prometheus.NewDesc or of an internal/metric constructor.
func declaredMetrics(t *testing.T) map[string]bool {
	names := map[string]bool{}
	add := func(e ast.Expr) {
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil && strings.HasPrefix(s, "vpslink_") {
				names[s] = true
			}
		}
	}
	for _, pkg := range modulePackages(t) {
		for _, file := range pkg.GoFiles {
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(pkg.Dir, file), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CompositeLit:
					if sel, ok := n.Type.(*ast.SelectorExpr); ok && strings.HasSuffix(sel.Sel.Name, "Opts") {
						for _, el := range n.Elts {
							if kv, ok := el.(*ast.KeyValueExpr); ok && fmt.Sprint(kv.Key) == "Name" {
								add(kv.Value)
							}
						}
					}
				case *ast.CallExpr:
					sel, ok := n.Fun.(*ast.SelectorExpr)
					if !ok || len(n.Args) == 0 {
						break
					}
					if x, ok := sel.X.(*ast.Ident); sel.Sel.Name == "NewDesc" || (ok && x.Name == "metric") {
						add(n.Args[0])
					}
				}
				return true
			})
		}
	}
	if len(names) == 0 {
		t.Fatal("found no metric declarations")
	}
	return names
}

// TestDocsPackageMap keeps the package map of README.md true: every package
// of the module is on it, and imports only the module's packages its row
// allows.
func TestDocsPackageMap(t *testing.T) {
	root := filepath.Join("..", "..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	allowed := packageMap(t, string(readme))
	name := func(importPath string) string {
		if importPath == module {
			return "vpslink"
		}
		return strings.TrimPrefix(importPath, module+"/")
	}
	seen := map[string]bool{}
	for _, pkg := range modulePackages(t) {
		pkgName := name(pkg.ImportPath)
		seen[pkgName] = true
		may, ok := allowed[pkgName]
		if !ok {
			t.Errorf("package %s is not in the README's package map", pkgName)
			continue
		}
		for _, imp := range pkg.Imports {
			if (imp == module || strings.HasPrefix(imp, module+"/")) && !may[name(imp)] {
				t.Errorf("%s imports %s, which the README's package map does not allow", pkgName, name(imp))
			}
		}
	}
	for pkg := range allowed {
		if !seen[pkg] {
			t.Errorf("the README's package map lists %s, which does not exist", pkg)
		}
	}
}

// packageMap reads the table under "## Packages" in the README: the first
// code span of a row names a package, the code spans of its last cell the
// packages it may import.
func packageMap(t *testing.T, readme string) map[string]map[string]bool {
	_, section, ok := strings.Cut(readme, "\n## Packages\n")
	if !ok {
		t.Fatal(`README.md has no "## Packages" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	span := regexp.MustCompile("`([^`]+)`")
	out := map[string]map[string]bool{}
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if !strings.HasPrefix(line, "| `") || len(cells) < 3 {
			continue
		}
		may := map[string]bool{}
		for _, m := range span.FindAllStringSubmatch(cells[len(cells)-1], -1) {
			may[m[1]] = true
		}
		out[span.FindStringSubmatch(cells[0])[1]] = may
	}
	return out
}

// module is the import path of the repository's Go module.
const module = "github.com/vpslink/vpslink"

// modulePackages returns every package of the module, with its non-test
// files and imports, from the source tree (hidden directories, testdata and
// node_modules left out).
func modulePackages(t *testing.T) []*build.Package {
	root := filepath.Join("..", "..")
	var pkgs []*build.Package
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		pkg, err := build.ImportDir(path, 0)
		var noGo *build.NoGoError
		if errors.As(err, &noGo) {
			return nil
		} else if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		pkg.ImportPath = strings.TrimSuffix(module+"/"+filepath.ToSlash(rel), "/.")
		pkgs = append(pkgs, pkg)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// Every VPSLINK_* variable the service reads is in docs/configuration.md:
// the keys' variables in its generated table, the others by hand. Packages
// that exist for tests (storetest, s3test, tooltest...) are left out.
func TestDocsEnvironment(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "configuration.md"))
	if err != nil {
		t.Fatal(err)
	}
	variable := regexp.MustCompile(`VPSLINK_[A-Z0-9_]*[A-Z0-9]`)
	for _, pkg := range modulePackages(t) {
		if strings.Contains(pkg.Name, "test") {
			continue
		}
		for _, file := range pkg.GoFiles {
			b, err := os.ReadFile(filepath.Join(pkg.Dir, file))
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range variable.FindAllString(string(b), -1) {
				if !bytes.Contains(doc, []byte("`"+v+"`")) {
					t.Errorf("%s/%s reads %s, which docs/configuration.md does not document", pkg.ImportPath, file, v)
				}
			}
		}
	}
}
