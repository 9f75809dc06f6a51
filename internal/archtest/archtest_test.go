package archtest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// rule forbids packages matching from to depend, directly or through
// other packages, on any of the deny prefixes.
type rule struct {
	from []string // package patterns relative to the module root, e.g. "./storage/..."
	deny []string // import paths; a path also denies its subpackages
	why  string
}

// domainPackages are the top-level domain packages; the ones that do not
// exist (yet) are skipped.
var domainPackages = []string{"selfservice", "officehours", "surveys", "metrics", "previews", "ideas", "report", "people", "workhours", "delivery", "domain", "i18n"}

func rules(root string) []rule {
	var domain []string
	for _, p := range domainPackages {
		if _, err := os.Stat(filepath.Join(root, p)); err == nil {
			domain = append(domain, "./"+p+"/...")
		}
	}
	return []rule{
		{from: []string{"./storage/..."}, deny: []string{"github.com/slack-go/slack"},
			why: "storage keeps rows, not Slack messages: an outbox payload is JSON that only its kind's deliverer reads"},
		{from: domain, deny: []string{"github.com/slack-go/slack", "gorm.io/gorm", "net/http", "github.com/rs/zerolog"},
			why: "domain packages declare the small interfaces they need; handlers, storage and the outbox's senders implement them"},
	}
}

// TestLayering runs `go list -deps` on each rule's packages and fails on
// every forbidden dependency, naming the chain of imports that reaches it.
func TestLayering(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the module")
	}
	root := moduleRoot(t)
	for _, r := range rules(root) {
		for _, pattern := range r.from {
			graph := importGraph(t, root, pattern)
			for _, pkg := range list(t, root, pattern) {
				reported := map[string]bool{} // one line per denied path
				for _, dep := range reachable(graph, pkg) {
					if d := denied(dep, r.deny); d != "" && !reported[d] {
						reported[d] = true
						t.Errorf("%s depends on %s (%s): %s", pkg, dep, strings.Join(chain(graph, pkg, dep), " → "), r.why)
					}
				}
			}
		}
	}
}

// TestHandlerFeaturesApart fails when a feature package under handlers/
// depends on another one: each feature renders its own messages, and App
// Home gets their sections from the wiring (handlers/home), so that a
// feature can change or go without touching the others.
func TestHandlerFeaturesApart(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the module")
	}
	root := moduleRoot(t)
	prefix := strings.TrimSpace(goCmd(t, root, "list", "-m")) + "/handlers/"
	graph := importGraph(t, root, "./handlers/...")
	var features []string
	for _, pkg := range list(t, root, "./handlers/...") {
		if name, ok := strings.CutPrefix(pkg, prefix); ok && !strings.Contains(name, "/") && name != "internal" {
			features = append(features, pkg)
		}
	}
	if len(features) < 5 {
		t.Fatalf("found %d feature packages under %s, want the five or more there are", len(features), prefix)
	}
	for _, pkg := range features {
		for _, dep := range reachable(graph, pkg) {
			for _, other := range features {
				if other != pkg && (dep == other || strings.HasPrefix(dep, other+"/")) {
					t.Errorf("%s depends on %s (%s): features do not import each other", pkg, dep, strings.Join(chain(graph, pkg, dep), " → "))
				}
			}
		}
	}
}

// denied returns the entry of deny that pkg is or is under, or "".
func denied(pkg string, deny []string) string {
	for _, d := range deny {
		if pkg == d || strings.HasPrefix(pkg, d+"/") {
			return d
		}
	}
	return ""
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	return strings.TrimSpace(goCmd(t, ".", "list", "-m", "-f", "{{.Dir}}"))
}

// list returns the packages a pattern names (test files excluded).
func list(t *testing.T, root, pattern string) []string {
	return strings.Fields(goCmd(t, root, "list", "-f", "{{.ImportPath}}", pattern))
}

// importGraph maps every package in pattern's dependencies to its imports.
func importGraph(t *testing.T, root, pattern string) map[string][]string {
	out := goCmd(t, root, "list", "-deps", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, pattern)
	g := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 {
			g[f[0]] = f[1:]
		}
	}
	return g
}

// reachable lists what pkg depends on, directly or not.
func reachable(g map[string][]string, pkg string) []string {
	seen := map[string]bool{pkg: true}
	queue, out := []string{pkg}, []string(nil)
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, d := range g[p] {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
				queue = append(queue, d)
			}
		}
	}
	return out
}

// chain is a shortest path of imports from pkg to dep.
func chain(g map[string][]string, pkg, dep string) []string {
	prev := map[string]string{pkg: ""}
	queue := []string{pkg}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p == dep {
			var path []string
			for ; p != ""; p = prev[p] {
				path = append([]string{p}, path...)
			}
			return path
		}
		for _, d := range g[p] {
			if _, ok := prev[d]; !ok {
				prev[d] = p
				queue = append(queue, d)
			}
		}
	}
	return []string{pkg, "…", dep}
}

func goCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}
