package deploy_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/v2/lint"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"
)

const chartDir = "helm/platformbot"

// TestMain quiets Helm's loader, which logs at INFO each symbolic link it
// follows (files/ links to the rule set and the dashboard).
func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

// valueSets are the values the chart is checked with: its defaults, and
// the files under ci/ (every option on; SQLite with external Secret and
// ConfigMap).
var valueSets = []string{"", "ci/all-on-values.yaml", "ci/sqlite-values.yaml"}

// TestChartLint runs Helm's linter (what `helm lint` runs) with each value
// set; any warning or error fails.
func TestChartLint(t *testing.T) {
	for _, file := range valueSets {
		t.Run(name(file), func(t *testing.T) {
			res := lint.RunAll(chartDir, values(t, file), "platformbot")
			for _, m := range res.Messages {
				if m.Severity >= support.WarningSev {
					t.Error(m.Error())
				}
			}
		})
	}
}

// TestChartRendersStrictly renders the chart with each value set and
// decodes every object into its Kubernetes (or Prometheus Operator) Go
// type with unknown and duplicate fields refused, so that a misspelt field
// fails here rather than being dropped by the API server.
func TestChartRendersStrictly(t *testing.T) {
	for _, file := range valueSets {
		t.Run(name(file), func(t *testing.T) {
			objs := render(t, values(t, file))
			if len(objs) < 3 {
				t.Fatalf("rendered %d objects", len(objs))
			}
			var kinds []string
			for _, o := range objs {
				kinds = append(kinds, o.kind)
			}
			t.Logf("%s renders %v", name(file), kinds)
		})
	}
}

// object is one rendered manifest, decoded.
type object struct {
	kind, name, source string
	value              any // pointer to the typed object
}

// newObject returns an empty typed object for a manifest's apiVersion and
// kind; anything else the chart renders is an error.
func newObject(apiVersion, kind string) (any, error) {
	switch apiVersion + " " + kind {
	case "v1 ServiceAccount":
		return &corev1.ServiceAccount{}, nil
	case "v1 ConfigMap":
		return &corev1.ConfigMap{}, nil
	case "v1 Secret":
		return &corev1.Secret{}, nil
	case "v1 Service":
		return &corev1.Service{}, nil
	case "v1 PersistentVolumeClaim":
		return &corev1.PersistentVolumeClaim{}, nil
	case "apps/v1 Deployment":
		return &appsv1.Deployment{}, nil
	case "policy/v1 PodDisruptionBudget":
		return &policyv1.PodDisruptionBudget{}, nil
	case "networking.k8s.io/v1 Ingress":
		return &networkingv1.Ingress{}, nil
	case "monitoring.coreos.com/v1 ServiceMonitor":
		return &monitoringv1.ServiceMonitor{}, nil
	case "monitoring.coreos.com/v1 PrometheusRule":
		return &monitoringv1.PrometheusRule{}, nil
	}
	return nil, fmt.Errorf("the chart renders %s %s, which the test does not know", apiVersion, kind)
}

// render renders the chart as `helm template` would and decodes each
// object strictly.
func render(t *testing.T, vals map[string]any) []object {
	t.Helper()
	out, err := renderFiles(vals)
	if err != nil {
		t.Fatal(err)
	}
	var objs []object
	for _, file := range slices.Sorted(maps.Keys(out)) {
		if !strings.HasSuffix(file, ".yaml") {
			continue // NOTES.txt, helpers
		}
		for _, doc := range splitDocuments(out[file]) {
			objs = append(objs, decode(t, file, doc))
		}
	}
	return objs
}

// renderFiles loads and renders the chart, values schema included.
func renderFiles(vals map[string]any) (map[string]string, error) {
	chrt, err := loader.Load(chartDir)
	if err != nil {
		return nil, err
	}
	opts := common.ReleaseOptions{Name: "platformbot", Namespace: "platform", Revision: 1, IsInstall: true}
	rv, err := util.ToRenderValues(chrt, vals, opts, nil)
	if err != nil {
		return nil, err
	}
	return engine.Render(chrt, rv)
}

var docSep = regexp.MustCompile(`(?m)^---\s*$`)

// splitDocuments returns the non-empty YAML documents of a rendered file.
func splitDocuments(s string) []string {
	var out []string
	for _, d := range docSep.Split(s, -1) {
		if strings.TrimSpace(stripComments(d)) != "" {
			out = append(out, d)
		}
	}
	return out
}

func stripComments(s string) string {
	var b strings.Builder
	for line := range strings.Lines(s) {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line)
		}
	}
	return b.String()
}

func decode(t *testing.T, file, doc string) object {
	t.Helper()
	var meta struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
		t.Fatalf("%s: not YAML: %v\n%s", file, err, doc)
	}
	v, err := newObject(meta.APIVersion, meta.Kind)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if err := yaml.UnmarshalStrict([]byte(doc), v); err != nil {
		t.Fatalf("%s: %s %s does not decode strictly: %v\n%s", file, meta.Kind, meta.Metadata.Name, err, doc)
	}
	return object{kind: meta.Kind, name: meta.Metadata.Name, source: file, value: v}
}

// values reads a values file; "" is the chart's defaults.
func values(t *testing.T, file string) map[string]any {
	t.Helper()
	if file == "" {
		return map[string]any{}
	}
	v, err := common.ReadValuesFile(filepath.Join(chartDir, file))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func name(file string) string {
	if file == "" {
		return "defaults"
	}
	return strings.TrimSuffix(filepath.Base(file), "-values.yaml")
}

// find returns the rendered objects of a kind.
func find[T any](objs []object) []*T {
	var out []*T
	for _, o := range objs {
		if v, ok := o.value.(*T); ok {
			out = append(out, v)
		}
	}
	return out
}

// one returns the single rendered object of a kind.
func one[T any](t *testing.T, objs []object) *T {
	t.Helper()
	all := find[T](objs)
	if len(all) != 1 {
		var zero T
		t.Fatalf("rendered %d %T, want 1", len(all), zero)
	}
	return all[0]
}

// yamlOf is a helper for readable failure messages.
func yamlOf(v any) string {
	b, _ := yaml.Marshal(v)
	return string(bytes.TrimSpace(b))
}
