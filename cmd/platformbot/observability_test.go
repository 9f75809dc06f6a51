package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"gopkg.in/yaml.v3"

	"github.com/platformbot/platformbot/bot"
)

// repoRoot is where the deploy files are, seen from this package.
const repoRoot = "../.."

const observabilityConfig = `
admins: {users: [UADMIN0001]}
surveys:
  - id: devex
    title: Developer experience pulse
    audience: {users: [U0DEV00001]}
    questions:
      - {id: sat, type: scale, text: "How satisfied are you with the platform?"}
digests:
  posts:
    - {id: weekly, channel: C0PLATFORM, schedule: "0 9 * * MON", window: 7d}
`

// TestDashboardAndAlertsUseExportedMetrics runs the bot, makes it export
// each kind of series (a command, a handler error, a Slack call, an outbox
// send), scrapes /metrics and checks that every metric the Grafana
// dashboard and the alert rules query is one the bot exports, so that a
// renamed metric cannot leave a panel blank or an alert silent.
func TestDashboardAndAlertsUseExportedMetrics(t *testing.T) {
	b := newTestBot(t, botOptions{Config: observabilityConfig, Setup: func(m *Main) {
		m.Router.Command("/platform", "").Add(bot.Subcommand{Name: "fail", Help: "x", Run: func(context.Context, *bot.Request) (*bot.Reply, error) {
			return nil, errors.New("a bug")
		}})
	}})
	b.Fake.AddUser(slack.User{ID: "U0DEV00001", Name: "dev"})
	b.Command("UDEV000001", "/platform help")
	b.Command("UDEV000001", "/platform fail")
	b.Command("UADMIN0001", "/pulse send devex")
	b.WaitDMs("U0DEV00001", 1)

	queried := map[string][]string{} // metric → where it is queried
	for where, exprs := range map[string][]string{
		"deploy/grafana/platformbot.json": dashboardExprs(t),
		"deploy/prometheus/alerts.yaml":   alertExprs(t),
	} {
		n := 0
		for _, e := range exprs {
			for _, name := range metricNames(e) {
				queried[name] = append(queried[name], where)
				n++
			}
		}
		if n < 10 {
			t.Errorf("%s: found only %d metric references; is the file parsed right?", where, n)
		}
	}
	var missing []string
	deadline := time.Now().Add(10 * time.Second)
	for {
		exported := scrape(t, b.HTTPURL+"/metrics")
		missing = missing[:0]
		for name := range queried {
			if !exported[name] {
				missing = append(missing, name)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond) // the outbox counts its send after Slack answered
	}
	slices.Sort(missing)
	for _, name := range missing {
		t.Errorf("%s is queried in %v but not exported", name, slices.Compact(queried[name]))
	}
}

// TestAlertRulesHaveRunbooks: every alert has a severity, a summary and a
// runbook section in docs/deploy.md.
func TestAlertRulesHaveRunbooks(t *testing.T) {
	deployDoc, err := os.ReadFile(filepath.Join(repoRoot, "docs/deploy.md"))
	if err != nil {
		t.Fatal(err)
	}
	rules := alertRules(t)
	if len(rules) < 5 {
		t.Fatalf("only %d rules", len(rules))
	}
	for _, r := range rules {
		if r.Alert == "" || r.Expr == "" {
			t.Errorf("rule %+v lacks its alert name or expression", r)
			continue
		}
		if s := r.Labels["severity"]; s != "critical" && s != "warning" {
			t.Errorf("%s: severity %q, want critical or warning", r.Alert, s)
		}
		if r.Annotations["summary"] == "" {
			t.Errorf("%s: no summary", r.Alert)
		}
		if want := "docs/deploy.md#" + strings.ToLower(r.Alert); r.Annotations["runbook"] != want {
			t.Errorf("%s: runbook %q, want %q", r.Alert, r.Annotations["runbook"], want)
		}
		if !strings.Contains(string(deployDoc), "\n### "+r.Alert+"\n") {
			t.Errorf("%s: docs/deploy.md has no runbook section \"### %s\"", r.Alert, r.Alert)
		}
	}
}

type alertRule struct {
	Alert       string            `yaml:"alert"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

func alertRules(t *testing.T) []alertRule {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "deploy/prometheus/alerts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Groups []struct {
			Name  string      `yaml:"name"`
			Rules []alertRule `yaml:"rules"`
		} `yaml:"groups"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil {
		t.Fatalf("alerts.yaml: %v", err)
	}
	var out []alertRule
	for _, g := range file.Groups {
		out = append(out, g.Rules...)
	}
	return out
}

func alertExprs(t *testing.T) []string {
	var out []string
	for _, r := range alertRules(t) {
		out = append(out, r.Expr)
	}
	return out
}

// dashboardExprs returns every query of the dashboard: the panels'
// targets (rows nest panels) and the template variables.
func dashboardExprs(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "deploy/grafana/platformbot.json"))
	if err != nil {
		t.Fatal(err)
	}
	type panel struct {
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
		Panels []json.RawMessage `json:"panels"`
	}
	var dash struct {
		Panels     []json.RawMessage `json:"panels"`
		Templating struct {
			List []struct {
				Definition string `json:"definition"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("platformbot.json: %v", err)
	}
	var out []string
	var walk func([]json.RawMessage)
	walk = func(ps []json.RawMessage) {
		for _, rp := range ps {
			var p panel
			if err := json.Unmarshal(rp, &p); err != nil {
				t.Fatalf("platformbot.json: panel: %v", err)
			}
			for _, tg := range p.Targets {
				out = append(out, tg.Expr)
			}
			walk(p.Panels)
		}
	}
	walk(dash.Panels)
	for _, v := range dash.Templating.List {
		out = append(out, v.Definition)
	}
	return out
}

var (
	promQuoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`")
	promIdent  = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)
)

// metricNames returns the metric names a PromQL expression uses: the
// identifiers outside string literals that start with platformbot_, go_ or
// process_ (functions, keywords and label names do not).
func metricNames(expr string) []string {
	var out []string
	for _, id := range promIdent.FindAllString(promQuoted.ReplaceAllString(expr, `""`), -1) {
		if strings.HasPrefix(id, "platformbot_") || strings.HasPrefix(id, "go_") || strings.HasPrefix(id, "process_") {
			out = append(out, id)
		}
	}
	return out
}

// scrape returns the names /metrics exports: metric families and the
// sample names of their series (histograms' _bucket, _sum, _count).
func scrape(t *testing.T, url string) map[string]bool {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics = %d:\n%s", resp.StatusCode, body)
	}
	names := map[string]bool{}
	for line := range strings.Lines(string(body)) {
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			names[strings.Fields(rest)[0]] = true
			continue
		}
		if line == "" || line[0] == '#' {
			continue
		}
		if i := strings.IndexAny(line, "{ "); i > 0 {
			names[line[:i]] = true
		}
	}
	return names
}
