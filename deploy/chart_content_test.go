package deploy_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/yaml"

	"github.com/platformbot/platformbot/config"
)

// shutdownDrain is the bot's longest graceful shutdown, as values.yaml
// adds it up: envelopes 10 s, jobs 12 s, HTTP 5 s, outbox posts 70 s,
// heartbeat and activity flush 5 s each.
const shutdownDrain = 107 * time.Second

// TestChartDefaults: the defaults run two non-root, read-only replicas on
// PostgreSQL from the chart's Secret and ConfigMap, probed on /healthz and
// /readyz, with a disruption budget and a grace period longer than the
// bot's drain.
func TestChartDefaults(t *testing.T) {
	objs := render(t, values(t, ""))
	d := one[appsv1.Deployment](t, objs)
	if *d.Spec.Replicas != 2 || d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType {
		t.Errorf("replicas %d, strategy %s; want 2, RollingUpdate", *d.Spec.Replicas, d.Spec.Strategy.Type)
	}
	pod := d.Spec.Template.Spec
	c := pod.Containers[0]
	if sc := pod.SecurityContext; sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || *sc.RunAsUser != 65532 {
		t.Errorf("pod security context %s, want non-root uid 65532 (the image's nonroot user)", yamlOf(sc))
	}
	if sc := c.SecurityContext; !*sc.ReadOnlyRootFilesystem || *sc.AllowPrivilegeEscalation {
		t.Errorf("container security context %s, want a read-only root and no privilege escalation", yamlOf(sc))
	}
	if got := time.Duration(*pod.TerminationGracePeriodSeconds) * time.Second; got <= shutdownDrain {
		t.Errorf("terminationGracePeriodSeconds %s, want more than the bot's drain (%s)", got, shutdownDrain)
	}
	for probe, want := range map[*corev1.Probe]string{c.LivenessProbe: "/healthz", c.ReadinessProbe: "/readyz", c.StartupProbe: "/healthz"} {
		if probe == nil || probe.HTTPGet == nil || probe.HTTPGet.Path != want || probe.HTTPGet.Port.String() != "http" {
			t.Errorf("probe %s, want GET %s on the http port", yamlOf(probe), want)
		}
	}
	if got := c.Resources.Requests[corev1.ResourceMemory]; got.Cmp(resource.MustParse("64Mi")) != 0 {
		t.Errorf("memory request %s, want 64Mi (bench/README.md: 42–48 MiB peak)", got.String())
	}
	if len(c.Args) != 1 || c.Args[0] != "run" {
		t.Errorf("args %v, want [run]", c.Args)
	}
	secret, cm := one[corev1.Secret](t, objs), one[corev1.ConfigMap](t, objs)
	if len(c.EnvFrom) != 1 || c.EnvFrom[0].SecretRef.Name != secret.Name {
		t.Errorf("envFrom %s, want the chart's Secret %s", yamlOf(c.EnvFrom), secret.Name)
	}
	if v := volume(t, pod, "config"); v.ConfigMap == nil || v.ConfigMap.Name != cm.Name {
		t.Errorf("config volume %s, want the chart's ConfigMap %s", yamlOf(v), cm.Name)
	}
	if _, ok := d.Spec.Template.Annotations["checksum/config"]; !ok {
		t.Error("no checksum/config pod annotation: a config change would not roll the pods")
	}
	checkConfig(t, cm)
	if pdb := one[policyv1.PodDisruptionBudget](t, objs); pdb.Spec.MaxUnavailable.IntValue() != 1 {
		t.Errorf("PDB %s, want maxUnavailable 1", yamlOf(pdb.Spec))
	}
	svc := one[corev1.Service](t, objs)
	if p := svc.Spec.Ports[0]; p.Port != 8080 || p.TargetPort.String() != "http" {
		t.Errorf("service port %s, want 8080 to http", yamlOf(p))
	}
	if n := len(find[networkingv1.Ingress](objs)) + len(find[monitoringv1.ServiceMonitor](objs)) + len(find[monitoringv1.PrometheusRule](objs)); n != 0 {
		t.Errorf("%d optional objects rendered by default", n)
	}
}

// TestChartConfigChangeRollsPods: the pod template's checksum follows the
// configuration, and only it.
func TestChartConfigChangeRollsPods(t *testing.T) {
	checksum := func(cfg map[string]any) string {
		d := one[appsv1.Deployment](t, render(t, map[string]any{"config": cfg}))
		return d.Spec.Template.Annotations["checksum/config"]
	}
	a := checksum(map[string]any{"timezone": "Europe/Berlin"})
	if b := checksum(map[string]any{"timezone": "Europe/Paris"}); a == b {
		t.Error("a different config gives the same checksum")
	}
	if again := checksum(map[string]any{"timezone": "Europe/Berlin"}); a != again {
		t.Error("the same config gives another checksum")
	}
}

// TestChartAllOptions: the optional objects appear, and the rule set and
// dashboard are the repository's files.
func TestChartAllOptions(t *testing.T) {
	objs := render(t, values(t, "ci/all-on-values.yaml"))
	ing := one[networkingv1.Ingress](t, objs)
	var paths []string
	for _, p := range ing.Spec.Rules[0].HTTP.Paths {
		paths = append(paths, p.Path)
		if p.Backend.Service.Port.Name != "http" {
			t.Errorf("ingress path %s goes to port %q", p.Path, p.Backend.Service.Port.Name)
		}
	}
	if slices.Contains(paths, "/metrics") || !slices.Contains(paths, "/webhooks") {
		t.Errorf("ingress paths %v: want the webhooks, never /metrics", paths)
	}
	sm := one[monitoringv1.ServiceMonitor](t, objs)
	if ep := sm.Spec.Endpoints[0]; ep.Port != "http" || ep.Path != "/metrics" || sm.Labels["release"] != "kube-prometheus-stack" {
		t.Errorf("ServiceMonitor %s", yamlOf(sm))
	}
	rule := one[monitoringv1.PrometheusRule](t, objs)
	if got, want := alertNames(rule.Spec.Groups), alertNamesOfFile(t); !slices.Equal(got, want) {
		t.Errorf("PrometheusRule alerts %v, want deploy/prometheus/alerts.yaml's %v", got, want)
	}
	checkDashboard(t, objs)
	d := one[appsv1.Deployment](t, objs)
	if *d.Spec.Replicas != 3 || d.Spec.Template.Spec.PriorityClassName != "platform-critical" {
		t.Errorf("deployment ignores values: %s", yamlOf(d.Spec))
	}
	for _, cm := range find[corev1.ConfigMap](objs) {
		if _, ok := cm.Data["platformbot.yaml"]; ok {
			checkConfig(t, cm)
		}
	}
}

// TestChartSQLite: one replica, replaced rather than rolled (the file is
// locked by one process), with its volume at /data, and the Secret and
// ConfigMap named in the values rather than created.
func TestChartSQLite(t *testing.T) {
	objs := render(t, values(t, "ci/sqlite-values.yaml"))
	d := one[appsv1.Deployment](t, objs)
	if *d.Spec.Replicas != 1 || d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType {
		t.Errorf("replicas %d, strategy %s; want 1, Recreate", *d.Spec.Replicas, d.Spec.Strategy.Type)
	}
	pvc := one[corev1.PersistentVolumeClaim](t, objs)
	if v := volume(t, d.Spec.Template.Spec, "data"); v.PersistentVolumeClaim == nil || v.PersistentVolumeClaim.ClaimName != pvc.Name {
		t.Errorf("data volume %s, want the claim %s", yamlOf(v), pvc.Name)
	}
	mounted := false
	for _, m := range d.Spec.Template.Spec.Containers[0].VolumeMounts {
		mounted = mounted || (m.Name == "data" && m.MountPath == "/data")
	}
	if !mounted {
		t.Error("the data volume is not mounted at /data, where the image's DATABASE_URL points")
	}
	if n := len(find[corev1.Secret](objs)) + len(find[corev1.ConfigMap](objs)); n != 0 {
		t.Errorf("%d Secrets/ConfigMaps created, want the existing ones", n)
	}
	if ref := d.Spec.Template.Spec.Containers[0].EnvFrom[0].SecretRef.Name; ref != "platformbot-secrets" {
		t.Errorf("envFrom %s, want platformbot-secrets", ref)
	}
}

// TestChartRefusesBadValues: values that cannot work fail at render time.
func TestChartRefusesBadValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		vals map[string]any
		want string
	}{
		{"SQLite with replicas", map[string]any{"database": map[string]any{"sqlite": true}, "replicaCount": 2}, "one replica"},
		{"misspelt key", map[string]any{"replicaCont": 3}, "replicaCont"},
		{"bad pull policy", map[string]any{"image": map[string]any{"repository": "x", "pullPolicy": "Sometimes"}}, "pullPolicy"},
		{"grace under 30 s", map[string]any{"terminationGracePeriodSeconds": 10}, "terminationGracePeriodSeconds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := renderFiles(tc.vals)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("render error = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

// checkConfig validates the rendered platformbot.yaml with the bot's own
// config package.
func checkConfig(t *testing.T, cm *corev1.ConfigMap) {
	t.Helper()
	data, ok := cm.Data["platformbot.yaml"]
	if !ok {
		t.Fatalf("ConfigMap %s has no platformbot.yaml", cm.Name)
	}
	if _, err := config.Parse("ConfigMap "+cm.Name, []byte(data)); err != nil {
		t.Errorf("the rendered config is invalid: %v", err)
	}
}

func checkDashboard(t *testing.T, objs []object) {
	t.Helper()
	want, err := os.ReadFile("grafana/platformbot.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, cm := range find[corev1.ConfigMap](objs) {
		got, ok := cm.Data["platformbot.json"]
		if !ok {
			continue
		}
		if cm.Labels["grafana_dashboard"] != "1" || !json.Valid([]byte(got)) || strings.TrimSpace(got) != strings.TrimSpace(string(want)) {
			t.Errorf("dashboard ConfigMap %s: labels %v; want deploy/grafana/platformbot.json as valid JSON", cm.Name, cm.Labels)
		}
		return
	}
	t.Error("no dashboard ConfigMap")
}

func alertNames(groups []monitoringv1.RuleGroup) []string {
	var out []string
	for _, g := range groups {
		for _, r := range g.Rules {
			out = append(out, r.Alert)
		}
	}
	return out
}

func alertNamesOfFile(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("prometheus/alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var spec monitoringv1.PrometheusRuleSpec
	if err := yaml.UnmarshalStrict(raw, &spec); err != nil {
		t.Fatalf("alerts.yaml is not a PrometheusRule spec: %v", err)
	}
	return alertNames(spec.Groups)
}

func volume(t *testing.T, pod corev1.PodSpec, name string) corev1.Volume {
	t.Helper()
	for _, v := range pod.Volumes {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("no volume %q", name)
	return corev1.Volume{}
}
