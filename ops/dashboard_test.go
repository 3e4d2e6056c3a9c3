package ops

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type dashboard struct {
	UID        string  `json:"uid"`
	Title      string  `json:"title"`
	Panels     []panel `json:"panels"`
	Templating struct {
		List []struct {
			Name  string `json:"name"`
			Type  string `json:"type"`
			Query string `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID         int    `json:"id"`
	Type       string `json:"type"`
	Title      string `json:"title"`
	Datasource *struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	} `json:"datasource"`
	GridPos struct{ H, W, X, Y int } `json:"gridPos"`
	Targets []struct {
		Expr  string `json:"expr"`
		RefID string `json:"refId"`
	} `json:"targets"`
}

func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	var d dashboard
	if err := json.Unmarshal([]byte(readFile(t, "grafana/dashboards/vpslink.json")), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

type alertRules struct {
	Groups []struct {
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

func loadAlerts(t *testing.T) alertRules {
	t.Helper()
	var r alertRules
	if err := yaml.Unmarshal([]byte(readFile(t, "prometheus/alerts.yml")), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// queries returns every PromQL text the dashboard and the alert rules
// evaluate (annotation templates may query too).
func queries(t *testing.T) []string {
	var texts []string
	for _, p := range loadDashboard(t).Panels {
		for _, target := range p.Targets {
			texts = append(texts, target.Expr)
		}
	}
	for _, g := range loadAlerts(t).Groups {
		for _, r := range g.Rules {
			texts = append(texts, r.Expr)
			for _, a := range r.Annotations {
				texts = append(texts, a)
			}
		}
	}
	return texts
}

// TestMetricsListMatchesQueries keeps ops/metrics.txt exactly the set of
// metric families the dashboard and the alerts use.
func TestMetricsListMatchesQueries(t *testing.T) {
	listed := metricsList(t)
	if !slices.IsSorted(listed) || len(slices.Compact(slices.Clone(listed))) != len(listed) {
		t.Errorf("metrics.txt is not sorted and unique")
	}
	known := map[string]bool{}
	for _, name := range listed {
		known[name] = true
	}
	used := referencedFamilies(queries(t), known)
	for _, name := range used {
		if !known[name] {
			t.Errorf("%s is queried but not in metrics.txt", name)
		}
	}
	for _, name := range listed {
		if !slices.Contains(used, name) {
			t.Errorf("%s is in metrics.txt but nothing queries it", name)
		}
	}
}

// TestDashboardPanels checks the dashboard's structure and that it covers
// what operators look at: each wanted panel title must exist.
func TestDashboardPanels(t *testing.T) {
	d := loadDashboard(t)
	if d.UID == "" || d.Title == "" {
		t.Fatal("dashboard needs a uid and a title")
	}
	if len(d.Templating.List) != 1 || d.Templating.List[0].Name != "datasource" || d.Templating.List[0].Query != "prometheus" {
		t.Fatalf("want one datasource variable of type prometheus, got %+v", d.Templating.List)
	}
	ids := map[int]bool{}
	var titles []string
	for _, p := range d.Panels {
		if ids[p.ID] {
			t.Errorf("panel id %d used twice", p.ID)
		}
		ids[p.ID] = true
		if p.GridPos.W <= 0 || p.GridPos.H <= 0 || p.GridPos.X+p.GridPos.W > 24 {
			t.Errorf("%q: bad gridPos %+v", p.Title, p.GridPos)
		}
		titles = append(titles, p.Title)
		if p.Type == "row" {
			continue
		}
		if p.Datasource == nil || p.Datasource.UID != "${datasource}" {
			t.Errorf("%q: datasource must be the $datasource variable", p.Title)
		}
		if len(p.Targets) == 0 {
			t.Errorf("%q: no queries", p.Title)
		}
		for _, target := range p.Targets {
			if strings.TrimSpace(target.Expr) == "" || target.RefID == "" {
				t.Errorf("%q: empty query or refId", p.Title)
			}
		}
	}
	for _, want := range []string{
		"Sends and failures", "Dispatch lateness", "Pending messages and jobs",
		"API requests by route", "API latency by route (p99)", "Replication lag",
		"S3 operations", "Snapshot age", "Last snapshot size", "Snapshot age and size",
		"Database and WAL size", "WhatsApp connection",
	} {
		if !slices.Contains(titles, want) {
			t.Errorf("no panel %q", want)
		}
	}
}

// TestDashboardQueriesParse runs every dashboard query through promtool's
// PromQL parser by wrapping them as recording rules.
func TestDashboardQueriesParse(t *testing.T) {
	type rule struct {
		Record string `yaml:"record"`
		Expr   string `yaml:"expr"`
	}
	var rules []rule
	for _, p := range loadDashboard(t).Panels {
		for _, target := range p.Targets {
			// Grafana's $__rate_interval is not PromQL.
			expr := strings.ReplaceAll(target.Expr, "$__rate_interval", "1m")
			rules = append(rules, rule{Record: "dashboard:query", Expr: expr})
		}
	}
	doc := map[string]any{"groups": []any{map[string]any{"name": "dashboard", "rules": rules}}}
	b, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "dashboard-rules.yml")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	promtool(t, "check", "rules", path)
}

// TestAlertsDocumented checks that docs/operations.md explains every alert.
func TestAlertsDocumented(t *testing.T) {
	doc := readFile(t, "../docs/operations.md")
	for _, g := range loadAlerts(t).Groups {
		for _, r := range g.Rules {
			if !strings.Contains(doc, "### "+r.Alert) {
				t.Errorf("docs/operations.md has no section \"### %s\"", r.Alert)
			}
		}
	}
}
