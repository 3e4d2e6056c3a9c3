package api_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gorilla/mux"
	"gopkg.in/yaml.v3"
)

// TestOpenAPI_MatchesRouter checks that every route of the router is in
// openapi.yaml and every operation of openapi.yaml is a route.
func TestOpenAPI_MatchesRouter(t *testing.T) {
	b, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                          `yaml:"openapi"`
		Paths   map[string]map[string]yaml.Node `yaml:"paths"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Fatalf("openapi %q, want 3.1.x", doc.OpenAPI)
	}
	var spec []string
	for path, ops := range doc.Paths {
		for method := range ops {
			if method != "parameters" && method != "summary" && method != "description" {
				spec = append(spec, strings.ToUpper(method)+" "+path)
			}
		}
	}

	var routes []string
	err = newEnv(t).srv.Router().Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tmpl, err := route.GetPathTemplate()
		if err != nil {
			return err
		}
		methods, err := route.GetMethods()
		if err != nil {
			return err
		}
		for _, m := range methods {
			if m == "HEAD" && slices.Contains(methods, "GET") {
				continue // every GET route answers HEAD, as the description says
			}
			routes = append(routes, m+" "+tmpl)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) < 28 {
		t.Fatalf("walked only %d routes", len(routes))
	}
	slices.Sort(spec)
	slices.Sort(routes)
	for _, r := range routes {
		if !slices.Contains(spec, r) {
			t.Errorf("route %s is not in openapi.yaml", r)
		}
	}
	for _, s := range spec {
		if !slices.Contains(routes, s) {
			t.Errorf("openapi.yaml documents %s, which the router does not have", s)
		}
	}
}
